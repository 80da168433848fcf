using HookBench.Native;
using HookBench.Native.Kernel;
using HookBench.Uprobes;
using Xunit;

namespace HookBench.Tests.Uprobes;

/// <summary>
/// Refusals, simulated: the syscall layer is replaced, so these run everywhere and check the one line
/// (which facility, which call and errno, why, how to enable it) and that nothing is left open.
/// </summary>
public class KernelRefusalTests
{
    static readonly KernelEnvironment Unprivileged = new("6.18.44", 1000, 0, 2, 2, "none", 0);
    static readonly KernelEnvironment Root = new("6.18.44", 0, ulong.MaxValue >> 23, 2, 2, "none", 0);
    static readonly UprobeSite Site = new("/proc/1/fd/3", 0);
    static readonly KernelOutcome<UprobePmu> Pmu = new UprobePmu(8, 0);

    static KernelProbes Probes(IKernelProbeCalls calls, KernelEnvironment environment) => new(calls, environment, () => Pmu);

    static void AssertOneLine(KernelUnavailable? refusal, params string[] mentions)
    {
        Assert.NotNull(refusal);
        Assert.DoesNotContain('\n', refusal.Line);
        Assert.Contains("; to enable: ", refusal.Line, StringComparison.Ordinal);
        foreach (string mention in mentions)
            Assert.Contains(mention, refusal.Line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_perf_event_open_without_cap_sys_admin_says_which_why_and_how()
    {
        var fake = new FakeKernelProbeCalls();
        var probes = Probes(new RefusingKernelProbeCalls(fake, KernelCall.PerfEventOpen, Errno.EACCES), Unprivileged);
        var outcome = probes.Attach(Site, ProbeKind.Entry, ProbeProgram.None);
        Assert.False(outcome.IsAvailable);
        AssertOneLine(outcome.Unavailable, "kernel uprobes unavailable", "perf_event_open(uprobe on /proc/1/fd/3+0x0) failed with EACCES",
            "CAP_SYS_ADMIN", "euid 1000", "kernel.perf_event_paranoid=2", "run as root");
        Assert.Equal(Errno.EACCES, outcome.Unavailable!.Errno);
        Assert.Throws<KernelUnavailableException>(() => outcome.Value);
    }

    [Fact]
    public void Before_6_16_cap_perfmon_is_enough_for_uprobes_and_the_line_says_so()
    {
        var older = Unprivileged with { KernelRelease = "6.8.0-31-generic" };
        var outcome = Probes(new RefusingKernelProbeCalls(new FakeKernelProbeCalls(), KernelCall.PerfEventOpen, Errno.EACCES), older)
            .OpenUprobe(Site, ProbeKind.Return);
        AssertOneLine(outcome.Unavailable, "perf_event_open(uretprobe", "CAP_PERFMON or CAP_SYS_ADMIN", "cap_perfmon+ep");
    }

    [Fact]
    public void Paranoid_3_adds_the_sysctl_that_lifts_it()
    {
        var debian = Unprivileged with { PerfEventParanoid = 3 };
        var outcome = Probes(new RefusingKernelProbeCalls(new FakeKernelProbeCalls(), KernelCall.PerfEventOpen, Errno.EACCES), debian)
            .OpenUprobe(Site, ProbeKind.Entry);
        AssertOneLine(outcome.Unavailable, "sysctl kernel.perf_event_paranoid=2");
    }

    [Fact]
    public void A_refused_bpf_without_cap_bpf_names_the_capabilities_and_the_sysctl()
    {
        var fake = new FakeKernelProbeCalls();
        var outcome = Probes(new RefusingKernelProbeCalls(fake, KernelCall.Bpf, Errno.EPERM), Unprivileged)
            .Attach(Site, ProbeKind.Entry, ProbeProgram.Counter);
        AssertOneLine(outcome.Unavailable, "BPF programs on kernel probes unavailable", "BPF_MAP_CREATE", "EPERM",
            "CAP_BPF and CAP_PERFMON", "none of CAP_SYS_ADMIN, CAP_PERFMON, CAP_BPF", "kernel.unprivileged_bpf_disabled=2", "setcap cap_bpf,cap_perfmon+ep");
        Assert.Empty(fake.Open);
        Assert.DoesNotContain("perf_event_open", fake.Calls);
    }

    [Fact]
    public void A_refusal_at_set_bpf_closes_the_event_the_program_and_the_map_it_had_opened()
    {
        var fake = new FakeKernelProbeCalls();
        var outcome = Probes(new RefusingKernelProbeCalls(fake, KernelCall.PerfEventIoctl, Errno.EPERM), Unprivileged)
            .Attach(Site, ProbeKind.Entry, ProbeProgram.Counter);
        AssertOneLine(outcome.Unavailable, "PERF_EVENT_IOC_SET_BPF", "EPERM");
        // The refused ioctl never reaches the fake; then the event, the program and the map close, newest first.
        Assert.Equal(["map_create", "prog_load", "perf_event_open", "close 102", "close 101", "close 100"], fake.Calls);
        Assert.Empty(fake.Open);
    }

    [Fact]
    public void A_granted_attachment_closes_everything_on_dispose_event_first()
    {
        var fake = new FakeKernelProbeCalls();
        var attachment = Probes(fake, Unprivileged).Attach(Site, ProbeKind.Entry, ProbeProgram.Counter).Value;
        Assert.Equal(["map_create", "prog_load", "perf_event_open", "ioctl SetBpf", "ioctl Enable"], fake.Calls);
        Assert.Equal(3, fake.Open.Count);
        attachment.Dispose();
        Assert.Empty(fake.Open);
        Assert.Equal("close 102", fake.Calls[5]);   // the perf event (the third fd) goes first: the probe comes off
    }

    [Fact]
    public void A_capable_process_that_is_still_refused_is_pointed_at_lockdown_and_the_lsm()
    {
        var locked = Root with { Lockdown = "confidentiality" };
        var outcome = Probes(new RefusingKernelProbeCalls(new FakeKernelProbeCalls(), KernelCall.PerfEventOpen, Errno.EPERM), locked)
            .OpenUprobe(Site, ProbeKind.Entry);
        AssertOneLine(outcome.Unavailable, "although this process has CAP_SYS_ADMIN, CAP_PERFMON, CAP_BPF", "lockdown (confidentiality)", "audit log");
    }

    [Fact]
    public void A_seccomp_filter_is_named_before_capabilities()
    {
        var container = Root with { SeccompMode = 2 };
        var outcome = Probes(new RefusingKernelProbeCalls(new FakeKernelProbeCalls(), KernelCall.Bpf, Errno.EPERM), container)
            .Attach(Site, ProbeKind.Entry, ProbeProgram.Empty);
        AssertOneLine(outcome.Unavailable, "seccomp", "seccomp=unconfined");
    }

    [Theory]
    [InlineData(KernelCall.Bpf, Errno.ENOSYS, "CONFIG_BPF_SYSCALL=y")]
    [InlineData(KernelCall.PerfEventOpen, Errno.ENOSYS, "CONFIG_PERF_EVENTS=y")]
    [InlineData(KernelCall.PerfEventOpen, Errno.ENOENT, "CONFIG_UPROBE_EVENTS=y")]
    public void A_missing_kernel_option_names_the_config(KernelCall call, int errno, string config)
    {
        var outcome = Probes(new RefusingKernelProbeCalls(new FakeKernelProbeCalls(), call, errno), Root)
            .Attach(Site, ProbeKind.Entry, ProbeProgram.Empty);
        AssertOneLine(outcome.Unavailable, config, Errno.Name(errno));
    }

    [Fact]
    public void An_errno_that_is_not_a_refusal_is_an_error_not_an_unavailable_result()
    {
        var probes = Probes(new RefusingKernelProbeCalls(new FakeKernelProbeCalls(), KernelCall.PerfEventOpen, Errno.EINVAL), Root);
        var error = Assert.Throws<InvalidOperationException>(() => probes.OpenUprobe(Site, ProbeKind.Entry));
        Assert.Contains("EINVAL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_uprobe_pmu_is_unavailable_with_the_path_it_looked_at()
    {
        string empty = Directory.CreateTempSubdirectory("hookbench-no-pmu").FullName;
        try
        {
            var outcome = UprobePmu.Discover(Path.Combine(empty, "uprobe"));
            AssertOneLine(outcome.Unavailable, "kernel uprobes unavailable", Path.Combine(empty, "uprobe", "type"), "CONFIG_UPROBE_EVENTS=y");
            var probes = new KernelProbes(new FakeKernelProbeCalls(), Root, () => outcome);
            Assert.Same(outcome.Unavailable, probes.OpenUprobe(Site, ProbeKind.Entry).Unavailable);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public void The_pmu_type_and_retprobe_bit_come_from_sysfs()
    {
        string root = Directory.CreateTempSubdirectory("hookbench-pmu").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "format"));
            File.WriteAllText(Path.Combine(root, "type"), "11\n");
            File.WriteAllText(Path.Combine(root, "format", "retprobe"), "config:5\n");
            var pmu = UprobePmu.Discover(root).Value;
            Assert.Equal(new UprobePmu(11, 5), pmu);
            Assert.Equal(0UL, pmu.Config(ProbeKind.Entry));
            Assert.Equal(32UL, pmu.Config(ProbeKind.Return));

            File.WriteAllText(Path.Combine(root, "format", "retprobe"), "config:32-63\n");
            AssertOneLine(UprobePmu.Discover(root).Unavailable, "config:32-63");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("config:0", 0)]
    [InlineData("config:63\n", 63)]
    [InlineData("config:64", null)]
    [InlineData("config:32-63", null)]
    [InlineData("config1:0", null)]
    [InlineData("", null)]
    public void A_retprobe_format_is_one_config_bit(string format, int? bit) =>
        Assert.Equal(bit, UprobePmu.ParseConfigBit(format));

    [Fact]
    public void The_environment_variable_names_a_call_and_an_errno_or_is_a_one_line_usage_error()
    {
        Assert.Equal((KernelCall.PerfEventOpen, Errno.EACCES), RefusingKernelProbeCalls.Parse("perf_event_open:EACCES"));
        Assert.Equal((KernelCall.Bpf, Errno.EPERM), RefusingKernelProbeCalls.Parse("bpf:eperm"));
        var inner = new FakeKernelProbeCalls();
        Assert.Same(inner, RefusingKernelProbeCalls.Wrap(inner, null));
        Assert.Same(inner, RefusingKernelProbeCalls.Wrap(inner, " "));
        var error = Assert.Throws<UsageException>(() => RefusingKernelProbeCalls.Wrap(inner, "perf:EACCES"));
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("bpf, perf_event_open, ioctl", error.Message, StringComparison.Ordinal);
        Assert.Contains("EPERM", error.Message, StringComparison.Ordinal);
        Assert.Contains("'perf:EACCES'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_environment_is_read_from_procfs_and_securityfs()
    {
        string root = Directory.CreateTempSubdirectory("hookbench-proc").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "proc", "self"));
            Directory.CreateDirectory(Path.Combine(root, "proc", "sys", "kernel"));
            Directory.CreateDirectory(Path.Combine(root, "security"));
            File.WriteAllText(Path.Combine(root, "proc", "self", "status"),
                "Name:\tdotnet\nUid:\t1000\t1001\t1000\t1000\nCapEff:\t000000c000000000\nSeccomp:\t2\n");
            File.WriteAllText(Path.Combine(root, "proc", "sys", "kernel", "osrelease"), "6.18.44-fc-v657\n");
            File.WriteAllText(Path.Combine(root, "proc", "sys", "kernel", "perf_event_paranoid"), "-1\n");
            File.WriteAllText(Path.Combine(root, "security", "lockdown"), "none [integrity] confidentiality\n");
            var environment = KernelEnvironment.Read(Path.Combine(root, "proc"), Path.Combine(root, "security"));
            Assert.Equal(new KernelEnvironment("6.18.44-fc-v657", 1001, 0xc000000000, -1, null, "integrity", 2), environment);
            Assert.True(environment.Has(LinuxCapability.Bpf) && environment.Has(LinuxCapability.Perfmon));
            Assert.False(environment.Has(LinuxCapability.SysAdmin));
            Assert.Equal((6u << 16) + (18u << 8) + 44u, environment.VersionCode);
            Assert.True(environment.IsAtLeast(6, 16) && !environment.IsAtLeast(6, 19));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_patch_level_above_255_is_clamped_like_kernel_version_does() =>
        Assert.Equal((4u << 16) + (9u << 8) + 255u, (Unprivileged with { KernelRelease = "4.9.337" }).VersionCode);

    [Fact]
    public void Kallsyms_names_say_which_uprobe_paths_the_kernel_has()
    {
        var symbols = KernelSymbols.FromLines([
            "0000000000000000 T __x64_sys_uretprobe",
            "0000000000000000 T __x64_sys_uprobe",
            "ffffffff81336310 t arch_uprobe_optimize",
            "ffffffffc0000000 t some_function\t[module]",
        ]);
        Assert.Equal(new KernelSymbols(true, true, true), symbols);
        Assert.Equal(new KernelSymbols(false, false, false), KernelSymbols.FromLines(["ffffffff81000000 T _text"]));
    }

    [Fact]
    public void Site_states_tell_a_breakpoint_from_an_optimized_call_and_the_original()
    {
        byte[] nop5 = [0x0F, 0x1F, 0x44, 0x00, 0x00, 0x55];
        Assert.Equal(ProbedSiteKind.Original, ProbedSiteState.Classify(nop5, nop5, 0x1000).Kind);
        Assert.Equal(ProbedSiteKind.Breakpoint, ProbedSiteState.Classify(nop5, [0xCC, 0x1F, 0x44, 0x00, 0x00, 0x55], 0x1000).Kind);
        var call = ProbedSiteState.Classify(nop5, [0xE8, 0xFB, 0x0F, 0x0E, 0x00, 0x55], 0x7fa71b81a000);
        Assert.Equal(new ProbedSiteState(ProbedSiteKind.OptimizedCall, 0x7fa71b8fb000), call);
        Assert.Equal(0x0FFBUL, ProbedSiteState.Classify(nop5, [0xE8, 0xF6, 0xFF, 0xFF, 0xFF, 0x55], 0x1000).CallTarget);   // rel32 -10
        Assert.Equal(ProbedSiteKind.Unexpected, ProbedSiteState.Classify(nop5, [0x90, 0x1F, 0x44, 0x00, 0x00, 0x55], 0x1000).Kind);
    }

    [Fact]
    public void A_missing_pmu_or_kernel_option_is_the_hosts_lack_a_refusal_is_this_processs()
    {
        Assert.True(RefusalDiagnosis.NoUprobePmu("no sysfs").HostLacksIt);
        Assert.True(RefusalDiagnosis.Explain(KernelCall.Bpf, "bpf(BPF_PROG_LOAD)", Errno.ENOSYS, Root)!.HostLacksIt);
        Assert.False(RefusalDiagnosis.Explain(KernelCall.PerfEventOpen, "perf_event_open(uprobe)", Errno.EACCES, Unprivileged)!.HostLacksIt);
        var probes = new KernelProbes(new FakeKernelProbeCalls(), Root, () => RefusalDiagnosis.NoUprobePmu("gone"));
        Assert.Equal("gone", probes.MissingFacility()!.Reason);
        Assert.Null(Probes(new FakeKernelProbeCalls(), Root).MissingFacility());
    }

    [Fact]
    public void Refusing_the_uprobe_pmu_is_a_pmu_lookup_not_a_system_call()
    {
        Assert.Equal((KernelCall.UprobePmu, Errno.ENOENT), RefusingKernelProbeCalls.Parse("uprobe_pmu:ENOENT"));
        var inner = new FakeKernelProbeCalls();
        Assert.Same(inner, RefusingKernelProbeCalls.Wrap(inner, "uprobe_pmu:ENOENT"));
    }
}
