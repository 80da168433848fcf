namespace HookBench.Mitigations;

/// <summary>
/// How the kernel around a hook was built and booted, as data: the speculative-execution mitigations a
/// 2026 kernel compiles into every function, trampoline and JITed program. A profile applies to the
/// target (so the unhooked baseline carries the same thunks and the overhead stays the hook's alone), the
/// trampoline and the handlers, which stand in for JITed BPF programs.
/// </summary>
public sealed record MitigationProfile
{
    public required string Name { get; init; }

    /// <summary>What the profile turns on, in a few words (for <c>list</c>).</summary>
    public required string Summary { get; init; }

    /// <summary>The kernel sources the sequences follow.</summary>
    public required string Source { get; init; }

    /// <summary>
    /// <c>endbr64</c> at every indirectly reachable entry, as X86_KERNEL_IBT emits it: functions (the
    /// targets), ftrace trampolines (SYM_FUNC_START emits ENDBR and create_trampoline() copies from the
    /// symbol) and JITed programs (emit_prologue() starts with emit_cfi()). The fentry BPF trampoline, only
    /// ever reached by the site's direct call or jump, has had none since "x86/cfi,bpf: Fix BPF JIT call"
    /// (Dec 2023), which left EMIT_ENDBR to indirectly called (struct_ops) trampolines.
    /// </summary>
    public bool Endbr { get; init; }

    public IndirectCallKind IndirectCall { get; init; } = IndirectCallKind.Plain;

    public ReturnKind Return { get; init; } = ReturnKind.Ret;

    /// <summary>
    /// Call-depth accounting (retbleed=stuff, CONFIG_MITIGATION_CALL_DEPTH_TRACKING): every call is
    /// preceded by <c>sarq $5</c> on a per-CPU depth counter (INCREMENT_CALL_DEPTH), and returns go through
    /// <see cref="ReturnKind.CallDepthThunk"/>. Here the counter is a data slot in the hook set's arena
    /// rather than a %gs-relative per-CPU variable: the measuring thread is its only user.
    /// </summary>
    public bool CallDepthAccounting { get; init; }

    /// <summary>For <c>host</c>: what was read from the machine and how each reading mapped to a knob.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    public bool IsNone => !Endbr && IndirectCall == IndirectCallKind.Plain && Return == ReturnKind.Ret && !CallDepthAccounting;

    /// <summary>The knobs in a few words, e.g. "ENDBR, retpoline thunk, srso return thunk".</summary>
    public string Knobs
    {
        get
        {
            var parts = new List<string>();
            if (Endbr)
                parts.Add("ENDBR");
            if (IndirectCall != IndirectCallKind.Plain)
                parts.Add(IndirectCall == IndirectCallKind.RetpolineThunk ? "retpoline thunk" : "lfence; call");
            if (Return != ReturnKind.Ret)
                parts.Add(Return switch
                {
                    ReturnKind.ReturnThunk => "return thunk",
                    ReturnKind.SrsoThunk => "srso return thunk",
                    _ => "call-depth return thunk",
                });
            if (CallDepthAccounting)
                parts.Add("call-depth accounting");
            return parts.Count == 0 ? "no mitigation" : string.Join(", ", parts);
        }
    }

    public bool Equals(MitigationProfile? other) =>
        other is not null && Name == other.Name && Endbr == other.Endbr && IndirectCall == other.IndirectCall
        && Return == other.Return && CallDepthAccounting == other.CallDepthAccounting;

    public override int GetHashCode() => HashCode.Combine(Name, Endbr, IndirectCall, Return, CallDepthAccounting);

    public override string ToString() => Name;
}
