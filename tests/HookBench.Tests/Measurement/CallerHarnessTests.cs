using HookBench.Abi;
using HookBench.Cells;
using HookBench.Emission;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Native;
using HookBench.Strategies;
using Iced.Intel;
using Xunit;

namespace HookBench.Tests.Measurement;

public class CallerHarnessTests
{
    static CallerHarness EmitCaller(HookSet set, MeasurementMode mode, CallerContext caller, int repeat = 1) =>
        CallerHarness.Emit(set.Image, CallingConvention.Host, set.Options.Abi, set.Options.ArgCount, mode, caller,
            [.. Enumerable.Repeat(set.Target.Address, repeat)]);

    /// <summary>A blob's instructions with branch targets inside it made relative, so two copies at different addresses compare equal.</summary>
    static List<string> Shape(CodeArena arena, EmittedBlob blob)
    {
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(arena.Read(blob.Address, blob.Length)));
        decoder.IP = blob.Address;
        var lines = new List<string>();
        while (decoder.IP < blob.End)
        {
            decoder.Decode(out Instruction instruction);
            string target = instruction.FlowControl is FlowControl.ConditionalBranch or FlowControl.UnconditionalBranch
                ? $" +{instruction.NearBranch64 - blob.Address}"
                : instruction.FlowControl == FlowControl.Call ? $" {instruction.NearBranch64:X}" : "";
            bool absolute = instruction.IsIPRelativeMemoryOperand || instruction.FlowControl != FlowControl.Next;
            lines.Add($"{instruction.Code} {instruction.Length}{target} {(absolute ? "" : instruction.ToString().Split(' ', 2).ElementAtOrDefault(1) ?? "")}");
        }

        return lines;
    }

    [Fact]
    public void The_unrolled_caller_with_one_function_is_the_timing_harness_instruction_for_instruction()
    {
        foreach (var abi in CallingConvention.All)
        foreach (var mode in MeasurementModes.All)
        foreach (int n in new[] { 1, 2, 6 })
        {
            using var set = HookSetBuilder.Emit(new HookSetOptions(StrategyCatalog.Direct, HandlerKind.Empty, n, abi));
            var timing = TimingHarness.Emit(set, CallingConvention.Host, mode);
            var caller = EmitCaller(set, mode, CallerContext.Unrolled, TimingHarness.Unroll);
            Assert.Equal(Shape(set.Arena, timing.Blob), Shape(set.Arena, caller.Blob));
            Assert.Equal(TimingHarness.Unroll, caller.CallsPerIteration);
        }
    }

    [Fact]
    public void Given_a_stack_top_the_harness_switches_to_it_and_back()
    {
        using var stack = HarnessStack.Create();
        ulong top = stack.Top(PlacementLayout.StackOffsetOf(3));
        using var set = HookSetBuilder.Emit(new HookSetOptions(StrategyCatalog.Direct, HandlerKind.Empty, 2, CallingConvention.Host));
        var harness = TimingHarness.Emit(set, CallingConvention.Host, MeasurementMode.Throughput, LoopShape.Unrolled, top);
        var shape = Shape(set.Arena, harness.Blob);
        // rbp keeps the caller's rsp; rsp = the placement's slot; the close restores rsp from rbp.
        int saveRsp = shape.FindIndex(l => l.StartsWith("Mov_rm64_r64", StringComparison.Ordinal) && l.EndsWith("rbp,rsp", StringComparison.Ordinal));
        Assert.True(saveRsp >= 0, string.Join('\n', shape));
        Assert.Equal($"Mov_r64_imm64 10 rsp,{top:X}h", shape[saveRsp + 1].Replace("  ", " ", StringComparison.Ordinal));
        Assert.Contains(shape, l => l.StartsWith("Mov_rm64_r64", StringComparison.Ordinal) && l.EndsWith("rsp,rbp", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => TimingHarness.Emit(set, CallingConvention.Host, MeasurementMode.Throughput, LoopShape.Unrolled, top + 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => stack.Top(8));
        set.Seal();
        set.Attach();
        Assert.True(set.Arena.Invoke(harness.Blob.Address, 8) > 0);      // runs there, through the hook, and comes back
    }

    [Theory]
    [InlineData(CallerContext.Rolled)]
    [InlineData(CallerContext.Busy)]
    public void Each_caller_calls_the_target_sixteen_times_per_iteration_in_every_mode(CallerContext context)
    {
        foreach (var mode in MeasurementModes.All)
        {
            using var set = HookSetBuilder.Emit(new HookSetOptions(StrategyCatalog.None, HandlerKind.Empty, 2, CallingConvention.Host) { Instrumented = true });
            var harness = EmitCaller(set, mode, context, context == CallerContext.Busy ? TimingHarness.Unroll : 1);
            set.Seal();
            Assert.True(set.Arena.Invoke(harness.Blob.Address, 5) > 0);
            Assert.Equal((ulong)(5 * harness.CallsPerIteration), set.Arena.ReadUInt64(set.TargetWitness!.Hits.Address));
            Assert.Equal(TimingHarness.Unroll, harness.CallsPerIteration);
        }
    }

    [Fact]
    public void The_rolled_caller_passes_the_induction_variable_and_refuses_several_callees()
    {
        using var set = HookSetBuilder.Emit(new HookSetOptions(StrategyCatalog.None, HandlerKind.Empty, 2, CallingConvention.Host) { Instrumented = true });
        var harness = EmitCaller(set, MeasurementMode.Throughput, CallerContext.Rolled);
        Assert.Throws<ArgumentException>(() => CallerHarness.Emit(set.Image, CallingConvention.Host, set.Options.Abi, 2, MeasurementMode.Throughput,
            CallerContext.Rolled, [set.Target.Address, set.Target.Address + 64]));
        set.Seal();
        set.Arena.Invoke(harness.Blob.Address, 2);
        // The last of 32 calls got i = 31 as its first argument and the constant as its second.
        Assert.Equal(31UL, set.Arena.ReadUInt64(set.TargetWitness!.Arguments[0]));
        Assert.Equal(TimingHarness.ArgumentValue(1), set.Arena.ReadUInt64(set.TargetWitness.Arguments[1]));
    }

    [Fact]
    public void The_callers_own_instructions_per_call_are_read_back_from_each_loop()
    {
        using var set = HookSetBuilder.Emit(new HookSetOptions(StrategyCatalog.Direct, HandlerKind.Empty, 2, CallingConvention.SysV));
        double Of(EmittedBlob blob) => HarnessLoop.CallerInstructionsPerCall(set.Arena, blob);
        // two argument moves and the call per call, dec/jnz once per 16 calls
        Assert.Equal(3.125, Of(TimingHarness.Emit(set, CallingConvention.Host, MeasurementMode.Throughput).Blob));
        Assert.Equal(4.125, Of(TimingHarness.Emit(set, CallingConvention.Host, MeasurementMode.Serialized).Blob));
        // gcc's rolled body: mov rdi, i; mov esi, b; add i, 1; call; add sum, rax; cmp; jne
        Assert.Equal(7, Of(EmitCaller(set, MeasurementMode.Throughput, CallerContext.Rolled).Blob));
        Assert.Equal(3.125 + CallerHarness.BusyInstructions, Of(EmitCaller(set, MeasurementMode.Throughput, CallerContext.Busy, TimingHarness.Unroll).Blob));
        // RyuJIT's shape: two argument moves, call, xor into the sink, dec, GC-poll cmp/jne, test/jne
        Assert.Equal(9, Of(TimingHarness.Emit(set, CallingConvention.Host, MeasurementMode.Throughput, LoopShape.ManagedShaped).Blob));
    }

    [Fact]
    public void Hook_code_bytes_are_the_executed_trampoline_and_handler_bytes()
    {
        foreach (var (strategy, expected) in new (Strategy, Func<HookSet, int>)[]
                 {
                     (StrategyCatalog.Direct, s => s.Trampoline!.Length + s.Entry!.Blob.Length),
                     // a per-ops trampoline's ret is followed by int3 and the 8-byte ops pointer, which never run
                     (StrategyCatalog.MinRegs, s => s.Trampoline!.Length - 9 + s.Entry!.Blob.Length),
                     (StrategyCatalog.DirectCall, s => s.Entry!.Blob.Length),
                     (StrategyCatalog.None, _ => 0),
                 })
        {
            var key = new CellKey(strategy, 2, HandlerKind.Empty, MeasurementMode.Throughput);
            using var code = OneFunctionCode.Prepare(new CellSpec(key));
            Assert.Equal(0, code.Walk().HookCodeBytes);
            code.Attach();
            Assert.Equal(expected(code.Set), code.Walk().HookCodeBytes);
        }
    }

    [Theory]
    [InlineData(CallerContext.Rolled, 7.0)]
    [InlineData(CallerContext.Busy, 3.125 + CallerHarness.BusyInstructions)]
    public void A_cell_under_each_caller_makes_sixteen_calls_per_iteration(CallerContext caller, double callerInstructions)
    {
        var key = new CellKey(StrategyCatalog.Direct, 2, HandlerKind.Empty, MeasurementMode.Throughput) { Caller = caller };
        using var code = OneFunctionCode.Prepare(new CellSpec(key));
        Assert.Equal(TimingHarness.Unroll, code.CallsPerIteration);
        Assert.Equal(callerInstructions, code.Walk().CallerInstructionsPerCall);
    }

    [Fact]
    public void A_managed_shaped_loop_does_not_combine_with_another_caller()
    {
        var spec = new CellSpec(new CellKey(StrategyCatalog.Direct, 2, HandlerKind.Empty, MeasurementMode.Throughput) { Caller = CallerContext.Rolled })
        {
            Loop = LoopShape.ManagedShaped,
        };
        var error = Assert.Throws<UsageException>(() => MeasuredCode.Prepare(spec, PlacementLayout.Default, hooked: false));
        Assert.Contains("does not combine with direct/2/empty/throughput/caller=rolled", error.Message);
    }
}
