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
            EmitFentryFexit();
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
                _asm.push(__qword_ptr[rbp + 16 + location.EntryStackOffset]);
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
    /// fentry + original body + fexit, as the v5.5 generator emits for BPF_TRAMP_F_CALL_ORIG |
    /// BPF_TRAMP_F_SKIP_FRAME, without the __bpf_prog_enter/exit bookkeeping around each program (and so
    /// without the push rbx that held its start time).
    /// </summary>
    void EmitFentryFexit()
    {
        var abi = _request.Abi;
        int n = _request.ArgCount;
        int frame = 8 * n + 8;
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
                _asm.mov(scratch.R64(), __qword_ptr[rbp + 16 + location.EntryStackOffset]);
                _asm.mov(__qword_ptr[rbp - frame + 8 * i], scratch.R64());
            }
        }

        _asm.lea(HandlerArg(0).R64(), __qword_ptr[rbp - frame]);
        CallHandler(_request.EntryHandler);

        // restore_regs: the body gets its arguments back.
        for (int i = 0; i < Math.Min(n, abi.ArgumentRegisters.Count); i++)
        {
            if (i == 0 && Mutated(TrampolineMutation.SkipArgumentRestore))
                continue;
            _asm.mov(abi.ArgumentRegisters[i].R64(), __qword_ptr[rbp - frame + 8 * i]);
        }

        CallOriginalBody();
        _asm.mov(__qword_ptr[rbp - 8], rax);                             // remember the return value

        _asm.lea(HandlerArg(0).R64(), __qword_ptr[rbp - frame]);
        CallHandler(_request.ExitHandler ?? throw new ArgumentException("fexit needs an exit handler"));

        _asm.mov(rax, __qword_ptr[rbp - 8]);
        _asm.leave();
        _asm.add(rsp, 8);                                                 // "skip eth_type_trans's frame"
        EmitReturn();                                                     // "return to its caller"
    }

    /// <summary>
    /// Calls the body past the patched site (func+5 for the fentry sites). Under a convention with shadow space or stack arguments the
    /// body needs its outgoing area rebuilt, as the kernel's stack_argN copies do for arguments 7..12.
    /// </summary>
    void CallOriginalBody()
    {
        var abi = _request.Abi;
        int stackArgs = abi.StackArgumentCount(_request.ArgCount);
        int outgoing = abi.ShadowSpaceBytes + 8 * stackArgs;
        if (Has(TrampolineFlags.AlignStack) && Mod16(-(_depth + outgoing + 8)) != 8)
            outgoing += 8;
        if (outgoing > 0)
            _asm.sub(rsp, outgoing);
        Register scratch = Scratch;
        for (int k = 0; k < stackArgs; k++)
        {
            ArgumentLocation location = abi.Argument(abi.ArgumentRegisters.Count + k);
            _asm.mov(scratch.R64(), __qword_ptr[rbp + 16 + location.EntryStackOffset]);
            _asm.mov(__qword_ptr[rsp + abi.ShadowSpaceBytes + 8 * k], scratch.R64());
        }

        _asm.call(_request.Site.Resume);
        if (outgoing > 0)
            _asm.add(rsp, outgoing);
    }
}
