using HookBench.Abi;
using HookBench.Emission;
using HookBench.Handlers;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Trampolines;

/// <summary>
/// The BPF trampolines: the handler (the JITed program) gets one pointer, ctx, to the saved arguments.
/// </summary>
public sealed partial class TrampolineBuilder
{
    /// <summary>
    /// Alexei's form in the thread (22 Oct 2019): the arguments are pushed, so ctx[0] is the last one.
    /// <code>
    ///  rbp+16  return to parent
    ///  rbp+8   return into target (func+5)
    ///  rbp+0   saved rbp
    ///  rbp-8   arg0 (rdi)          push rdi
    ///  rbp-16  arg1 (rsi)  &lt;- ctx   push rsi; lea rdi, [rbp-8N]
    ///  ...     argN-1 at ctx+0, arg0 at ctx+8(N-1)
    /// </code>
    /// </summary>
    static ContextLayout ArgsArrayPushed(int argCount) =>
        new(ContextKind.ArgsArray, [.. Enumerable.Range(0, argCount).Select(i => 8 * (argCount - 1 - i))], null);

    /// <summary>
    /// The v5.5 generator (fec56f5890d9, <c>save_regs</c>): arguments stored in order below the return-value
    /// slot, so the fexit program reads the return value at ctx[N].
    /// <code>
    ///  rbp+16    return to parent        (add rsp, 8 skips the target's frame: SKIP_FRAME)
    ///  rbp+8     return into target (func+5)
    ///  rbp+0     saved rbp
    ///  rbp-8     return value            ctx[N]
    ///  rbp-16    arg N-1                 ctx[N-1]
    ///  ...
    ///  rbp-S     arg0  &lt;- ctx            S = 8N + 8
    /// </code>
    /// </summary>
    static ContextLayout ArgsArrayStored(int argCount) =>
        new(ContextKind.ArgsArray, [.. Enumerable.Range(0, argCount).Select(i => 8 * i)], 8 * argCount);

    void EmitArgsArrayFrame()
    {
        if (Has(TrampolineFlags.CallOriginal))
            EmitCallOriginalFrame();
        else if (_request.Bpf?.Profile.WrapsPrograms == true)
            EmitWrappedPrograms(_request.Bpf);
        else
            EmitPushedArgs();
    }

    /// <summary>The thread's ten instructions for two arguments: push rbp … leave; ret.</summary>
    void EmitPushedArgs()
    {
        var abi = _request.Abi;
        int n = _request.ArgCount;
        EmitEntryAccounting();
        EmitInjectedLatency();
        Push(rbp);
        _asm.mov(rbp, rsp);
        for (int i = 0; i < n; i++)
        {
            ArgumentLocation location = abi.Argument(i);
            if (location.InRegister)
            {
                Push(location.Register.R64());
            }
            else
            {
                // A stack argument is copied from the caller's frame: rbp+8 is the site's return, rbp+16 the traced function's entry RSP.
                _asm.push(__qword_ptr[rbp + TracedEntryAboveRbp + location.EntryStackOffset]);
                _depth += 8;
            }
        }

        EmitPushedFramePrograms(-8 * n);

        int stackCopies = abi.StackArgumentCount(n);
        if (stackCopies > 0)
            _asm.add(rsp, 8 * stackCopies);
        for (int i = Math.Min(n, abi.ArgumentRegisters.Count) - 1; i >= 0; i--)
        {
            if (i == 0 && Mutated(TrampolineMutation.SkipArgumentRestore))
                _asm.add(rsp, 8);
            else
                _asm.pop(abi.ArgumentRegisters[i].R64());
        }

        _asm.leave();
        EmitReturn();
    }

    /// <summary>
    /// BPF_TRAMP_F_CALL_ORIG: the entry program, the original body, then the fexit program, as the v5.5 generator
    /// emits it, without the __bpf_prog_enter/exit bookkeeping around each program (and so without the rbx that
    /// holds its start time). With <see cref="TrampolineFlags.ModifyReturn"/> the entry program is an fmod_ret
    /// program (invoke_bpf_mod_ret()) and there is no fexit program. Called (SKIP_FRAME: <c>add rsp, 8</c>
    /// returns past the traced function) or jumped to (jmp mode: nothing to skip, stack arguments 8 bytes
    /// nearer, entry RSP 8 bytes less aligned).
    /// <code>
    ///  call mode                          jmp mode
    ///  rbp+16  traced entry RSP (parent)  rbp+8   traced entry RSP (parent's return address)
    ///  rbp+8   return into target (func+5)
    ///  rbp+0   saved rbp                  rbp+0   saved rbp
    ///  rbp-8   return value               rbp-8   return value
    ///  ...     args, ctx = rbp-(8N+8)     ...     args, ctx = rbp-(8N+8)
    /// </code>
    /// </summary>
    void EmitCallOriginalFrame()
    {
        var abi = _request.Abi;
        int n = _request.ArgCount;
        int frame = 8 * n + 8;
        bool modifyReturn = Has(TrampolineFlags.ModifyReturn);
        EmitEntryAccounting();
        EmitInjectedLatency();
        Push(rbp);
        _asm.mov(rbp, rsp);
        SubRsp(frame);
        Register scratch = Scratch;
        for (int i = 0; i < n; i++)
        {
            ArgumentLocation location = abi.Argument(i);
            if (location.InRegister)
            {
                _asm.mov(__qword_ptr[rbp - frame + 8 * i], location.Register.R64());
            }
            else
            {
                _asm.mov(scratch.R64(), __qword_ptr[rbp + TracedEntryAboveRbp + location.EntryStackOffset]);
                _asm.mov(__qword_ptr[rbp - frame + 8 * i], scratch.R64());
            }
        }

        var doFexit = _asm.CreateLabel("do_fexit");
        if (modifyReturn)
        {
            // "The first fmod_ret program will receive a garbage return value. Set this to 0 to avoid confusing the program."
            _asm.xor(eax, eax);
            _asm.mov(__qword_ptr[rbp - 8], rax);
            _asm.lea(HandlerArg(0).R64(), __qword_ptr[rbp - frame]);
            CallHandler(_request.EntryHandler);
            _asm.mov(__qword_ptr[rbp - 8], rax);                          // "mod_ret prog stored return value into [rbp - 8]"
            _asm.cmp(__qword_ptr[rbp - 8], 0);
            var skip = _asm.CreateLabel("skip_original");
            _asm.Label(ref skip);
            _asm.jne(doFexit);                                              // "if (*(u64 *)(rbp - 8) != 0) goto do_fexit"
            _facts.Add(new BranchFact(skip, [_request.ModifiedReturn != 0]));
        }
        else
        {
            _asm.lea(HandlerArg(0).R64(), __qword_ptr[rbp - frame]);
            CallHandler(_request.EntryHandler);
        }

        // restore_regs: the body gets its arguments back.
        for (int i = 0; i < Math.Min(n, abi.ArgumentRegisters.Count); i++)
        {
            if (i == 0 && Mutated(TrampolineMutation.SkipArgumentRestore))
                continue;
            _asm.mov(abi.ArgumentRegisters[i].R64(), __qword_ptr[rbp - frame + 8 * i]);
        }

        CallOriginalBody();
        _asm.mov(__qword_ptr[rbp - 8], rax);                               // remember the return value

        // do_fexit: the fmod_ret branch lands here (the kernel first aligns it to 16 bytes with NOPs; this stand-in does not).
        _asm.Label(ref doFexit);
        if (modifyReturn)
        {
            _asm.mov(rax, __qword_ptr[rbp - 8]);
        }
        else
        {
            _asm.lea(HandlerArg(0).R64(), __qword_ptr[rbp - frame]);
            CallHandler(_request.ExitHandler ?? throw new ArgumentException("fexit needs an exit handler"));
            _asm.mov(rax, __qword_ptr[rbp - 8]);
        }

        _asm.leave();
        if (Has(TrampolineFlags.SkipFrame))
            SkipFrame();                                                   // "skip eth_type_trans's frame"
        EmitReturn();                                                      // "return to its caller"
    }

    /// <summary>
    /// Calls the body past the patched site (func+5 for the fentry sites, after ENDBR under IBT: orig_call skips them
    /// whenever BPF_TRAMP_F_CALL_ORIG is set since 47c9214dcbea, which jmp mode needs). Under a convention with shadow space or stack arguments the
    /// body needs its outgoing area rebuilt, as the kernel's stack_argN copies do for arguments 7..12. With
    /// <see cref="TrampolineFlags.ShareIpModify"/> the call goes through the return address on the stack
    /// (BPF_TRAMP_F_ORIG_STACK).
    /// </summary>
    void CallOriginalBody()
    {
        var abi = _request.Abi;
        int stackArgs = abi.StackArgumentCount(_request.ArgCount);
        int outgoing = abi.ShadowSpaceBytes + 8 * stackArgs;
        if (Has(TrampolineFlags.AlignStack) && Mod16(EntryRspMod16 - (_depth + outgoing + 8)) != 8)
            outgoing += 8;
        if (outgoing > 0)
            _asm.sub(rsp, outgoing);
        Register scratch = Scratch;
        for (int k = 0; k < stackArgs; k++)
        {
            ArgumentLocation location = abi.Argument(abi.ArgumentRegisters.Count + k);
            _asm.mov(scratch.R64(), __qword_ptr[rbp + TracedEntryAboveRbp + location.EntryStackOffset]);
            _asm.mov(__qword_ptr[rsp + abi.ShadowSpaceBytes + 8 * k], scratch.R64());
        }

        if (Has(TrampolineFlags.ShareIpModify))
        {
            // BPF_TRAMP_F_ORIG_STACK (316cba62dfb7): "mov rax, [rbp+8]; call *rax", the site's return address being the
            // body. The JIT writes a bare indirect call here whatever the mitigations; HookBench compiles it as the
            // profile compiles every indirect call (the rule), which no measured strategy depends on.
            _asm.mov(rax, __qword_ptr[rbp + 8]);
            _surplus += Thunks.EmitIndirectCall(_asm, Register.RAX, _request.Site.Resume, _facts);
        }
        else
        {
            Thunks.EmitCallAccounting(_asm);                               // emit_rsb_call()
            _asm.call(_request.Site.Resume);
        }

        if (outgoing > 0)
            _asm.add(rsp, outgoing);
    }
}
