using HookBench.Abi;
using HookBench.HookSets;
using HookBench.Native;
using HookBench.Targets;
using HookBench.Uprobes;
using Iced.Intel;

namespace HookBench.Validation;

/// <summary>
/// The transparency proof for the kernel's own probes: a uprobe must leave the traced function exactly as it
/// found it, so everything the caller and the body see is compared with the same call unprobed. It runs the
/// probe unprobed, puts the kernel probe on, runs it <see cref="TransparencyValidator.HookedCalls"/> times
/// (the first hit traps and, on a nop5 from 6.18, rewrites the site; the later ones take the steady path),
/// takes the probe off and runs it again. After every probed call it checks the return value, every
/// general-purpose register, RSP and the arithmetic flags against the unprobed call, and, at the body, the
/// arguments, the hidden-argument register, the flags and the entry RSP; then the BPF counter, the site's
/// restored bytes and the body's run count. This checks the harness as much as the kernel: a probe
/// harness that lost a register would fail here the same way.
/// </summary>
public static class KernelProbeValidator
{
    public static TransparencyResult Validate(HookSetOptions options, ProbeInputs inputs, KernelProbes probes)
    {
        options = options with { Instrumented = true };
        using var set = HookSetBuilder.Emit(options);
        var probe = ProbeHarness.Emit(set, CallingConvention.Host);
        set.Seal();
        return new Run(set, probe, inputs, probes).Execute();
    }

    /// <summary>What one call left behind: every register and the flags after it, and what the body saw.</summary>
    sealed record Snapshot(
        IReadOnlyDictionary<Register, ulong> Registers, ulong Flags, ulong RspBefore, ulong Rsp,
        IReadOnlyList<ulong> BodyArguments, ulong BodyHidden, ulong BodyFlags, ulong BodyRsp);

    sealed class Run(HookSet set, ProbeHarness probe, ProbeInputs inputs, KernelProbes probes)
    {
        readonly List<CheckFailure> _failures = [];
        int _checks;

        CodeArena Arena => set.Arena;
        CallingConvention Abi => set.Options.Abi;
        WitnessSlots Witness => set.TargetWitness ?? throw new InvalidOperationException("validation builds carry a target witness");
        KernelProbePoint Point => set.Probe ?? throw new InvalidOperationException($"{set.Options.Strategy.Name} is not a kernel-probe strategy");

        public TransparencyResult Execute()
        {
            probe.Load(Arena, inputs, Abi);
            ulong expected = TargetEmitter.Reference(TargetEmitter.TargetSeed, inputs.Arguments);
            byte[] original = Arena.ReadAsWritten(Point.Address, 8);

            var unprobed = Call();
            Check("unprobed return", unprobed.Registers[Register.RAX] == expected, $"0x{unprobed.Registers[Register.RAX]:X} != reference 0x{expected:X}");

            var attached = AttachedKernelProbe.Attach(set, probes);
            if (!attached.IsAvailable)
                return new TransparencyResult(set.Options, 0, []) { Refused = attached.Unavailable };
            using (var kernel = attached.Value)
            {
                for (int call = 1; call <= TransparencyValidator.HookedCalls; call++)
                    CompareWithUnprobed($"probed call {call}{(call == 1 ? " (first hit)" : string.Empty)}", Call(), unprobed, expected);
                if (set.Options.Program == ProbeProgram.Counter)
                {
                    ulong counted = kernel.CountedHits ?? 0;
                    Check("BPF counter", counted == TransparencyValidator.HookedCalls, $"{counted} hits counted, {TransparencyValidator.HookedCalls} calls made");
                }
            }

            byte[] restored = Arena.Read(Point.Address, original.Length);
            Check("probed bytes restored", restored.AsSpan().SequenceEqual(original),
                $"{Convert.ToHexString(restored)} after the probe came off, not {Convert.ToHexString(original)}");
            var detached = Call();
            Check("return after the probe came off", detached.Registers[Register.RAX] == expected, $"0x{detached.Registers[Register.RAX]:X} != 0x{expected:X}");
            ulong bodyRuns = Arena.ReadUInt64(Witness.Hits.Address);
            ulong wantRuns = 2 + (ulong)TransparencyValidator.HookedCalls;
            Check("target body runs", bodyRuns == wantRuns, $"{bodyRuns}, expected {wantRuns}");
            return new TransparencyResult(set.Options, _checks, _failures);
        }

        Snapshot Call()
        {
            Arena.Invoke(probe.Blob.Address);
            var registers = CallingConvention.GeneralPurposeRegisters.Where(r => r != Register.RSP).ToDictionary(r => r, r => probe.Output(Arena, r));
            return new Snapshot(
                registers,
                Arena.ReadUInt64(probe.Slots.FlagsOut.Address) & ProbeInputs.ArithmeticFlags,
                Arena.ReadUInt64(probe.Slots.RspBeforeCall.Address),
                Arena.ReadUInt64(probe.Slots.RspOut.Address),
                [.. Enumerable.Range(0, set.Options.ArgCount).Select(i => Arena.ReadUInt64(Witness.Arguments[i]))],
                Arena.ReadUInt64(Witness.HiddenArgument.Address),
                Arena.ReadUInt64(Witness.Flags.Address) & ProbeInputs.ArithmeticFlags,
                Arena.ReadUInt64(Witness.Rsp.Address));
        }

        void CompareWithUnprobed(string when, Snapshot seen, Snapshot unprobed, ulong expected)
        {
            Check($"{when}: return value", seen.Registers[Register.RAX] == expected, $"0x{seen.Registers[Register.RAX]:X}, expected 0x{expected:X}");
            // The managed caller's stack may sit elsewhere from call to call (a method tiered up in between), so a
            // register the body left holding a stack address (the witness's scratch) is compared relative to the
            // probe's RSP before the call; every other register must be bit for bit what the unprobed call left.
            ulong moved = seen.RspBefore - unprobed.RspBefore;
            foreach (var (register, want) in unprobed.Registers)
            {
                if (register != Register.RAX)
                {
                    ulong got = seen.Registers[register];
                    Check($"{when}: {Name(register)} after return", got == want || (moved != 0 && got == want + moved), $"0x{got:X}, unprobed 0x{want:X}");
                }
            }

            ulong rspBefore = seen.RspBefore;
            Check($"{when}: rsp after return", seen.Rsp == rspBefore, $"0x{seen.Rsp:X}, expected 0x{rspBefore:X}");
            // With no argument the last flag-writing instruction is the witness's hit counter, whose parity changes
            // from call to call; with arguments it is the body's own xor, the same every call.
            if (set.Options.ArgCount > 0)
                Check($"{when}: flags after return", seen.Flags == unprobed.Flags, $"0x{seen.Flags:X}, unprobed 0x{unprobed.Flags:X}");
            for (int i = 0; i < seen.BodyArguments.Count; i++)
                Check($"{when}: body arg{i} ({Abi.Argument(i)})", seen.BodyArguments[i] == inputs.Arguments[i], $"0x{seen.BodyArguments[i]:X}, expected 0x{inputs.Arguments[i]:X}");
            if (Abi.HiddenArgumentRegister != Register.None)
            {
                ulong want = inputs.RegisterValue(Abi.HiddenArgumentRegister, Abi);
                Check($"{when}: body rax (variadic vector count)", seen.BodyHidden == want, $"0x{seen.BodyHidden:X}, expected 0x{want:X}");
            }

            Check($"{when}: flags at the body", seen.BodyFlags == unprobed.BodyFlags, $"0x{seen.BodyFlags:X}, unprobed 0x{unprobed.BodyFlags:X}");
            Check($"{when}: entry rsp seen by the body", seen.BodyRsp == rspBefore - 8, $"0x{seen.BodyRsp:X}, expected 0x{rspBefore - 8:X}");
        }

        static string Name(Register register) => register.ToString().ToLowerInvariant();

        void Check(string name, bool ok, string detail)
        {
            _checks++;
            if (!ok)
                _failures.Add(new CheckFailure(name, detail));
        }
    }
}
