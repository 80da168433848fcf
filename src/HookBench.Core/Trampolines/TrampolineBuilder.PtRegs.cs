using HookBench.Abi;
using HookBench.Emission;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Trampolines;

/// <summary>
/// The ftrace trampolines: <c>ftrace_caller</c> and <c>ftrace_regs_caller</c> as per-ops copies made by
/// <c>create_trampoline()</c>, following mainline v6.x arch/x86/kernel/ftrace_64.S with
/// CONFIG_FRAME_POINTER=n; a mitigation profile adds what the kernel builds in: ENDBR at the start
/// (SYM_FUNC_START), CALL_DEPTH_ACCOUNT after save_mcount_regs and before the callback, and the return
/// through x86_return_thunk in place of <c>ret; int3</c> (create_trampoline()). h0..h3 are the
/// calling convention's first four argument registers (rdi, rsi, rdx, rcx under System V, where the
/// sequence is the kernel's instruction for instruction).
/// </summary>
/// <remarks>
/// <code>
///  full-regs (SaveFlags | SaveAllRegisters | IpModify)     min-regs (IpModify)
///
///  rsp+192  parent's frame ...                             rsp+184  parent's frame ...
///  rsp+184  return to parent  &lt;- pt_regs.sp               rsp+176  return to parent &lt;- pt_regs.sp
///  rsp+176  return into target (func+5) &lt;- RIP copy-back  rsp+168  return into target (func+5) &lt;- RIP copy-back
///  rsp+168  pushfq'd EFLAGS   &lt;- EFLAGS copy-back, popfq   rsp+0    pt_regs (168 bytes): rax rcx rdx rsi rdi
///  rsp+0    pt_regs (168 bytes): all 15 GPRs, orig_ax=0,            r8 r9, rbp, orig_ax=0, ip, sp, cs=0
///           ip, cs=__KERNEL_CS, flags, sp, ss=__KERNEL_DS            (callee-saved slots left unwritten)
///  handler(ip=func, parent_ip, ops, regs=rsp)              handler(ip=func, parent_ip, ops, fregs=rsp)
/// </code>
/// </remarks>
public sealed partial class TrampolineBuilder
{
    const int McountRegSize = PtRegs.Size;    // MCOUNT_REG_SIZE = FRAME_SIZE with frame pointers off

    /// <summary>MCOUNT_INSN_SIZE: the length of the call at the site, so ip = return address − it.</summary>
    int McountInsnSize => _request.Site.Length;

    void EmitPtRegsFrame()
    {
        bool full = Has(TrampolineFlags.SaveAllRegisters);
        bool flags = Has(TrampolineFlags.SaveFlags);
        int added = flags ? 8 : 0;            // save_mcount_regs' "added": the pushfq'd flags
        var h0 = HandlerArg(0).R64();
        var h1 = HandlerArg(1).R64();
        var h2 = HandlerArg(2).R64();
        var h3 = HandlerArg(3).R64();
        var opsPointer = _asm.CreateLabel("ops");

        // Under IBT, SYM_FUNC_START emits ENDBR at ftrace_caller/ftrace_regs_caller and the per-ops copy starts there.
        Thunks.EmitEndbr(_asm);
        EmitInjectedLatency();

        // "Save the current flags before any operations that can change them."
        if (flags)
        {
            _asm.pushfq();
            _depth += 8;
        }

        // save_mcount_regs: the argument registers and rax go into pt_regs.
        SubRsp(McountRegSize);
        IReadOnlyList<Register> saved = MinimalSaved(full);
        foreach (Register register in saved)
            _asm.mov(__qword_ptr[rsp + PtRegs.OffsetOf(register)], register.R64());
        _asm.mov(__qword_ptr[rsp + PtRegs.OrigRax], 0);
        _asm.mov(h2, rbp);
        _asm.mov(__qword_ptr[rsp + PtRegs.Rbp], h2);
        _asm.mov(h1, __qword_ptr[rsp + McountRegSize + added + 8]);   // parent_ip
        _asm.mov(h0, __qword_ptr[rsp + McountRegSize + added]);       // func+5
        _asm.mov(__qword_ptr[rsp + PtRegs.Rip], h0);
        _asm.sub(h0, McountInsnSize);                                // "the address of the call itself"
        EmitEntryAccounting();                                       // CALL_DEPTH_ACCOUNT after save_mcount_regs

        if (!full)
        {
            // "Stack - skipping return address of ftrace_caller"
            _asm.lea(h3, __qword_ptr[rsp + McountRegSize + added + 8]);
            _asm.mov(__qword_ptr[rsp + PtRegs.Rsp], h3);
        }

        // ftrace_caller_op_ptr: a per-ops trampoline loads the ops pointer stored after its ret.
        _asm.mov(h2, __qword_ptr[opsPointer]);

        if (full)
        {
            // "Save the rest of pt_regs"
            foreach (Register register in PtRegs.RestSaveOrder)
                _asm.mov(__qword_ptr[rsp + PtRegs.OffsetOf(register)], register.R64());
            _asm.mov(h3, __qword_ptr[rsp + McountRegSize]);              // "Copy saved flags"
            _asm.mov(__qword_ptr[rsp + PtRegs.Eflags], h3);
            _asm.MovSignExtended(HandlerArg(3), (int)PtRegs.KernelDs);   // movq $__KERNEL_DS, %rcx: sign-extended imm32
            _asm.mov(__qword_ptr[rsp + PtRegs.Ss], h3);
            _asm.MovSignExtended(HandlerArg(3), (int)PtRegs.KernelCs);
            _asm.mov(__qword_ptr[rsp + PtRegs.Cs], h3);
            _asm.lea(h3, __qword_ptr[rsp + McountRegSize + added + 8]);  // "skipping return address and flags"
            _asm.mov(__qword_ptr[rsp + PtRegs.Rsp], h3);
            _asm.lea(h3, __qword_ptr[rsp]);                              // "regs go into 4th parameter"
        }
        else
        {
            _asm.lea(h3, __qword_ptr[rsp]);
            // "Only ops with REGS flag set should have CS register set"
            _asm.mov(__qword_ptr[rsp + PtRegs.Cs], 0);
        }

        CallHandler(_request.EntryHandler);

        if (flags)
        {
            // "Copy flags back to SS, to restore them"
            _asm.mov(rax, __qword_ptr[rsp + PtRegs.Eflags]);
            _asm.mov(__qword_ptr[rsp + McountRegSize], rax);
        }

        if (Has(TrampolineFlags.IpModify))
        {
            // "Handlers can change the RIP": a redirecting handler's regs->ip replaces the return address.
            _asm.mov(rax, __qword_ptr[rsp + PtRegs.Rip]);
            var copyBack = _asm.CreateLabel("rip_copy_back");
            _asm.Label(ref copyBack);
            _asm.mov(__qword_ptr[rsp + McountRegSize + added], rax);
            if (_request.RedirectTarget is ulong replacement)
                _facts.Add(new ReturnSlotFact(copyBack, [replacement]));
        }

        if (full)
        {
            foreach (Register register in PtRegs.RestRestoreOrder)
                _asm.mov(register.R64(), __qword_ptr[rsp + PtRegs.OffsetOf(register)]);

            // The direct-call check on ORIG_RAX. create_trampoline() NOPs the 2-byte jnz in a per-ops
            // copy ("No need to test direct calls on created trampolines"), leaving 66 90 in its place.
            _asm.mov(rax, __qword_ptr[rsp + PtRegs.OrigRax]);
            _asm.mov(__qword_ptr[rsp + McountRegSize - 8], rax);
            _asm.test(rax, rax);
            _asm.db(0x66, 0x90);
        }

        // restore_mcount_regs: "ftrace_regs_caller or frame pointers require this"
        _asm.mov(rbp, __qword_ptr[rsp + PtRegs.Rbp]);
        foreach (Register register in saved.Reverse())
        {
            if (register == _request.Abi.ArgumentRegisters[0] && Mutated(TrampolineMutation.SkipArgumentRestore))
                continue;
            _asm.mov(register.R64(), __qword_ptr[rsp + PtRegs.OffsetOf(register)]);
        }

        _asm.add(rsp, McountRegSize);
        if (flags)
            _asm.popfq();
        EmitReturn();

        // The per-ops layout: [code][C3 CC or jmp x86_return_thunk][struct ftrace_ops *].
        if (Thunks.ReturnThunk is null)
            _asm.int3();
        _asm.Label(ref opsPointer);
        _dataLabel = opsPointer;
        _asm.dq(_request.OpsPointer);
    }

    /// <summary>
    /// save_mcount_regs' seven registers under System V. Under another convention the minimal frame keeps
    /// what that convention's arguments and rax need; the full frame always saves all seven.
    /// </summary>
    IReadOnlyList<Register> MinimalSaved(bool full)
    {
        if (full)
            return PtRegs.MinimalSaveOrder;
        var abi = _request.Abi;
        return [.. PtRegs.MinimalSaveOrder.Where(r => abi.ArgumentRegisters.Contains(r) || r == abi.ReturnRegister)];
    }
}
