namespace HookBench.Mitigations;

/// <summary>
/// The <c>host</c> profile: the knobs this machine's kernel chose, read back from what it reports in
/// /sys/devices/system/cpu/vulnerabilities, following the choices of arch/x86/kernel/cpu/bugs.c (6.17/6.18
/// era): spectre_v2's "Retpolines" means retpoline thunks and "LFENCE" means <c>lfence; call</c>; the return
/// thunk is whatever set_return_thunk() installed last, in the order the *_apply_mitigation() functions run
/// (retbleed, then SRSO, then ITS); "Stuffing" turns on call-depth accounting with its return thunk. IBT is
/// no vulnerability, so ENDBR follows the <c>ibt</c> flag in /proc/cpuinfo.
/// </summary>
public static class HostMitigations
{
    const string SpectreV2 = "spectre_v2", Retbleed = "retbleed", Srso = "spec_rstack_overflow", Its = "indirect_target_selection";

    /// <summary>Resolves the host profile from the kernel's vulnerability texts and the CPU flags.</summary>
    public static MitigationProfile Resolve(IReadOnlyDictionary<string, string> vulnerabilities, IReadOnlySet<string> cpuFlags)
    {
        var reasons = new List<string>();
        var indirect = IndirectCallKind.Plain;
        string? spectre = vulnerabilities.GetValueOrDefault(SpectreV2);
        string head = spectre?.Split(';')[0].Trim() ?? string.Empty;
        if (head.Contains("Retpolines", StringComparison.Ordinal))
            indirect = IndirectCallKind.RetpolineThunk;
        else if (head.Contains("LFENCE", StringComparison.Ordinal))
            indirect = IndirectCallKind.LfenceCall;
        reasons.Add(spectre is null
            ? $"{SpectreV2}: not reported -> plain indirect calls"
            : $"{SpectreV2}: \"{spectre}\" -> {Describe(indirect)}");

        var ret = ReturnKind.Ret;
        bool stuffing = false;
        string? winner = null;
        void Consider(string file, Func<string, ReturnKind?> map)
        {
            if (vulnerabilities.GetValueOrDefault(file) is not string text)
                return;
            ReturnKind? chosen = map(text);
            reasons.Add($"{file}: \"{text}\" -> {(chosen is ReturnKind kind ? Describe(kind) : "no return thunk")}");
            if (chosen is ReturnKind k)
            {
                ret = k;
                winner = file;
                stuffing |= k == ReturnKind.CallDepthThunk;
            }
        }

        // retbleed_apply_mitigation(): UNRET installs retbleed_return_thunk, STUFF call_depth_return_thunk.
        Consider(Retbleed, t => t.Contains("untrained return thunk", StringComparison.Ordinal) ? ReturnKind.ReturnThunk
            : t.Contains("Stuffing", StringComparison.Ordinal) ? ReturnKind.CallDepthThunk : null);
        // srso_apply_mitigation(): SAFE_RET and SAFE_RET_UCODE_NEEDED ("Vulnerable: Safe RET, no microcode") install
        // srso_alias_return_thunk on family 0x19 and srso_return_thunk otherwise; both run call; lea rsp, [rsp+8]; ret.
        Consider(Srso, t => t.Contains("Safe RET", StringComparison.Ordinal) ? ReturnKind.SrsoThunk : null);
        // its_apply_mitigation(): ALIGNED_THUNKS installs its_return_thunk (ret; int3), RETPOLINE_STUFF call_depth_return_thunk.
        Consider(Its, t => t.Contains("Aligned branch/return thunks", StringComparison.Ordinal) ? ReturnKind.ReturnThunk
            : t.Contains("Stuffing RSB", StringComparison.Ordinal) ? ReturnKind.CallDepthThunk : null);
        if (winner is not null)
            reasons.Add($"active return thunk: the last set_return_thunk() wins -> {Describe(ret)} (from {winner})");

        bool endbr = cpuFlags.Contains("ibt");
        reasons.Add(endbr ? "/proc/cpuinfo flags: ibt -> ENDBR" : "/proc/cpuinfo flags: no ibt -> no ENDBR");

        return new MitigationProfile
        {
            Name = MitigationProfiles.HostName,
            Summary = "what this machine's kernel chose",
            Source = "arch/x86/kernel/cpu/bugs.c (spectre_v2, retbleed, srso and its *_apply_mitigation()) read back from /sys/devices/system/cpu/vulnerabilities",
            Endbr = endbr,
            IndirectCall = indirect,
            Return = ret,
            CallDepthAccounting = stuffing,
            Reasons = reasons,
        };
    }

    static string Describe(IndirectCallKind kind) => kind switch
    {
        IndirectCallKind.RetpolineThunk => "retpoline thunks (__x86_indirect_thunk_*)",
        IndirectCallKind.LfenceCall => "lfence; call",
        _ => "plain indirect calls",
    };

    static string Describe(ReturnKind kind) => kind switch
    {
        ReturnKind.ReturnThunk => "ret; int3 return thunk",
        ReturnKind.SrsoThunk => "srso_return_thunk (Safe RET)",
        ReturnKind.CallDepthThunk => "call_depth_return_thunk + call-depth accounting",
        _ => "plain ret",
    };
}
