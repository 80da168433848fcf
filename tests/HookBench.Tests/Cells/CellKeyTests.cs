using HookBench.Cells;
using HookBench.Handlers;
using HookBench.Kernel;
using HookBench.Measurement;
using HookBench.Mitigations;
using HookBench.Strategies;
using Xunit;

namespace HookBench.Tests.Cells;

public class CellKeyTests
{
    [Fact]
    public void Every_valid_key_round_trips_through_its_text()
    {
        int valid = 0;
        foreach (var strategy in StrategyCatalog.All)
        foreach (var handler in HandlerKinds.All)
        foreach (var mode in MeasurementModes.All)
        for (int n = 0; n <= HookBench.HookSets.HookSetOptions.MaxArgs; n++)
        {
            var key = new CellKey(strategy, n, handler, mode);
            if (!key.TryValidate(out _))
                continue;
            valid++;
            Assert.True(CellKey.TryParse(key.Text, out var parsed, out string? error), error);
            Assert.Equal(key, parsed);
        }

        Assert.True(valid > 100);
    }

    [Theory]
    [InlineData("min-regs/2/empty", "is not strategy/args/handler/mode")]
    [InlineData("nope/2/empty/throughput", "unknown strategy 'nope'; valid: none, full-regs")]
    [InlineData("min-regs/9/empty/throughput", "must be an integer in 0..6")]
    [InlineData("min-regs/-1/empty/throughput", "must be an integer in 0..6")]
    [InlineData("min-regs/2/empty/sideways", "unknown mode 'sideways'; valid: throughput, latency, serialized")]
    [InlineData("direct-call/2/args/throughput", "refuses handler args")]
    [InlineData("direct/0/empty/latency", "needs args >= 1")]
    [InlineData("direct/2/empty/throughput/profile=ibrs", "unknown profile 'ibrs'; valid: none, ibt, retpoline, retpoline-lfence, rethunk, srso, calldepth, all, host")]
    [InlineData("direct/2/empty/throughput/srso", "is not strategy/args/handler/mode[/profile=NAME]")]
    [InlineData("direct-call/2/empty/throughput/profile=calldepth", "cannot use profile calldepth")]
    [InlineData("min-regs/2/empty/throughput/bpf=counter", "strategy min-regs has no kernel probe to run BPF program counter on; valid for it: bpf=none")]
    [InlineData("uprobe-nop5/2/empty/throughput/bpf=jit", "unknown BPF program 'jit'; valid: none, empty, counter")]
    [InlineData("uprobe-nop5/2/counter/throughput", "refuses handler counter: the kernel runs the probe")]
    [InlineData("uprobe-trap/2/empty/throughput/profile=srso", "strategy uprobe-trap cannot use profile srso: the mitigations on a kernel probe's path are the running kernel's own")]
    [InlineData("uprobe-nop5/2/empty/throughput/bpf=empty/profile=none", "is not strategy/args/handler/mode[/profile=NAME][/bpf=NAME]")]
    [InlineData("uprobe-nop5/2/empty/throughput/bpf=empty/bpf=counter", "is not strategy/args/handler/mode[/profile=NAME][/bpf=NAME]")]
    public void Invalid_keys_are_refused_with_a_reason_naming_what_is_valid(string text, string reason)
    {
        Assert.False(CellKey.TryParse(text, out _, out string? error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void The_key_text_is_what_summary_files_have_always_written()
    {
        var key = new CellKey(StrategyCatalog.MinRegs, 2, HandlerKind.Counter, MeasurementMode.Serialized);
        Assert.Equal("min-regs/2/counter/serialized", key.Text);
        Assert.Equal(key.Text, CellKey.Format("min-regs", 2, "counter", "serialized"));
    }

    [Fact]
    public void A_profile_is_written_only_when_it_is_not_none_and_round_trips()
    {
        var none = new CellKey(StrategyCatalog.DirectFexitJmp, 2, HandlerKind.Empty, MeasurementMode.Throughput);
        Assert.Equal("direct-fexit-jmp/2/empty/throughput", none.Text);
        foreach (var profile in MitigationProfiles.Every.Where(p => !p.IsNone || p.Name != "none"))
        {
            var key = none with { Profile = profile };
            Assert.Equal($"direct-fexit-jmp/2/empty/throughput/profile={profile.Name}", key.Text);
            Assert.True(CellKey.TryParse(key.Text, out var parsed, out string? error), error);
            Assert.Equal(key, parsed);
            Assert.Equal(key.Text, CellKey.Format("direct-fexit-jmp", 2, "empty", "throughput", profile.Name));
        }

        Assert.Equal(none.Text, CellKey.Format("direct-fexit-jmp", 2, "empty", "throughput", "none"));
        Assert.NotEqual(none, none with { Profile = MitigationProfiles.Srso });
    }

    [Fact]
    public void A_bpf_program_is_written_only_when_it_is_not_none_after_the_profile_and_round_trips()
    {
        foreach (var strategy in StrategyCatalog.KernelProbes)
        foreach (var program in HookBench.Kernel.ProbePrograms.All)
        {
            var key = new CellKey(strategy, 2, HandlerKind.Empty, MeasurementMode.Latency) { Bpf = program };
            string expected = program == HookBench.Kernel.ProbeProgram.None
                ? $"{strategy.Name}/2/empty/latency"
                : $"{strategy.Name}/2/empty/latency/bpf={program.Name()}";
            Assert.Equal(expected, key.Text);
            Assert.True(CellKey.TryParse(key.Text, out var parsed, out string? error), error);
            Assert.Equal(key, parsed);
            Assert.Equal(key.Text, CellKey.Format(strategy.Name, 2, "empty", "latency", "none", program.Name()));
            Assert.Equal(program, key.HookSet(HookBench.Abi.CallingConvention.SysV).Program);
        }

        // A user-space key with a profile keeps its text; bpf=none is never written.
        Assert.Equal("direct/2/empty/throughput/profile=srso", CellKey.Format("direct", 2, "empty", "throughput", "srso", "none"));
    }

    [Fact]
    public void The_quick_matrix_has_the_nop5_trap_and_return_probes_at_2_args_and_publish_has_the_whole_ladder()
    {
        var kernel = RunPlan.Quick().Where(c => c.Strategy.IsKernelProbe).Select(c => c.Key.Text).ToList();
        Assert.Equal(["uprobe-nop5/2/empty/throughput", "uprobe-trap/2/empty/throughput", "uretprobe/2/empty/throughput"], kernel);
        var ladder = RunPlan.Ladder();
        Assert.Equal(StrategyCatalog.KernelProbes.Count * 3, ladder.Count(c => c.Strategy.IsKernelProbe));
        Assert.Contains(ladder, c => c.Key.Text == "uprobe-sstep/2/empty/throughput/bpf=counter");
        Assert.Contains(ladder, c => c.Key.Text == "direct-call/2/counter/throughput");
        Assert.All(ladder, c => Assert.True(c.Key.TryValidate(out _)));
        Assert.Subset(RunPlan.Publish().Select(c => c.Key.Text).ToHashSet(), ladder.Select(c => c.Key.Text).ToHashSet());
        Assert.DoesNotContain(RunPlan.Mitigations(), c => c.Strategy.IsKernelProbe);
    }

    [Fact]
    public void The_quick_matrix_adds_every_strategy_at_2_args_under_the_host_profile()
    {
        var host = RunPlan.Quick().Where(c => c.Profile.Name == "host").ToList();
        Assert.Equal(StrategyCatalog.UserSpace.Where(s => s.RefusesProfile(MitigationProfiles.Host) is null).Select(s => s.Name), host.Select(c => c.Strategy.Name));
        Assert.All(host, c => Assert.True(c.ArgCount == 2 && c.Handler == HandlerKind.Empty && c.Mode == MeasurementMode.Throughput));
        Assert.Equal(RunPlan.Quick().Count, RunPlan.Quick().Select(c => c.Key.Text).Distinct().Count());
        Assert.Subset(RunPlan.Publish().Select(c => c.Key.Text).ToHashSet(), RunPlan.Mitigations().Select(c => c.Key.Text).ToHashSet());
    }
}
