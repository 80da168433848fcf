using HookBench.Emission;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Patching;

/// <summary>
/// Emits the SIGTRAP handler that makes the int3 patch protocol work in user space. It runs in signal
/// context on whatever thread hit the int3, so it cannot be managed code; it is a leaf that uses only
/// the registers a C function may clobber and touches only its own data page and the ucontext. Its
/// registers are fixed by the kernel's signal ABI (rdi, rsi, rdx), not by a calling-convention choice.
/// <para>
/// Per trap, in this order:
/// <list type="number">
/// <item>Not an int3 (si_code ≠ SI_KERNEL): chain to the previous handler.</item>
/// <item>Count itself in flight (lock inc), like the kernel's try_get_text_poke_array, so the patcher
/// can wait before it clears or reuses the table.</item>
/// <item>The trapping site (RIP − 1) outside every registered code range: not ours; chain.</item>
/// <item>The site no longer holds an int3: the patch that put it there has finished since the trap was
/// taken, and the site holds a whole instruction again, so set RIP back to the site and let the thread
/// run it. The kernel's uprobes do the same for a trap whose breakpoint is gone by the time it is
/// handled (kernel/events/uprobes.c: handle_swbp, is_trap_at_addr). In user space this window is real:
/// membarrier's IPIs do not wait for a thread that took the trap but has not yet entered its handler.</item>
/// <item>Binary-search the in-flight table; found: emulate the new instruction (push the return address
/// for a call, set RIP to its destination), as smp_text_poke_int3_handler does.</item>
/// <item>Not found: read the site again; if the int3 is gone the patch finished during the search, so
/// restart as above. Otherwise the int3 is someone else's: chain.</item>
/// </list>
/// Chaining jumps to the previous SA_SIGINFO or plain handler with the original arguments and stack, so it
/// returns through the same rt_sigreturn. A previous SIG_DFL (or SIG_IGN for an int3, which the kernel's
/// force_sig would override) is reproduced by restoring SIG_DFL with rt_sigaction and re-sending SIGTRAP
/// to this thread with tgkill; it is delivered, with the default action, as this handler returns.
/// </para>
/// </summary>
public static class TrapHandlerEmitter
{
    const byte Int3 = 0xCC;

    // arch/x86/entry/syscalls/syscall_64.tbl
    const int SysRtSigaction = 13, SysGetpid = 39, SysGettid = 186, SysTgkill = 234;

    /// <summary>sizeof the kernel's sigset_t on x86-64, which rt_sigaction insists on.</summary>
    const int KernelSigsetBytes = 8;

    const int SigTrap = 5;

    public static void Emit(Assembler asm, TrapTableSlots table)
    {
        Label chain = asm.CreateLabel(), notOurs = asm.CreateLabel(), restart = asm.CreateLabel(), leave = asm.CreateLabel();
        Label rangeLoop = asm.CreateLabel(), nextRange = asm.CreateLabel(), inRange = asm.CreateLabel();
        Label search = asm.CreateLabel(), goLeft = asm.CreateLabel(), found = asm.CreateLabel(), notFound = asm.CreateLabel();
        Label setRip = asm.CreateLabel(), noHandler = asm.CreateLabel(), defaultAction = asm.CreateLabel();

        // rdi = signal, rsi = siginfo_t *, rdx = ucontext_t *: kept intact for chaining.
        asm.cmp(__dword_ptr[rsi + SignalFrame.SiCode], SignalFrame.SiKernel);
        asm.jne(chain);
        Locked(asm, Code.Inc_rm64, table.InFlight.Address);
        asm.mov(r9, __qword_ptr[rdx + SignalFrame.Rip]);
        asm.dec(r9);                                        // the site: RIP is one past the int3

        Lea(asm, Register.R10, table.Ranges.Address);
        asm.mov(ecx, TrapTableSlots.RangeSlots);
        asm.Label(ref rangeLoop);
        asm.cmp(r9, __qword_ptr[r10]);
        asm.jb(nextRange);
        asm.cmp(r9, __qword_ptr[r10 + 8]);
        asm.jb(inRange);
        asm.Label(ref nextRange);
        asm.add(r10, 16);
        asm.dec(ecx);
        asm.jnz(rangeLoop);
        asm.jmp(notOurs);

        asm.Label(ref inRange);
        asm.cmp(__byte_ptr[r9], unchecked((sbyte)Int3));
        asm.jne(restart);

        // Binary search over [rcx, r11): rax = mid, r8 = &entries[mid].
        asm.xor(ecx, ecx);
        asm.LoadRip(Register.R11, table.Count.Address);
        Lea(asm, Register.R10, table.Entries.Address);
        asm.Label(ref search);
        asm.cmp(rcx, r11);
        asm.jae(notFound);
        asm.lea(rax, __[rcx + r11]);
        asm.shr(rax, 1);
        asm.lea(r8, __[rax + rax * 2]);
        asm.lea(r8, __[r10 + r8 * 8]);
        asm.cmp(r9, __qword_ptr[r8 + TrapTableSlots.SiteOffset]);
        asm.je(found);
        asm.jb(goLeft);
        asm.lea(rcx, __[rax + 1]);
        asm.jmp(search);
        asm.Label(ref goLeft);
        asm.mov(r11, rax);
        asm.jmp(search);

        // Emulate: a call pushes its return address on the interrupted stack. At a function's first
        // instruction the 128 bytes below RSP are not in use yet (the red zone belongs to the function
        // that has not started), and the kernel built this signal frame below that red zone or on the
        // alternate stack (arch/x86/kernel/signal.c: get_sigframe), so RSP − 8 is free.
        asm.Label(ref found);
        asm.mov(rax, __qword_ptr[r8 + TrapTableSlots.PushedReturnOffset]);
        asm.test(rax, rax);
        asm.jz(setRip);
        asm.mov(rcx, __qword_ptr[rdx + SignalFrame.Rsp]);
        asm.sub(rcx, 8);
        asm.mov(__qword_ptr[rcx], rax);
        asm.mov(__qword_ptr[rdx + SignalFrame.Rsp], rcx);
        asm.Label(ref setRip);
        asm.mov(rax, __qword_ptr[r8 + TrapTableSlots.DestinationOffset]);
        asm.mov(__qword_ptr[rdx + SignalFrame.Rip], rax);
        Locked(asm, Code.Inc_rm64, table.Emulated.Address);
        asm.jmp(leave);

        asm.Label(ref notFound);
        asm.cmp(__byte_ptr[r9], unchecked((sbyte)Int3));   // read again: did the patch finish meanwhile?
        asm.je(notOurs);
        asm.Label(ref restart);
        asm.mov(__qword_ptr[rdx + SignalFrame.Rip], r9);
        Locked(asm, Code.Inc_rm64, table.Restarted.Address);
        asm.Label(ref leave);
        Locked(asm, Code.Dec_rm64, table.InFlight.Address);
        asm.ret();

        asm.Label(ref notOurs);
        Locked(asm, Code.Dec_rm64, table.InFlight.Address);
        asm.Label(ref chain);
        Locked(asm, Code.Inc_rm64, table.Chained.Address);
        asm.LoadRip(Register.RAX, table.Previous.Address);
        asm.cmp(rax, 1);
        asm.jbe(noHandler);
        asm.jmp(rax);

        asm.Label(ref noHandler);
        asm.jb(defaultAction);                              // 0: SIG_DFL
        asm.cmp(__dword_ptr[rsi + SignalFrame.SiCode], SignalFrame.SiKernel);
        asm.je(defaultAction);                              // SIG_IGN cannot ignore a forced int3 trap
        asm.ret();                                          // SIG_IGN: any other SIGTRAP is ignored

        asm.Label(ref defaultAction);
        asm.mov(edi, SigTrap);
        Lea(asm, Register.RSI, table.DefaultAction.Address);
        asm.xor(edx, edx);
        asm.mov(r10d, KernelSigsetBytes);
        asm.mov(eax, SysRtSigaction);
        asm.syscall();
        asm.mov(eax, SysGetpid);
        asm.syscall();
        asm.mov(r8, rax);
        asm.mov(eax, SysGettid);
        asm.syscall();
        asm.mov(rdi, r8);
        asm.mov(rsi, rax);
        asm.mov(edx, SigTrap);
        asm.mov(eax, SysTgkill);
        asm.syscall();
        asm.ret();
    }

    /// <summary>A locked read-modify-write of a data slot: counters other threads' traps update too.</summary>
    static void Locked(Assembler asm, Code code, ulong address)
    {
        var instruction = Instruction.Create(code, RipRelative.At(address));
        instruction.HasLockPrefix = true;
        asm.AddInstruction(instruction);
    }

    static void Lea(Assembler asm, Register destination, ulong address) =>
        asm.AddInstruction(Instruction.Create(Code.Lea_r64_m, destination, RipRelative.At(address)));
}
