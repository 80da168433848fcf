using HookBench.Abi;
using HookBench.Bpf;
using HookBench.Cells;
using HookBench.HookSets;
using HookBench.Targets;
using Iced.Intel;

namespace HookBench.Validation;

/// <summary>
/// Proof that a hook's recursion guard stops a callback that calls the traced function again from inside
/// the hook. The first callback of an instrumented build re-enters the target; after <see cref="Calls"/>
/// hooked calls the counts must be what the kernel's guard allows and every guard released:
/// <list type="bullet">
/// <item>BPF (a profile with the recursion step): the re-entered program is skipped (prog->active is
/// already 1) and counted as a miss, so it runs once per call; the other programs are not active at that
/// point and run in the nested call too, twice per call; the target body runs twice per call.</item>
/// <item>ftrace's list function: trace_test_and_set_recursion() lets exactly one nested level through on
/// its transition bit and stops the next, so every matching op runs twice per call and the body three
/// times.</item>
/// </list>
/// </summary>
public static class RecursionGuardValidator
{
    public const int Calls = 3;

    /// <summary>Builds <paramref name="options"/> with a re-entering first callback, runs it, and checks the counts and the guards.</summary>
    public static TransparencyResult Validate(HookSetOptions options)
    {
        options = options with { Instrumented = true, Reenter = true };
        var inputs = ProbeInputs.Fixed(options.ArgCount);
        using var set = HookSetBuilder.Emit(options);
        var probe = ProbeHarness.Emit(set, CallingConvention.Host);
        set.Seal();
        var checks = new Checks();
        var arena = set.Arena;
        var abi = options.Abi;
        foreach (Register register in CallingConvention.GeneralPurposeRegisters)
            arena.WriteUInt64(probe.Slots.RegistersIn[ProbeSlots.IndexOf(register)], inputs.RegisterValue(register, abi));
        arena.WriteUInt64(probe.Slots.FlagsIn.Address, inputs.Flags);
        for (int i = abi.ArgumentRegisters.Count; i < inputs.Arguments.Count; i++)
            arena.WriteUInt64(probe.Slots.StackArgumentsIn[i - abi.ArgumentRegisters.Count], inputs.Arguments[i]);

        set.Attach();
        for (int call = 0; call < Calls; call++)
            arena.Invoke(probe.Blob.Address);
        set.Detach();

        ulong expected = TargetEmitter.Reference(TargetEmitter.TargetSeed, inputs.Arguments);
        ulong returned = arena.ReadUInt64(probe.Slots.RegistersOut[ProbeSlots.IndexOf(Register.RAX)]);
        checks.Add("return value", returned == expected, $"0x{returned:X}, expected 0x{expected:X}");

        bool opsList = Attachment.TakesOps(options.Strategy);
        ulong bodies = arena.ReadUInt64(set.TargetWitness!.Hits.Address);
        ulong wantBodies = (ulong)(Calls * (opsList ? 3 : 2));
        checks.Add("target body runs", bodies == wantBodies, $"{bodies}, expected {wantBodies}");
        foreach (var member in set.Chain)
        {
            int perCall = !member.Runs ? 0 : opsList ? 2 : member.Index == 0 ? 1 : 2;
            ulong ran = arena.ReadUInt64(member.Handler.RequireObservation().Hits.Address);
            string who = opsList ? $"op {member.Index}" : $"program {member.Index}";
            checks.Add($"{who} calls", ran == (ulong)(Calls * perCall), $"{ran}, expected {Calls * perCall} ({perCall} per call)");
        }

        foreach (var program in set.Programs)
        {
            ulong misses = arena.ReadUInt64(program.Stats.Address + BpfProgram.StatsMissesOffset);
            ulong want = program.Index == 0 ? (ulong)Calls : 0;
            checks.Add($"program {program.Index} recursion misses", misses == want, $"{misses}, expected {want}");
            ulong active = arena.ReadUInt64(program.Active.Address) & 0xFFFF_FFFF;
            checks.Add($"program {program.Index} prog->active after the calls", active == 0, $"{active}, expected 0");
        }

        if (set.Kernel is Kernel.KernelState state)
        {
            foreach (var (field, seen, want) in state.Balance(arena))
                checks.Add($"{field} after the calls", seen == want, $"0x{seen:X}, expected 0x{want:X}");
        }

        return new TransparencyResult(options, checks.Count, checks.Failures) { HandlerEntryRspMod16 = set.Entry?.EntryRspMod16 };
    }

    sealed class Checks
    {
        readonly List<CheckFailure> _failures = [];

        public int Count { get; private set; }

        public IReadOnlyList<CheckFailure> Failures => _failures;

        public void Add(string name, bool ok, string detail)
        {
            Count++;
            if (!ok)
                _failures.Add(new CheckFailure(name, detail));
        }
    }
}
