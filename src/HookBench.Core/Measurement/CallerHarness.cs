using HookBench.Abi;
using HookBench.Cells;
using HookBench.Emission;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Measurement;

/// <summary>
/// The timing loop for a caller context other than the plain unrolled one, and for several hooked
/// functions: <c>ulong ticks = measure(iterations)</c>, timed like <see cref="TimingHarness"/> (the same
/// prologue, serialized TSC reads and epilogue), around a loop body that depends on the caller.
/// <code>
///  unrolled  loop: for each callee { set arguments; call callee; [lfence] }                 dec rbx; jnz loop
///  busy      loop: for each callee { set arguments; call callee; [lfence]; 12 ALU ops }     dec rbx; jnz loop
///  rolled    rbx = 16 × iterations; r13 = i = 0; r14 = sum = 0
///            loop: arg0 = i (latency: rax); other arguments; add r13, 1; call callee; [lfence];
///                  add r14, rax; cmp rbx, r13; jne loop
/// </code>
/// With one callee listed <see cref="TimingHarness.Unroll"/> times, the unrolled body is TimingHarness's
/// instruction for instruction (a test holds them together). Several callees are called in the order
/// given, once per entry: the footprint driver's pass.
/// </summary>
public sealed class CallerHarness
{
    /// <summary>Independent ALU instructions the busy caller runs after every call: 3 chains of 4.</summary>
    public const int BusyInstructions = 12;

    static readonly AssemblerRegister64[] BusyRegisters = [r13, r14, r15];

    CallerHarness(EmittedBlob blob, CallerContext caller, MeasurementMode mode, int callsPerIteration, IReadOnlyList<PathFact> facts)
    {
        Blob = blob;
        Caller = caller;
        Mode = mode;
        CallsPerIteration = callsPerIteration;
        OneIterationFacts = facts;
    }

    public EmittedBlob Blob { get; }
    public CallerContext Caller { get; }
    public MeasurementMode Mode { get; }

    /// <summary>Calls one iteration of <c>measure(iterations)</c> makes: what a measurement divides its ticks by.</summary>
    public int CallsPerIteration { get; }

    /// <summary>What the loop branch does in a walk of <c>measure(1)</c> (pinned to labels of <see cref="Blob"/>).</summary>
    public IReadOnlyList<PathFact> OneIterationFacts { get; }

    /// <summary>
    /// Emits the loop into <paramref name="image"/>. It is entered under <paramref name="host"/> and calls
    /// the callees under <paramref name="abi"/> with <paramref name="argCount"/> arguments.
    /// </summary>
    public static CallerHarness Emit(
        CodeImage image, CallingConvention host, CallingConvention abi, int argCount, MeasurementMode mode, CallerContext caller, IReadOnlyList<ulong> callees, ulong? stackTop = null)
    {
        if (argCount < mode.MinArgs())
            throw new ArgumentException($"mode {mode.Name()} needs args >= {mode.MinArgs()}; validate the cell key first", nameof(mode));
        if (callees.Count == 0 || (caller == CallerContext.Rolled && callees.Distinct().Count() != 1))
            throw new ArgumentException("the rolled caller calls one function; the others need at least one callee", nameof(callees));
        var branch = default(Label);
        var blob = image.Emit($"timing-{mode.Name()}-{caller.Name()}", BlobKind.Harness, asm =>
        {
            branch = asm.CreateLabel("loop_branch");
            HarnessFrame.EmitOpen(asm, host, abi, argCount, iterationsInRbx: true, stackTop);

            if (caller == CallerContext.Rolled)
                EmitRolled(asm, abi, argCount, mode, callees[0], ref branch);
            else
                EmitUnrolled(asm, abi, argCount, mode, caller == CallerContext.Busy, callees, ref branch);

            HarnessFrame.EmitClose(asm, host);
        });

        int calls = caller == CallerContext.Rolled ? TimingHarness.Unroll : callees.Count;
        IReadOnlyList<bool> outcomes = caller == CallerContext.Rolled
            ? [.. Enumerable.Repeat(true, TimingHarness.Unroll - 1), false]
            : [false];
        return new CallerHarness(blob, caller, mode, calls, [new BranchFact(branch, outcomes)]);
    }

    static void EmitUnrolled(
        Assembler asm, CallingConvention abi, int argCount, MeasurementMode mode, bool busy, IReadOnlyList<ulong> callees, ref Label branch)
    {
        var loop = asm.CreateLabel("loop");
        asm.Label(ref loop);
        foreach (ulong callee in callees)
        {
            HarnessFrame.EmitArguments(asm, abi, argCount, mode);
            asm.call(callee);
            if (mode == MeasurementMode.Serialized)
                asm.lfence();
            if (busy)
                EmitBusyWork(asm);
        }

        asm.dec(rbx);
        asm.Label(ref branch);
        asm.jnz(loop);
    }

    /// <summary>
    /// gcc 12 -O2's body for <c>for (i = 0; i &lt; n; i++) sum += f(i, b, …);</c>: the induction variable is
    /// incremented before the call and compared after it, the result summed. Constant arguments are set
    /// with 32-bit moves, as gcc does for small positive constants.
    /// </summary>
    static void EmitRolled(Assembler asm, CallingConvention abi, int argCount, MeasurementMode mode, ulong callee, ref Label branch)
    {
        var loop = asm.CreateLabel("loop");
        asm.shl(rbx, 4);                 // TimingHarness.Unroll calls per iteration of measure()
        asm.xor(r13d, r13d);             // i
        asm.xor(r14d, r14d);             // sum
        asm.Label(ref loop);
        for (int i = 0; i < Math.Min(argCount, abi.ArgumentRegisters.Count); i++)
        {
            var register = abi.ArgumentRegisters[i];
            if (i == 0)
                asm.mov(register.R64(), mode == MeasurementMode.Latency ? rax : r13);
            else
                asm.AddInstruction(Instruction.Create(Code.Mov_r32_imm32, Low32(register), (uint)TimingHarness.ArgumentValue(i)));
        }

        asm.add(r13, 1);
        asm.call(callee);
        if (mode == MeasurementMode.Serialized)
            asm.lfence();
        asm.add(r14, rax);
        asm.cmp(rbx, r13);
        asm.Label(ref branch);
        asm.jne(loop);
    }

    /// <summary>
    /// Three chains of four single-cycle instructions on callee-saved registers. Each chain starts with a
    /// move of a constant, which depends on nothing, so no chain waits for an earlier call's work and none
    /// spans a call: the work is throughput the hook competes with, not a latency it can hide behind.
    /// </summary>
    static void EmitBusyWork(Assembler asm)
    {
        foreach (var register in BusyRegisters)
            asm.AddInstruction(Instruction.Create(Code.Mov_rm64_imm32, (Register)register, 0x1234567));
        foreach (var register in BusyRegisters)
            asm.add(register, 0x11);
        foreach (var register in BusyRegisters)
            asm.xor(register, 0x22);
        foreach (var register in BusyRegisters)
            asm.add(register, 0x33);
    }

    static Register Low32(Register register) => register switch
    {
        Register.RAX => Register.EAX, Register.RCX => Register.ECX, Register.RDX => Register.EDX, Register.RBX => Register.EBX,
        Register.RSI => Register.ESI, Register.RDI => Register.EDI, Register.RBP => Register.EBP, Register.RSP => Register.ESP,
        >= Register.R8 and <= Register.R15 => Register.R8D + (register - Register.R8),
        _ => throw new ArgumentOutOfRangeException(nameof(register), register, "a 64-bit general-purpose register"),
    };
}
