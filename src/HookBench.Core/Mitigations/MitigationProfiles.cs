using HookBench.Machine;

namespace HookBench.Mitigations;

/// <summary>
/// The named mitigation profiles. Each turns on one knob, except <c>all</c> (Intel's retbleed=stuff
/// configuration: IBT, retpolines and call-depth tracking together) and <c>host</c> (this machine).
/// </summary>
public static class MitigationProfiles
{
    public const string HostName = "host";

    const string Retpoline = "arch/x86/lib/retpoline.S (__x86_indirect_thunk_*), arch/x86/include/asm/nospec-branch.h (CALL_NOSPEC)";
    const string Rethunk = "arch/x86/lib/retpoline.S; emit_return() in arch/x86/net/bpf_jit_comp.c, create_trampoline() in arch/x86/kernel/ftrace.c";

    public static MitigationProfile None { get; } = new()
    {
        Name = "none",
        Summary = "no mitigation: plain ret and call (the figures before profiles existed)",
        Source = "CONFIG_MITIGATION_* off, X86_KERNEL_IBT off",
    };

    public static MitigationProfile Ibt { get; } = new()
    {
        Name = "ibt",
        Summary = "endbr64 at functions, ftrace trampolines and JITed programs",
        Source = "X86_KERNEL_IBT: SYM_FUNC_START/ENDBR (arch/x86/include/asm/linkage.h), emit_cfi() in arch/x86/net/bpf_jit_comp.c",
        Endbr = true,
    };

    public static MitigationProfile Retpolines { get; } = new()
    {
        Name = "retpoline",
        Summary = "indirect calls through __x86_indirect_thunk_<reg>",
        Source = Retpoline + "; spectre_v2=retpoline",
        IndirectCall = IndirectCallKind.RetpolineThunk,
    };

    public static MitigationProfile RetpolineLfence { get; } = new()
    {
        Name = "retpoline-lfence",
        Summary = "indirect calls as lfence; call reg (AMD)",
        Source = "X86_FEATURE_RETPOLINE_LFENCE: CALL_NOSPEC in arch/x86/include/asm/nospec-branch.h; spectre_v2=retpoline,lfence",
        IndirectCall = IndirectCallKind.LfenceCall,
    };

    public static MitigationProfile ReturnThunk { get; } = new()
    {
        Name = "rethunk",
        Summary = "every ret becomes jmp __x86_return_thunk (ret; int3)",
        Source = Rethunk + "; CONFIG_MITIGATION_RETHUNK (retbleed=unret and ITS thunks run the same ret; int3)",
        Return = ReturnKind.ReturnThunk,
    };

    public static MitigationProfile Srso { get; } = new()
    {
        Name = "srso",
        Summary = "every ret becomes jmp srso_return_thunk (call srso_safe_ret; lea rsp, [rsp+8]; ret)",
        Source = "arch/x86/lib/retpoline.S (srso_return_thunk, srso_safe_ret); srso_apply_mitigation() in arch/x86/kernel/cpu/bugs.c",
        Return = ReturnKind.SrsoThunk,
    };

    public static MitigationProfile CallDepth { get; } = new()
    {
        Name = "calldepth",
        Summary = "sarq $5 on a depth counter before every call; returns through call_depth_return_thunk",
        Source = "CALL_DEPTH_ACCOUNT/INCREMENT_CALL_DEPTH (arch/x86/include/asm/nospec-branch.h), call_depth_return_thunk (arch/x86/lib/retpoline.S), "
            + "ee3e2469b346 (ftrace), x86_call_depth_emit_accounting() in arch/x86/net/bpf_jit_comp.c; the kernel enables it only with retpolines (cdt_possible())",
        Return = ReturnKind.CallDepthThunk,
        CallDepthAccounting = true,
    };

    public static MitigationProfile All { get; } = new()
    {
        Name = "all",
        Summary = "ibt + retpoline + calldepth: Intel's retbleed=stuff kernel",
        Source = "the three above together, as a distribution kernel boots with retbleed=stuff on Skylake-era Intel",
        Endbr = true,
        IndirectCall = IndirectCallKind.RetpolineThunk,
        Return = ReturnKind.CallDepthThunk,
        CallDepthAccounting = true,
    };

    static readonly Lazy<MitigationProfile> HostProfile = new(() =>
        HostMitigations.Resolve(MachineInfo.ReadVulnerabilities(), MachineInfo.CpuFlags()));

    /// <summary>This machine's kernel's choice (read once per process).</summary>
    public static MitigationProfile Host => HostProfile.Value;

    /// <summary>The fixed profiles, then <c>host</c>.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["none", "ibt", "retpoline", "retpoline-lfence", "rethunk", "srso", "calldepth", "all", HostName];

    /// <summary>Every profile; resolving <c>host</c> reads the machine.</summary>
    public static IReadOnlyList<MitigationProfile> Every => [None, Ibt, Retpolines, RetpolineLfence, ReturnThunk, Srso, CallDepth, All, Host];

    public static string ValidNames => string.Join(", ", Names);

    public static MitigationProfile Parse(string name)
    {
        string canonical = NamedValues.Parse(name, Names, n => n, "profile");
        return canonical == HostName ? Host : Fixed.First(p => p.Name == canonical);
    }

    static IReadOnlyList<MitigationProfile> Fixed => [None, Ibt, Retpolines, RetpolineLfence, ReturnThunk, Srso, CallDepth, All];
}
