using HookBench.Abi;
using HookBench.Cells;
using HookBench.Emission;
using HookBench.HookSets;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Measurement;

/// <summary>
/// The native timing loop, nanoBench-style: <c>ulong ticks = measure(iterations)</c> calls the target
/// <c>iterations × Unroll</c> times between two serialized TSC reads and returns the elapsed ticks.
/// It is entered under the host convention and calls the target under the hook set's convention.
/// <code>
///  save host callee-saved; rbx = iterations; rbp = rsp; rsp = harness stack top (HarnessFrame); sub rsp, shadow + stack args
///  lfence; rdtsc; r12 = edx:eax                      start: earlier work done, later work not begun
///  loop: Unroll × { set arguments (latency: arg0 = rax); call target }; dec rbx; jnz loop
///  rdtscp; lfence; rax = edx:eax − r12               stop: the calls retired, nothing after started
/// </code>
/// rbx, rbp and r12 (and r13, r14 of the managed-shaped loop) are callee-saved under both conventions,
/// so the target and hooks preserve them.
/// </summary>
public sealed class TimingHarness
{
    /// <summary>Calls per loop iteration; the loop's dec/jnz is amortized over them.</summary>
    public const int Unroll = 16;

    /// <summary>The argument every throughput call passes in position i: small, distinct constants.</summary>
    public static ulong ArgumentValue(int index) => (ulong)(index + 1) * 0x101;

    TimingHarness(EmittedBlob blob, MeasurementMode mode)
    {
        Blob = blob;
        Mode = mode;
    }

    public EmittedBlob Blob { get; }
    public MeasurementMode Mode { get; }

    public static TimingHarness Emit(HookSet set, CallingConvention host, MeasurementMode mode, LoopShape shape = LoopShape.Unrolled, ulong? stackTop = null)
    {
        var abi = set.Options.Abi;
        int n = set.Options.ArgCount;
        if (n < mode.MinArgs())
            throw new ArgumentException($"mode {mode.Name()} needs args >= {mode.MinArgs()}; validate the cell key first", nameof(mode));
        var gcPollFlag = set.Image.Data.Allocate("timing.gc_poll_flag");
        var blob = set.Image.Emit($"timing-{mode.Name()}-{shape.Name()}", BlobKind.Harness, asm =>
        {
            var loop = asm.CreateLabel("loop");
            HarnessFrame.EmitOpen(asm, host, abi, n, iterationsInRbx: true, stackTop);

            if (shape == LoopShape.ManagedShaped)
            {
                // One call per iteration, Unroll times as many iterations; mirrors RyuJIT's loop in NativeCallLoop.
                var never = asm.CreateLabel("never");
                var done = asm.CreateLabel("done");
                asm.shl(rbx, 4);
                asm.mov(r13, set.EntryPoint);
                asm.xor(r14d, r14d);
                asm.Label(ref loop);
                HarnessFrame.EmitArguments(asm, abi, n, mode);
                asm.call(r13);
                if (mode == MeasurementMode.Serialized)
                    asm.lfence();
                asm.xor(r14, rax);
                asm.dec(rbx);
                asm.AddInstruction(Instruction.Create(Code.Cmp_rm32_imm8, RipRelative.At(gcPollFlag.Address), 0));
                asm.jne(never);
                asm.test(rbx, rbx);
                asm.jne(loop);
                asm.jmp(done);
                asm.Label(ref never);
                asm.int3();
                asm.Label(ref done);
            }
            else
            {
                asm.Label(ref loop);
                for (int call = 0; call < Unroll; call++)
                {
                    HarnessFrame.EmitArguments(asm, abi, n, mode);
                    asm.call(set.EntryPoint);
                    if (mode == MeasurementMode.Serialized)
                        asm.lfence();
                }

                asm.dec(rbx);
                asm.jnz(loop);
            }

            HarnessFrame.EmitClose(asm, host);
        });
        return new TimingHarness(blob, mode);
    }

    /// <summary>
    /// One call between two serialized TSC reads, for what happens once: a kernel probe's first hit (the
    /// trap that may rewrite the site) must be timed alone, not averaged into a loop. The argument the blob
    /// is invoked with is ignored; the target gets the throughput constants.
    /// <code>
    ///  save host callee-saved; rbp = rsp; rsp = harness stack top (HarnessFrame); sub rsp, shadow + stack args
    ///  lfence; rdtsc; r12 = edx:eax;  set arguments;  call target;  rdtscp; lfence; rax = edx:eax − r12
    /// </code>
    /// </summary>
    public static TimingHarness EmitSingleCall(HookSet set, CallingConvention host, ulong? stackTop = null)
    {
        var abi = set.Options.Abi;
        int n = set.Options.ArgCount;
        var blob = set.Image.Emit("timing-one-call", BlobKind.Harness, asm =>
        {
            HarnessFrame.EmitOpen(asm, host, abi, n, iterationsInRbx: false, stackTop);
            HarnessFrame.EmitArguments(asm, abi, n, MeasurementMode.Throughput);
            asm.call(set.EntryPoint);
            HarnessFrame.EmitClose(asm, host);
        });
        return new TimingHarness(blob, MeasurementMode.Throughput);
    }
}
