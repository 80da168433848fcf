using HookBench.Abi;
using HookBench.Emission;
using HookBench.Ftrace;
using HookBench.Kernel;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Trampolines;

/// <summary>
/// <c>ftrace_ops_list_func</c>: what the ftrace_caller trampoline calls when several ftrace_ops are
/// registered, following __ftrace_ops_list_func() and ftrace_ops_test() in kernel/trace/ftrace.c (v6.x)
/// and trace_test_and_set_recursion() in include/linux/trace_recursion.h.
/// <code>
///  regs = ftrace_get_regs(fregs)                 NULL: ftrace_caller leaves regs->cs = 0
///  bit = trace_test_and_set_recursion(ip, parent_ip, TRACE_LIST_START)   (+ preempt_disable_notrace)
///  for op in ftrace_ops_list until &amp;ftrace_list_end:
///      skip FTRACE_OPS_FL_STUB; RCU ops need rcu_is_watching()
///      if ftrace_ops_test(op, ip, regs):         filter hash has ip (hash_64 bucket walk), notrace hash not
///          op->func(ip, parent_ip, op, fregs)    an indirect call
///  preempt_enable_notrace(); trace_clear_recursion(bit)
/// </code>
/// ftrace_ops_test() is an exported function in the kernel and is called, not inlined, here; the
/// hash_contains_ip() and __ftrace_lookup_ip() it uses are inlined into it, as their static and
/// __always_inline definitions are.
/// </summary>
/// <remarks>
/// The recursion guard lives in current->trace_recursion, per thread in the kernel too. Between the
/// normal context's bit and giving up it lets exactly one nested level through on a second bit
/// (TRACE_CTX_TRANSITION: "Let a single instance happen via the TRANSITION_BIT to not drop those
/// events"), so a callback that calls the traced function again runs twice per call, not once.
/// </remarks>
public sealed partial class TrampolineBuilder
{
    /// <summary>TRACE_LIST_START = TRACE_INTERNAL_BIT: the list function's bits follow the five of TRACE_FTRACE_*.</summary>
    const int TraceListStart = 5;

    /// <summary>TRACE_CTX_NORMAL and TRACE_CTX_TRANSITION: the offsets of the normal-context and transition bits.</summary>
    const int TraceCtxNormal = 3, TraceCtxTransition = 4;

    /// <summary>preempt_count() fields interrupt_context_level() tests: NMI_MASK, HARDIRQ_MASK, SOFTIRQ_OFFSET.</summary>
    const int NmiMask = 0x00F0_0000, HardirqMask = 0x000F_0000, SoftirqOffset = 0x100;

    /// <summary>
    /// Emits ftrace_ops_list_func (and the ftrace_ops_test it calls) for <paramref name="list"/>, called by
    /// the trampoline of <paramref name="request"/> under that request's calling convention and compiled with its
    /// thunks; returns the path facts of one hooked call and the call-depth surplus its indirect calls leave
    /// (see <see cref="EmitIndirectCall"/>). Callbacks are entered with the alignment this function is entered with.
    /// </summary>
    public static (IReadOnlyList<PathFact> Facts, int CallDepthSurplus) BuildOpsListFunction(
        Assembler asm, TrampolineRequest request, FtraceOpsList list, KernelState state, ulong reschedule)
    {
        var builder = new TrampolineBuilder(asm, request);
        builder.EmitOpsListFunction(list, state, reschedule);
        return (builder._facts, builder._surplus);
    }

    /// <summary>Pins a branch's outcomes per hooked call to the next instruction.</summary>
    void BranchOutcomes(string name, IReadOnlyList<bool> taken) => KernelCode.Branch(_asm, _facts, name, taken);

    void EmitOpsListFunction(FtraceOpsList list, KernelState state, ulong reschedule)
    {
        var abi = _request.Abi;
        var cold = new ColdPaths(_asm);
        var ops = list.Ops;
        int k = ops.Count;
        var matching = list.Matching.ToList();
        int m = matching.Count;
        var opsTest = _asm.CreateLabel("ftrace_ops_test");
        var loop = _asm.CreateLabel("for_each_op");
        var test = _asm.CreateLabel("test_op");
        var next = _asm.CreateLabel("next_op");
        var done = _asm.CreateLabel("out");
        var noRegs = _asm.CreateLabel("regs_null");
        var claim = _asm.CreateLabel("claim_bit");

        // An address-taken C function (ftrace_trace_function points at it): ENDBR under IBT.
        Thunks.EmitEndbr(_asm);

        // Loop state lives in callee-saved registers across the calls: op, ip, parent_ip, fregs, regs, bit.
        AssemblerRegister64[] saved = [rbx, rbp, r12, r13, r14, r15];
        foreach (var register in saved)
            _asm.push(register);
        // Six pushes and this keep RSP ≡ 8 (mod 16) apart from the entry: the callbacks are entered with the
        // entry's alignment, whatever the trampoline gave this function.
        int frame = 8 + abi.ShadowSpaceBytes;
        if ((8 * saved.Length + frame) % 16 != 8)
            throw new InvalidOperationException("the list function's frame must keep the callbacks at its entry alignment");
        _asm.sub(rsp, frame);
        _asm.mov(r12, HandlerArg(0).R64());      // ip
        _asm.mov(r13, HandlerArg(1).R64());      // parent_ip
        _asm.mov(r14, HandlerArg(3).R64());      // fregs

        // struct pt_regs *regs = ftrace_get_regs(fregs): NULL without fregs or with regs->cs == 0.
        _asm.xor(r15d, r15d);
        _asm.test(r14, r14);
        BranchOutcomes("fregs_null", KernelCode.Never(1));
        _asm.jz(noRegs);
        _asm.cmp(__qword_ptr[r14 + PtRegs.Cs], 0);
        BranchOutcomes("regs_cs_zero", KernelCode.Always(1));
        _asm.je(noRegs);
        _asm.mov(r15, r14);
        _asm.Label(ref noRegs);

        // trace_test_and_set_recursion(ip, parent_ip, TRACE_LIST_START): val = current->trace_recursion;
        // bit = trace_get_context_bit() + start, where trace_get_context_bit() = TRACE_CTX_NORMAL -
        // interrupt_context_level() and the level counts the NMI, hardirq and softirq fields of preempt_count().
        KernelCode.LoadCurrent(_asm, state, Register.RAX);
        _asm.mov(r8d, __dword_ptr[rax + KernelState.TraceRecursion]);
        _asm.AddInstruction(Instruction.Create(Code.Mov_r32_rm32, Register.ECX, RipRelative.At(state.PreemptCount.Address)));
        _asm.xor(edx, edx);
        _asm.test(ecx, NmiMask);
        _asm.setne(dl);
        _asm.test(ecx, NmiMask | HardirqMask);
        _asm.setne(r9b);
        _asm.add(dl, r9b);
        _asm.test(ecx, NmiMask | HardirqMask | SoftirqOffset);
        _asm.setne(r9b);
        _asm.add(dl, r9b);
        _asm.mov(ecx, TraceCtxNormal + TraceListStart);
        _asm.sub(ecx, edx);
        _asm.bt(r8d, ecx);
        var recursed = cold.Add("recursion", () =>
        {
            // The bit is taken: one nested level may still pass on the transition bit; a second gives up.
            var bail = _asm.CreateLabel("recursion_bail");
            _asm.mov(ecx, TraceCtxTransition + TraceListStart);
            _asm.bt(r8d, ecx);
            _asm.jc(bail);
            _asm.jmp(claim);
            _asm.Label(ref bail);
            EmitListFunctionReturn(saved, frame);
        });
        BranchOutcomes("recursion_bit_taken", KernelCode.Never(1));
        _asm.jc(recursed);
        _asm.Label(ref claim);
        _asm.bts(r8d, ecx);
        _asm.mov(__dword_ptr[rax + KernelState.TraceRecursion], r8d);
        _asm.mov(ebp, ecx);
        KernelCode.PreemptDisable(_asm, state);                  // "will disable preemption"

        // do_for_each_ftrace_op(op, ftrace_ops_list)
        _asm.LoadRip(Register.RBX, list.ListHead);
        _asm.Label(ref loop);
        _asm.test(__dword_ptr[rbx + FtraceOpsList.FlagsOffset], FtraceOpsList.FlagStub);
        BranchOutcomes("op_is_stub", KernelCode.Never(k));
        _asm.jnz(next);                                          // "Stub functions don't need to be called nor tested"
        _asm.test(__dword_ptr[rbx + FtraceOpsList.FlagsOffset], FtraceOpsList.FlagRcu);
        var rcu = cold.Add("rcu_is_watching", () => _asm.jmp(test));   // rcu_is_watching(): always, for a thread in user space
        BranchOutcomes("op_wants_rcu", KernelCode.Never(k));
        _asm.jnz(rcu);
        _asm.Label(ref test);
        _asm.mov(HandlerArg(0).R64(), rbx);
        _asm.mov(HandlerArg(1).R64(), r12);
        _asm.mov(HandlerArg(2).R64(), r15);
        Thunks.EmitCallAccounting(_asm);                        // callthunks.c: the callee's accounting thunk
        _asm.call(opsTest);
        _asm.test(eax, eax);
        BranchOutcomes("op_filtered_out", [.. ops.Select(o => !o.Matches)]);
        _asm.jz(next);

        // if (FTRACE_WARN_ON(!op->func)) goto out; op->func(ip, parent_ip, op, fregs)
        _asm.mov(rax, __qword_ptr[rbx + FtraceOpsList.FuncOffset]);
        _asm.test(rax, rax);
        BranchOutcomes("op_func_null", KernelCode.Never(m));
        _asm.jz(done);
        int calls = Mutated(TrampolineMutation.CallCallbackTwice) ? 2 : 1;
        for (int call = 0; call < calls; call++)
        {
            if (call > 0)
                _asm.mov(rax, __qword_ptr[rbx + FtraceOpsList.FuncOffset]);
            _asm.mov(HandlerArg(0).R64(), r12);
            _asm.mov(HandlerArg(1).R64(), r13);
            _asm.mov(HandlerArg(2).R64(), rbx);
            _asm.mov(HandlerArg(3).R64(), r14);
            EmitIndirectCall(Register.RAX, [.. matching.Select(o => o.Callback)]);
        }

        // while (likely(op = op->next) && unlikely(op != &ftrace_list_end))
        _asm.Label(ref next);
        _asm.mov(rbx, __qword_ptr[rbx + FtraceOpsList.NextOffset]);
        _asm.test(rbx, rbx);
        BranchOutcomes("op_next_null", KernelCode.Never(k));
        _asm.jz(done);
        _asm.AddInstruction(Instruction.Create(Code.Cmp_r64_rm64, Register.RBX, RipRelative.At(list.ListEndReference)));
        BranchOutcomes("op_not_list_end", [.. Enumerable.Range(0, k).Select(i => i < k - 1)]);
        _asm.jne(loop);

        // out: preempt_enable_notrace(); trace_clear_recursion(bit)
        _asm.Label(ref done);
        KernelCode.PreemptEnable(_asm, state, reschedule, Thunks, cold, _facts, 1);
        if (!Mutated(TrampolineMutation.SkipRecursionRelease))
        {
            KernelCode.LoadCurrent(_asm, state, Register.RAX);
            _asm.mov(ecx, __dword_ptr[rax + KernelState.TraceRecursion]);
            _asm.btr(ecx, ebp);
            _asm.mov(__dword_ptr[rax + KernelState.TraceRecursion], ecx);
        }

        EmitListFunctionReturn(saved, frame);
        cold.Emit();

        _asm.Label(ref opsTest);
        EmitFtraceOpsTest(list);
    }

    void EmitListFunctionReturn(AssemblerRegister64[] saved, int frame)
    {
        _asm.add(rsp, frame);
        foreach (var register in saved.Reverse())
            _asm.pop(register);
        Thunks.EmitReturn(_asm);
    }
}
