using HookBench.Mitigations;
using Xunit;

namespace HookBench.Tests.Mitigations;

/// <summary>The host profile maps the kernel's vulnerability texts to knobs the way bugs.c chose them.</summary>
public class HostMitigationsTests
{
    static readonly IReadOnlySet<string> NoFlags = new HashSet<string>();

    static MitigationProfile Resolve(params (string File, string Text)[] readings) =>
        HostMitigations.Resolve(readings.ToDictionary(r => r.File, r => r.Text), NoFlags);

    [Fact]
    public void This_vms_kernel_means_retpolines_and_the_srso_safe_ret_thunk()
    {
        var host = Resolve(
            ("spectre_v2", "Mitigation: Retpolines; STIBP: disabled; RSB filling; PBRSB-eIBRS: Not affected; BHI: Not affected"),
            ("retbleed", "Not affected"),
            ("spec_rstack_overflow", "Vulnerable: Safe RET, no microcode"),
            ("indirect_target_selection", "Not affected"));
        Assert.Equal("host", host.Name);
        Assert.Equal(IndirectCallKind.RetpolineThunk, host.IndirectCall);
        Assert.Equal(ReturnKind.SrsoThunk, host.Return);
        Assert.False(host.CallDepthAccounting);
        Assert.False(host.Endbr);
        Assert.Contains(host.Reasons, r => r.Contains("Vulnerable: Safe RET, no microcode", StringComparison.Ordinal) && r.Contains("srso_return_thunk", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Mitigation: Enhanced / Automatic IBRS + Retpolines", IndirectCallKind.RetpolineThunk)]
    [InlineData("Vulnerable: LFENCE", IndirectCallKind.LfenceCall)]
    [InlineData("Mitigation: Enhanced / Automatic IBRS + LFENCE; BHI: BHI_DIS_S", IndirectCallKind.LfenceCall)]
    [InlineData("Mitigation: Enhanced / Automatic IBRS; IBPB: conditional; RSB filling; PBRSB-eIBRS: SW sequence; BHI: BHI_DIS_S", IndirectCallKind.Plain)]
    [InlineData("Vulnerable", IndirectCallKind.Plain)]
    public void Spectre_v2_decides_how_indirect_calls_are_compiled(string text, IndirectCallKind expected) =>
        Assert.Equal(expected, Resolve(("spectre_v2", text)).IndirectCall);

    [Fact]
    public void Stuffing_means_call_depth_accounting_and_its_return_thunk()
    {
        var host = Resolve(("spectre_v2", "Mitigation: Retpolines"), ("retbleed", "Mitigation: Stuffing"));
        Assert.Equal(ReturnKind.CallDepthThunk, host.Return);
        Assert.True(host.CallDepthAccounting);
        var its = Resolve(("indirect_target_selection", "Mitigation: Retpolines, Stuffing RSB"));
        Assert.True(its.CallDepthAccounting);
    }

    [Fact]
    public void The_last_return_thunk_installed_wins_as_set_return_thunk_runs_retbleed_srso_then_its()
    {
        var srsoOverUnret = Resolve(("retbleed", "Mitigation: untrained return thunk; SMT vulnerable"), ("spec_rstack_overflow", "Mitigation: Safe RET"));
        Assert.Equal(ReturnKind.SrsoThunk, srsoOverUnret.Return);
        var itsLast = Resolve(("spec_rstack_overflow", "Mitigation: Safe RET"), ("indirect_target_selection", "Mitigation: Aligned branch/return thunks"));
        Assert.Equal(ReturnKind.ReturnThunk, itsLast.Return);
        Assert.Equal(ReturnKind.Ret, Resolve(("spec_rstack_overflow", "Mitigation: IBPB")).Return);
    }

    [Fact]
    public void Endbr_follows_the_ibt_cpu_flag_and_an_empty_reading_is_no_mitigation()
    {
        Assert.True(HostMitigations.Resolve(new Dictionary<string, string>(), new HashSet<string> { "fpu", "ibt" }).Endbr);
        var nothing = HostMitigations.Resolve(new Dictionary<string, string>(), NoFlags);
        Assert.True(nothing.IsNone);
        Assert.Equal("no mitigation", nothing.Knobs);
    }
}
