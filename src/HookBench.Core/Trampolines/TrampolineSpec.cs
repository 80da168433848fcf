using HookBench.Handlers;
using HookBench.Sites;

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

    /// <summary>
    /// The flags the trampoline is built with. As bpf_trampoline_update() does since 402e44b31e9d, a
    /// trampoline that shares its function with an IP-modifying ftrace user (<see cref="TrampolineFlags.ShareIpModify"/>)
    /// drops jmp mode and is called, skipping the traced function's frame on return.
    /// </summary>
    public TrampolineSpec Effective => Has(TrampolineFlags.ShareIpModify) && Has(TrampolineFlags.JmpEntry)
        ? this with { Flags = (Flags & ~TrampolineFlags.JmpEntry) | TrampolineFlags.SkipFrame }
        : this;

    /// <summary>How the site enters the trampoline: <c>jmp</c> in jmp mode, <c>call</c> otherwise.</summary>
    public SiteKind EntrySite => Effective.Has(TrampolineFlags.JmpEntry) ? Rel32Site.FentryJmp : Rel32Site.FentryCall;

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
        if (Has(TrampolineFlags.JmpEntry) && !Has(TrampolineFlags.CallOriginal))
            return "JmpEntry needs CallOriginal: a jumped-to trampoline has no return address into the traced function, so it must run the body itself (bpf_trampoline_use_jmp() = BPF_TRAMP_F_CALL_ORIG && !BPF_TRAMP_F_SKIP_FRAME)";
        if (Has(TrampolineFlags.JmpEntry) && Has(TrampolineFlags.SkipFrame))
            return "JmpEntry excludes SkipFrame: in jmp mode the traced function left no frame to skip, so the kernel clears BPF_TRAMP_F_SKIP_FRAME (402e44b31e9d)";
        if (Has(TrampolineFlags.CallOriginal) && !Has(TrampolineFlags.SkipFrame) && !Has(TrampolineFlags.JmpEntry))
            return "CallOriginal from a fentry site needs SkipFrame or JmpEntry: a called trampoline's return address points into the body it already ran (BPF_TRAMP_F_CALL_ORIG | BPF_TRAMP_F_SKIP_FRAME), a jumped-to one has none";
        if (Has(TrampolineFlags.ModifyReturn) && !Has(TrampolineFlags.CallOriginal))
            return "ModifyReturn needs CallOriginal: an fmod_ret program decides whether the trampoline calls the original, so the trampoline must be able to (BPF_TRAMP_MODIFY_RETURN sets BPF_TRAMP_F_CALL_ORIG)";
        if (Has(TrampolineFlags.ShareIpModify) && !Has(TrampolineFlags.CallOriginal))
            return "ShareIpModify needs CallOriginal: it only changes how the trampoline calls the original (BPF_TRAMP_F_ORIG_STACK)";
        return null;
    }
}
