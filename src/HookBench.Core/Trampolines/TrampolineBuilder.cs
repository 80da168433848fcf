using HookBench.Emission;
using HookBench.Handlers;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Trampolines;

/// <summary>
/// The one trampoline builder. Like the kernel's <c>arch_prepare_bpf_trampoline</c>, a single generator
/// reads flags and emits the matching sequence; the strategies are presets of those flags. The pt_regs
/// frame (ftrace) is in TrampolineBuilder.PtRegs.cs, the argument-array frame (BPF) in
/// TrampolineBuilder.ArgsArray.cs.
/// </summary>
/// <remarks>
/// Stack depth is tracked as bytes below the trampoline's entry RSP. The site is the traced function's
/// first instruction, where RSP ≡ 8 (mod 16): a site that calls enters the trampoline with RSP ≡ 0, one
/// that jumps (jmp mode) with RSP ≡ 8; a handler called at depth d is entered with RSP ≡ entry − (d + 8).
/// The request's <see cref="Mitigations.ThunkSet"/> decides how entries, calls and returns are compiled.
/// </remarks>
public sealed partial class TrampolineBuilder
{
    readonly Assembler _asm;
    readonly TrampolineRequest _request;
    int _depth;
    readonly List<int> _handlerEntryAlignments = [];
    readonly List<PathFact> _facts = [];
    readonly TrampolineSpec _spec;
    Label? _dataLabel;
    int _surplus;

    TrampolineBuilder(Assembler asm, TrampolineRequest request)
    {
        _asm = asm;
        _request = request;
        _spec = request.Spec.Effective;
    }

    Mitigations.ThunkSet Thunks => _request.Thunks;

    /// <summary>Whether the site jumps here (jmp mode): no return address into the traced function is on the stack.</summary>
    bool JumpedTo => Has(TrampolineFlags.JmpEntry);

    /// <summary>
    /// RSP mod 16 at the trampoline's first instruction as the builder believes it (the
    /// <see cref="TrampolineMutation.JmpWithCallOffsets"/> mutation believes a jumped-to trampoline was called).
    /// </summary>
    int EntryRspMod16 => JumpedTo && !Mutated(TrampolineMutation.JmpWithCallOffsets) ? 8 : 0;

    /// <summary>
    /// Where, above rbp, the traced function's entry RSP is once the frame is set up: rbp+8 holds the return
    /// address into the traced function when the site called (call mode), the caller's return address when it
    /// jumped; save_args() reads stack arguments at <c>nr_stack_slots * 8 + 16 + (!use_jmp) * 8</c> (373f2f44c300).
    /// </summary>
    int TracedEntryAboveRbp => JumpedTo && !Mutated(TrampolineMutation.JmpWithCallOffsets) ? 8 : 16;

    /// <summary>Emits the trampoline for <paramref name="request"/> into <paramref name="asm"/>; refuses contradictory flags first.</summary>
    public static TrampolineLayout Build(Assembler asm, TrampolineRequest request)
    {
        if (!request.Spec.TryValidate(out string? error))
            throw new UsageException(error!);
        var builder = new TrampolineBuilder(asm, request);
        switch (request.Spec.Context)
        {
            case ContextKind.PtRegs:
                builder.EmitPtRegsFrame();
                break;
            case ContextKind.ArgsArray:
                builder.EmitArgsArrayFrame();
                break;
            default:
                throw new ArgumentException("a trampoline needs a pt_regs or argument-array context", nameof(request));
        }

        var alignments = builder._handlerEntryAlignments;
        return new TrampolineLayout(
            ContextFor(request.Spec, request.ArgCount),
            alignments[0],
            alignments.Count > 1 ? alignments[1] : null)
        {
            DataLabel = builder._dataLabel,
            PathFacts = builder._facts,
            CallDepthSurplus = builder._surplus,
        };
    }

    /// <summary>Where the handler finds the arguments; known before emission so handlers can be emitted first.</summary>
    public static ContextLayout ContextFor(TrampolineSpec spec, int argCount) => spec.Context switch
    {
        ContextKind.PtRegs => ContextLayout.PtRegs,
        ContextKind.ArgsArray when spec.Has(TrampolineFlags.CallOriginal) => ArgsArrayStored(argCount),
        ContextKind.ArgsArray => ArgsArrayPushed(argCount),
        _ => ContextLayout.None,
    };

    static int Mod16(int value) => ((value % 16) + 16) % 16;

    bool Has(TrampolineFlags flag) => _spec.Has(flag);

    bool Mutated(TrampolineMutation mutation) => _request.Mutation == mutation;

    Register HandlerArg(int index) => _request.Abi.ArgumentRegisters[index];

    Register Scratch => _request.Abi.Scratch[0];

    void Push(AssemblerRegister64 register)
    {
        _asm.push(register);
        _depth += 8;
    }

    void SubRsp(int bytes)
    {
        _asm.sub(rsp, bytes);
        _depth += bytes;
    }

    /// <summary>
    /// Calls a handler whose context register is already set up: adds the calling convention's shadow
    /// space and, under <see cref="TrampolineFlags.AlignStack"/>, the padding a C-ABI handler needs.
    /// Records the handler-entry alignment this trampoline documents.
    /// </summary>
    void CallHandler(ulong handler) => CallHandler(first =>
    {
        if (!(first && Mutated(TrampolineMutation.SkipCallDepthAccounting)))
            Thunks.EmitCallAccounting(_asm);               // CALL_DEPTH_ACCOUNT before ftrace_call; emit_rsb_call() in the JIT
        _asm.call(handler);
    });

    /// <summary>
    /// <see cref="CallHandler(ulong)"/> around any call sequence: the direct call above, or
    /// <see cref="EmitIndirectCall"/>, which accounts its own call where the profile does (the retpoline's call
    /// thunk). The argument says whether this is the first handler call the trampoline emits.
    /// </summary>
    void CallHandler(Action<bool> emitCall)
    {
        int pad = Has(TrampolineFlags.AlignStack) && Mod16(EntryRspMod16 - (_depth + 8)) != 8 ? 8 : 0;
        int adjust = pad + _request.Abi.ShadowSpaceBytes;
        bool first = _handlerEntryAlignments.Count == 0;
        _handlerEntryAlignments.Add(Mod16(EntryRspMod16 - (_depth + adjust + 8)));
        if (Mutated(TrampolineMutation.MisalignStack))
            adjust += 8;
        if (adjust > 0)
            _asm.sub(rsp, adjust);
        emitCall(first);
        if (adjust > 0)
            _asm.add(rsp, adjust);
    }

    /// <summary>
    /// The call-depth accounting for the call that entered the trampoline: ftrace_caller and ftrace_regs_caller
    /// run CALL_DEPTH_ACCOUNT after save_mcount_regs; the BPF trampoline starts with
    /// x86_call_depth_emit_accounting(), "as such it needs accounting for the __fentry__ call" — in jmp mode
    /// too, where no call happened (see <see cref="TrampolineLayout.CallDepthSurplus"/>).
    /// </summary>
    void EmitEntryAccounting()
    {
        Thunks.EmitCallAccounting(_asm);
        if (JumpedTo && Thunks.Profile.CallDepthAccounting)
            _surplus++;
    }

    /// <summary>
    /// A chain of k dependent 1-cycle instructions on RSP at the trampoline's entry (<c>lea rsp, [rsp]</c>):
    /// every later stack access of the hook waits for it, so in serialized mode, where each call runs
    /// alone, the chain lies on the call's critical path and out-of-order execution cannot hide it.
    /// (Measured here: after the first, each one adds about a cycle; a chain on the restored first
    /// argument was hidden by slack before the body needed it.) Reachable only through
    /// <see cref="Measurement.Sensitivity"/>.
    /// </summary>
    void EmitInjectedLatency()
    {
        for (int i = 0; i < _request.InjectedLatency; i++)
            _asm.lea(rsp, __[rsp]);
    }

    /// <summary>
    /// The trampoline's final return: <c>ret</c>, or <c>jmp x86_return_thunk</c> under a return-thunk profile
    /// (emit_return() in the JIT, create_trampoline() for ftrace's per-ops copies). Where it goes is what the
    /// stack says by then: the executed-path walk was told where a frame was skipped (<see cref="SkipFrame"/>)
    /// or the return slot rewritten (the regs->ip copy-back).
    /// </summary>
    void EmitReturn()
    {
        if (Mutated(TrampolineMutation.ClobberFlags))
            _asm.xor(Scratch.R64(), Scratch.R64());
        if (Mutated(TrampolineMutation.ReturnThunkLeavesRspWrong))
        {
            var broken = _asm.CreateLabel("broken_return_thunk");
            _asm.jmp(broken);
            _asm.Label(ref broken);
            _asm.ret(8);
            _asm.int3();
            return;
        }

        Thunks.EmitReturn(_asm);
    }

    /// <summary>BPF_TRAMP_F_SKIP_FRAME: <c>add rsp, 8</c> drops the return address the site's call pushed ("skip our return address and return to parent").</summary>
    void SkipFrame()
    {
        var at = _asm.CreateLabel("skip_frame");
        _asm.Label(ref at);
        _asm.add(rsp, 8);
        _facts.Add(new StackDropFact(at, 1));
    }
}
