using HookBench.Abi;
using HookBench.Cells;
using HookBench.Emission;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Measurement;

/// <summary>
/// The frame every native timing harness shares, so the loops differ only in what they time:
/// <code>
///  open:  save host callee-saved; [rbx = iterations]; rbp = rsp;
///         rsp = the placement's harness stack top (or: and rsp, -16); sub rsp, shadow + stack args
///         stack arguments stored; lfence; rdtsc; r12 = edx:eax
///  close: rdtscp; lfence; rax = edx:eax − r12; rsp = rbp; restore callee-saved; ret
/// </code>
/// With a stack top the loop and everything it calls run on a <see cref="Native.HarnessStack"/>: the main thread's
/// stack starts at an offset the kernel randomizes per process (up to 8 KiB, 16-byte steps), and where the stack
/// sits in its page against the code's data decides whether stores and loads 4K-alias. Left to chance, that made
/// one cell 12% slower in every placement of one process (ipmodify-full/2/args, run 7 of a 10-run study), a
/// run-level effect no interval of that run could contain; chosen per placement, it is one more thing a
/// placement varies.
/// </summary>
internal static class HarnessFrame
{
    public static void EmitOpen(Assembler asm, CallingConvention host, CallingConvention abi, int argCount, bool iterationsInRbx, ulong? stackTop = null)
    {
        int stackArgs = abi.StackArgumentCount(argCount);
        foreach (Register saved in host.CalleeSaved)
            asm.push(saved.R64());
        if (iterationsInRbx)
            asm.mov(rbx, host.ArgumentRegisters[0].R64());
        asm.mov(rbp, rsp);
        if (stackTop is ulong top)
        {
            if (top % 16 != 0)
                throw new ArgumentException($"a harness stack top must be 16-byte aligned; got 0x{top:X}", nameof(stackTop));
            asm.mov(rsp, top);
        }
        else
        {
            asm.and(rsp, -16);
        }

        int outgoing = (abi.ShadowSpaceBytes + 8 * stackArgs + 15) & ~15;
        if (outgoing > 0)
            asm.sub(rsp, outgoing);
        for (int k = 0; k < stackArgs; k++)
        {
            asm.mov(rax, TimingHarness.ArgumentValue(abi.ArgumentRegisters.Count + k));
            asm.mov(__qword_ptr[rsp + abi.ShadowSpaceBytes + 8 * k], rax);
        }

        asm.lfence();
        asm.rdtsc();
        asm.shl(rdx, 32);
        asm.or(rax, rdx);
        asm.mov(r12, rax);
    }

    public static void EmitClose(Assembler asm, CallingConvention host)
    {
        asm.rdtscp();
        asm.lfence();
        asm.shl(rdx, 32);
        asm.or(rax, rdx);
        asm.sub(rax, r12);
        asm.mov(rsp, rbp);
        foreach (Register saved in host.CalleeSaved.Reverse())
            asm.pop(saved.R64());
        asm.ret();
    }

    /// <summary>The argument moves before each call: constants, or the previous result as the first in latency mode.</summary>
    public static void EmitArguments(Assembler asm, CallingConvention abi, int n, MeasurementMode mode)
    {
        for (int i = 0; i < Math.Min(n, abi.ArgumentRegisters.Count); i++)
        {
            if (i == 0 && mode == MeasurementMode.Latency)
                asm.mov(abi.ArgumentRegisters[i].R64(), rax);
            else
                asm.MovSignExtended(abi.ArgumentRegisters[i], (int)TimingHarness.ArgumentValue(i));
        }
    }
}
