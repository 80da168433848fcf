using HookBench.Emission;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;
using static HookBench.Patching.Latency.TimedCallerBlock;

namespace HookBench.Patching.Latency;

/// <summary>
/// Emits <c>loop(block)</c> for the latency measurement: <c>block.Chunk</c> calls that cycle through the
/// first <c>block.Sites</c> targets of a <see cref="SiteFarm"/>, each timed with lfence; rdtsc … rdtscp;
/// lfence and filed by the patch phase read before and after it (odd, or moved: inside a patch window).
/// The ticks include the timing instructions themselves; inside and outside carry the same overhead, so
/// their difference is what a patch costs the caller. A call longer than <c>block.Cap</c> ticks is
/// counted as preempted and kept out of both: on a shared machine a descheduled caller's milliseconds
/// would otherwise swamp the microseconds of an emulated int3. System V only (Linux).
/// </summary>
public static class TimedCallerLoopEmitter
{
    public static void Emit(Assembler asm, ulong farmBase, int stride, ulong phase)
    {
        if (stride != 64)
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "the loop computes target addresses as base + index × 64");
        Label loop = asm.CreateLabel(), inside = asm.CreateLabel(), next = asm.CreateLabel(), noWrap = asm.CreateLabel();
        Label preempted = asm.CreateLabel();
        asm.push(rbx);
        asm.push(r12);
        asm.push(r13);
        asm.push(r14);
        asm.push(r15);
        asm.mov(rbx, rdi);
        asm.mov(r12, __qword_ptr[rbx + Chunk]);
        asm.xor(r13d, r13d);
        asm.mov(__qword_ptr[rbx + Active], 1);

        asm.Label(ref loop);
        asm.LoadRip(Register.R14, phase);
        asm.lfence();
        asm.rdtsc();
        asm.shl(rdx, 32);
        asm.or(rax, rdx);
        asm.mov(r15, rax);
        asm.mov(rcx, r13);
        asm.shl(rcx, 6);
        asm.mov(rax, farmBase);
        asm.add(rcx, rax);
        asm.mov(edi, 0x101);
        asm.call(rcx);
        asm.rdtscp();
        asm.lfence();
        asm.shl(rdx, 32);
        asm.or(rax, rdx);
        asm.sub(rax, r15);
        asm.cmp(rax, __qword_ptr[rbx + Cap]);
        asm.ja(preempted);
        asm.LoadRip(Register.RCX, phase);
        asm.cmp(r14, rcx);
        asm.jne(inside);
        asm.test(r14d, 1);
        asm.jnz(inside);
        asm.add(__qword_ptr[rbx + OutsideTicks], rax);
        asm.inc(__qword_ptr[rbx + OutsideCalls]);
        asm.jmp(next);
        asm.Label(ref inside);
        asm.add(__qword_ptr[rbx + InsideTicks], rax);
        asm.inc(__qword_ptr[rbx + InsideCalls]);
        asm.jmp(next);
        asm.Label(ref preempted);
        asm.inc(__qword_ptr[rbx + Preempted]);

        asm.Label(ref next);
        asm.inc(__qword_ptr[rbx + Calls]);
        asm.inc(r13);
        asm.cmp(r13, __qword_ptr[rbx + TimedCallerBlock.Sites]);
        asm.jb(noWrap);
        asm.xor(r13d, r13d);
        asm.Label(ref noWrap);
        asm.dec(r12);
        asm.jnz(loop);

        asm.mov(__qword_ptr[rbx + Active], 0);
        asm.pop(r15);
        asm.pop(r14);
        asm.pop(r13);
        asm.pop(r12);
        asm.pop(rbx);
        asm.ret();
    }
}
