using CsCheck;
using HookBench.Abi;
using HookBench.Disassembly;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Strategies;
using HookBench.Targets;
using Iced.Intel;
using Xunit;

namespace HookBench.Tests.Emission;

/// <summary>Emit → decode → expected instructions.</summary>
public class RoundTripTests
{
    static IReadOnlyList<ListingLine> Trampoline(Strategy strategy, int args, CallingConvention? abi = null)
    {
        using var set = HookSetBuilder.Build(new HookSetOptions(strategy, HandlerKind.Empty, args, abi ?? CallingConvention.SysV));
        return new Disassembler(set).Blob(set.Trampoline!);
    }

    [Fact]
    public void Direct_with_two_arguments_is_exactly_the_threads_ten_instructions()
    {
        string[] thread =
        [
            "push rbp", "mov rbp, rsp", "push rdi", "push rsi", "lea rdi, [rbp-0x10]",
            "call empty-handler", "pop rsi", "pop rdi", "leave", "ret",
        ];
        var text = Trampoline(StrategyCatalog.Direct, 2).Select(l => string.Join(' ', l.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Equal(thread, text);
    }

    [Fact]
    public void Full_regs_is_bracketed_by_pushfq_and_popfq_and_fills_all_21_pt_regs_qwords()
    {
        var lines = Trampoline(StrategyCatalog.FullRegs, 2);
        Assert.Equal(Code.Pushfq, lines[0].Code);
        int popfq = lines.ToList().FindIndex(l => l.Code == Code.Popfq);
        Assert.True(popfq > 0);
        Assert.Equal(Code.Retnq, lines[popfq + 1].Code);

        var stored = new HashSet<int>();
        using var set = HookSetBuilder.Build(new HookSetOptions(StrategyCatalog.FullRegs, HandlerKind.Empty, 2, CallingConvention.SysV));
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(set.Arena.Read(set.Trampoline!.Address, (int)(set.Trampoline.DataStart!.Value - set.Trampoline.Address))));
        foreach (var instruction in decoder)
        {
            if (instruction.Op0Kind == OpKind.Memory && instruction.MemoryBase == Register.RSP && instruction.Mnemonic == Mnemonic.Mov)
                stored.Add((int)instruction.MemoryDisplacement64);
            if (instruction.Mnemonic == Mnemonic.Call)
                break;
        }

        Assert.Equal(Enumerable.Range(0, 21).Select(i => i * 8), stored.Where(o => o < PtRegs.Size).Order());
    }

    [Fact]
    public void Min_regs_has_no_pushfq_and_no_callee_saved_stores()
    {
        var lines = Trampoline(StrategyCatalog.MinRegs, 2);
        Assert.DoesNotContain(lines, l => l.Code is Code.Pushfq or Code.Popfq);
        Assert.DoesNotContain(lines, l => l.Text.Contains("r15", StringComparison.Ordinal) || l.Text.Contains("rbx", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Text.Contains("qword ptr [rsp+0x88], 0", StringComparison.Ordinal));   // CS = 0
    }

    [Fact]
    public void The_direct_trampoline_grows_by_two_instructions_per_argument()
    {
        for (int n = 0; n <= HookSetOptions.MaxArgs; n++)
            Assert.Equal(6 + 2 * n, Trampoline(StrategyCatalog.Direct, n).Count);
    }

    [Fact]
    public void Every_target_starts_with_the_fentry_nop_and_reads_every_argument()
    {
        foreach (var abi in CallingConvention.All)
        for (int n = 0; n <= HookSetOptions.MaxArgs; n++)
        {
            using var set = HookSetBuilder.Build(new HookSetOptions(StrategyCatalog.None, HandlerKind.Empty, n, abi));
            var lines = new Disassembler(set).Blob(set.Target);
            Assert.Equal("0F1F440000", lines[0].BytesHex);
            Assert.Equal(n, lines.Count(l => l.Code is Code.Xor_rm64_r64 or Code.Xor_r64_rm64));
        }
    }

    [Fact]
    public void The_mix_changes_when_any_single_argument_changes()
    {
        Gen.Select(Gen.ULong.Array[1, HookSetOptions.MaxArgs], Gen.Int, Gen.ULong.Where(x => x != 0))
            .Sample((args, which, flip) =>
            {
                int i = (int)((uint)which % (uint)args.Length);
                var changed = (ulong[])args.Clone();
                changed[i] ^= flip;
                return TargetEmitter.Reference(TargetEmitter.TargetSeed, args) != TargetEmitter.Reference(TargetEmitter.TargetSeed, changed);
            }, iter: 2000);
    }
}
