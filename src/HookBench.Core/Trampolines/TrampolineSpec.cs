using HookBench.Handlers;

namespace HookBench.Trampolines;

/// <summary>
/// A trampoline's shape: where the handler's context lives, and the flags. Contradictory combinations are
/// refused before anything is emitted, as the kernel's generators refuse them (arch_prepare_bpf_trampoline
/// returns -ENOTSUPP or -EINVAL for flag sets it cannot honour; ftrace refuses IPMODIFY ops it cannot
/// serve in ftrace_ops_init/register_ftrace_function).
/// </summary>
public sealed record TrampolineSpec(ContextKind Context, TrampolineFlags Flags)
{
    public bool Has(TrampolineFlags flag) => (Flags & flag) == flag;

    public TrampolineSpec With(TrampolineFlags flag) => this with { Flags = Flags | flag };

    /// <summary>Whether the builder can emit this shape; <paramref name="error"/> names the contradiction and why.</summary>
    public bool TryValidate(out string? error)
    {
        error = FirstContradiction();
        return error is null;
    }

    string? FirstContradiction()
    {
        bool ptRegs = Context == ContextKind.PtRegs;
        bool argsArray = Context == ContextKind.ArgsArray;
        if (!ptRegs && !argsArray)
            return $"a trampoline needs a pt_regs or an argument-array context; got {Context}";
        if (Has(TrampolineFlags.SaveFlags) && !Has(TrampolineFlags.SaveAllRegisters))
            return "SaveFlags needs SaveAllRegisters: regs->flags is filled and copied back before popfq only with the full pt_regs (ftrace_regs_caller); ftrace_caller never saves flags";
        if (!ptRegs && (Has(TrampolineFlags.SaveAllRegisters) || Has(TrampolineFlags.SaveFlags)))
            return "SaveAllRegisters and SaveFlags fill a pt_regs frame; an argument-array trampoline has none";
        if (!ptRegs && Has(TrampolineFlags.IpModify))
            return "IpModify writes regs->ip back to the return slot; an argument-array (BPF) trampoline has no regs->ip (it changes the return value with fmod_ret instead)";
        if (ptRegs && Has(TrampolineFlags.CallOriginal))
            return "CallOriginal calls the traced body from the trampoline, which the ftrace pt_regs callers never do (the body runs after they return)";
        if (Has(TrampolineFlags.SkipFrame) && !Has(TrampolineFlags.CallOriginal))
            return "SkipFrame returns past the traced function, so without CallOriginal its body would never run (BPF_TRAMP_F_SKIP_FRAME comes with BPF_TRAMP_F_CALL_ORIG)";
        if (Has(TrampolineFlags.CallOriginal) && !Has(TrampolineFlags.SkipFrame))
            return "CallOriginal from a fentry site needs SkipFrame: the site's return address points into the body the trampoline already ran (BPF_TRAMP_F_CALL_ORIG | BPF_TRAMP_F_SKIP_FRAME)";
        return null;
    }
}
