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
/// Stack depth is tracked as bytes below the trampoline's entry RSP. The site's <c>call</c> is the
/// traced function's first instruction, where RSP ≡ 8 (mod 16), so the trampoline is entered with
/// RSP ≡ 0 (mod 16); a handler called at depth d is entered with RSP ≡ −(d + 8) (mod 16).
/// </remarks>
public sealed partial class TrampolineBuilder
{
    readonly Assembler _asm;
    readonly TrampolineRequest _request;
    int _depth;
    readonly List<int> _handlerEntryAlignments = [];
    readonly List<PathFact> _facts = [];
    Label? _dataLabel;

    TrampolineBuilder(Assembler asm, TrampolineRequest request)
    {
        _asm = asm;
        _request = request;
    }

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

    bool Has(TrampolineFlags flag) => _request.Spec.Has(flag);

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
    void CallHandler(ulong handler) => CallHandler(() => _asm.call(handler));

    /// <summary><see cref="CallHandler(ulong)"/> around any call instruction (a direct one, or <see cref="EmitIndirectCall"/>).</summary>
    void CallHandler(Action emitCall)
    {
        int pad = Has(TrampolineFlags.AlignStack) && Mod16(-(_depth + 8)) != 8 ? 8 : 0;
        int adjust = pad + _request.Abi.ShadowSpaceBytes;
        _handlerEntryAlignments.Add(Mod16(-(_depth + adjust + 8)));
        if (Mutated(TrampolineMutation.MisalignStack))
            adjust += 8;
        if (adjust > 0)
            _asm.sub(rsp, adjust);
        emitCall();
        if (adjust > 0)
            _asm.add(rsp, adjust);
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
    /// The trampoline's final <c>ret</c>. With SkipFrame it returns past the traced function to its caller;
    /// with IpModify and a redirect, to the replacement the handler wrote into regs->ip. Either way the
    /// executed-path walk is told, since the return slot no longer holds what the site's call pushed.
    /// </summary>
    void EmitReturn()
    {
        if (Mutated(TrampolineMutation.ClobberFlags))
            _asm.xor(Scratch.R64(), Scratch.R64());
        ulong? goesTo = Has(TrampolineFlags.SkipFrame) ? PathFacts.ReturnToCaller
            : Has(TrampolineFlags.IpModify) ? _request.RedirectTarget
            : null;
        if (goesTo is ulong destination)
        {
            var at = _asm.CreateLabel("return");
            _asm.Label(ref at);
            _facts.Add(new TransferFact(at, [destination]));
        }

        _asm.ret();
    }
}
