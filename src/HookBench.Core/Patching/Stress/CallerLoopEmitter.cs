using HookBench.Emission;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;
using static HookBench.Patching.Stress.CallerBlock;

namespace HookBench.Patching.Stress;

/// <summary>
/// Emits <c>loop(block)</c>: <c>block.Chunk</c> calls of the hooked target with the block's address as
/// the argument, checking each call on its own. Around every call it reads the patch phase (even: no
/// patch in progress; phase/2 toggles done; the site starts detached, so phase mod 4 = 2 means attached),
/// the block's body count and its handler count. The toggler sets the phase odd before a patch's first
/// write and even again only after its last core sync, so a call that read the same even phase before
/// and after ran entirely on one version of the site: attached, the handler must have run exactly once;
/// detached, not at all. A call that saw the phase move overlapped a patch and may run either version.
/// Every call must return the expected result and run the body exactly once. System V only (the stress
/// test needs a file-backed arena, which is Linux-only).
/// </summary>
public static class CallerLoopEmitter
{
    public static void Emit(Assembler asm, ulong target, ulong phase)
    {
        Label loop = asm.CreateLabel(), resultOk = asm.CreateLabel(), bodyOk = asm.CreateLabel(), handlerOk = asm.CreateLabel();
        Label transitional = asm.CreateLabel(), unrouted = asm.CreateLabel(), next = asm.CreateLabel();

        // Five pushes: RSP ≡ 0 (mod 16) at each call, as the ABI wants.
        asm.push(rbx);
        asm.push(r12);
        asm.push(r13);
        asm.push(r14);
        asm.push(r15);
        asm.mov(rbx, rdi);
        asm.mov(r12, __qword_ptr[rbx + Chunk]);
        asm.mov(__qword_ptr[rbx + Active], 1);

        asm.Label(ref loop);
        asm.LoadRip(Register.R13, phase);
        asm.mov(r14, __qword_ptr[rbx + HandlerRuns]);
        asm.mov(r15, __qword_ptr[rbx + BodyRuns]);
        asm.mov(rdi, rbx);
        asm.call(target);
        asm.LoadRip(Register.RCX, phase);

        asm.cmp(rax, __qword_ptr[rbx + Expected]);
        asm.je(resultOk);
        asm.inc(__qword_ptr[rbx + WrongResults]);
        asm.Label(ref resultOk);

        asm.mov(rax, __qword_ptr[rbx + BodyRuns]);
        asm.sub(rax, r15);
        asm.cmp(rax, 1);
        asm.je(bodyOk);
        asm.inc(__qword_ptr[rbx + BodyMismatches]);
        asm.Label(ref bodyOk);

        asm.mov(rax, __qword_ptr[rbx + HandlerRuns]);      // rax = handler runs in this call
        asm.sub(rax, r14);
        asm.cmp(rax, 1);
        asm.jbe(handlerOk);
        asm.inc(__qword_ptr[rbx + HandlerTwice]);
        asm.Label(ref handlerOk);

        asm.cmp(r13, rcx);
        asm.jne(transitional);
        asm.test(r13d, 1);
        asm.jnz(transitional);
        asm.test(r13d, 2);
        asm.jz(unrouted);
        asm.inc(__qword_ptr[rbx + Routed]);
        asm.test(rax, rax);
        asm.jnz(next);
        asm.inc(__qword_ptr[rbx + Missed]);
        asm.jmp(next);

        asm.Label(ref unrouted);
        asm.inc(__qword_ptr[rbx + Unrouted]);
        asm.test(rax, rax);
        asm.jz(next);
        asm.inc(__qword_ptr[rbx + Phantom]);
        asm.jmp(next);

        asm.Label(ref transitional);
        asm.inc(__qword_ptr[rbx + Transitional]);
        asm.add(__qword_ptr[rbx + TransitionalHandled], rax);

        asm.Label(ref next);
        asm.inc(__qword_ptr[rbx + Calls]);                 // outside the target: a quiescent point
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
