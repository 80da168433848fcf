using HookBench.Cells;
using HookBench.Handlers;
using HookBench.Measurement;
using HookBench.Mitigations;
using HookBench.Strategies;
using HookBench.Uprobes;
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
    [InlineData("direct/2/empty/throughput/srso", "'srso' is not axis=value; axes: profile, ops, match, progs, bpf, lookup, bpf-prog")]
    [InlineData("direct/2/empty/throughput/profile=srso/profile=srso", "axis 'profile' appears twice")]
    [InlineData("direct-call/2/empty/throughput/profile=calldepth", "cannot use profile calldepth")]
    [InlineData("min-regs/2/empty/throughput/bpf-prog=counter", "strategy min-regs has no kernel probe to run BPF program counter on; valid for it: bpf-prog=none")]
    [InlineData("uprobe-nop5/2/empty/throughput/bpf-prog=jit", "unknown BPF program 'jit'; valid: none, empty, counter")]
    [InlineData("uprobe-nop5/2/counter/throughput", "refuses handler counter: the kernel runs the probe")]
    [InlineData("uprobe-trap/2/empty/throughput/profile=srso", "strategy uprobe-trap cannot use profile srso: the mitigations on a kernel probe's path are the running kernel's own")]
    [InlineData("uprobe-nop5/2/empty/throughput/bpf-prog=empty/bpf-prog=counter", "axis 'bpf-prog' appears twice")]
    [InlineData("uprobe-nop5/2/empty/throughput/bpf=bpf-6.18", "progs, bpf and lookup apply to direct")]
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
            Assert.Equal(key.Text, CellKey.Format("direct-fexit-jmp", 2, "empty", "throughput", (CellKey.ProfileAxis, profile.Name)));
        }

        Assert.Equal(none.Text, CellKey.Format("direct-fexit-jmp", 2, "empty", "throughput", (CellKey.ProfileAxis, "none")));
        Assert.NotEqual(none, none with { Profile = MitigationProfiles.Srso });
    }

    [Fact]
    public void A_bpf_program_is_written_only_when_it_is_not_none_as_the_last_axis_and_round_trips()
    {
        foreach (var strategy in StrategyCatalog.KernelProbes)
        foreach (var program in HookBench.Uprobes.ProbePrograms.All)
        {
            var key = new CellKey(strategy, 2, HandlerKind.Empty, MeasurementMode.Latency) { BpfProgram = program };
            string expected = program == HookBench.Uprobes.ProbeProgram.None
                ? $"{strategy.Name}/2/empty/latency"
                : $"{strategy.Name}/2/empty/latency/bpf-prog={program.Name()}";
            Assert.Equal(expected, key.Text);
            Assert.True(CellKey.TryParse(key.Text, out var parsed, out string? error), error);
            Assert.Equal(key, parsed);
            Assert.Equal(key.Text, CellKey.Format(strategy.Name, 2, "empty", "latency", (CellKey.ProfileAxis, "none"), (CellKey.BpfProgramAxis, program.Name())));
            Assert.Equal(program, key.HookSet(HookBench.Abi.CallingConvention.SysV).Program);
        }

        // A user-space key with a profile keeps its text; bpf-prog=none is never written, and it is not the BPF trampoline's bpf axis.
        Assert.Equal("direct/2/empty/throughput/profile=srso", CellKey.Format("direct", 2, "empty", "throughput", (CellKey.ProfileAxis, "srso"), (CellKey.BpfProgramAxis, "none")));
        Assert.NotEqual(CellKey.BpfProgramAxis, HookBench.Cells.Attachment.BpfAxis);
    }

    [Fact]
    public void The_quick_matrix_has_the_nop5_trap_and_return_probes_at_2_args_and_publish_has_the_whole_ladder()
    {
        var kernel = RunPlan.Quick().Where(c => c.Strategy.IsKernelProbe).Select(c => c.Key.Text).ToList();
        Assert.Equal(["uprobe-nop5/2/empty/throughput", "uprobe-trap/2/empty/throughput", "uretprobe/2/empty/throughput"], kernel);
        var ladder = RunPlan.Ladder();
        Assert.Equal(StrategyCatalog.KernelProbes.Count * 3, ladder.Count(c => c.Strategy.IsKernelProbe));
        Assert.Contains(ladder, c => c.Key.Text == "uprobe-sstep/2/empty/throughput/bpf-prog=counter");
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
        Assert.Equal("ops-list/2/empty/throughput/profile=host/ops=8", host.Single(c => c.Strategy == StrategyCatalog.OpsList).Key.Text);   // ops-list at its K = 8
        Assert.Equal(RunPlan.Quick().Count, RunPlan.Quick().Select(c => c.Key.Text).Distinct().Count());
        Assert.Subset(RunPlan.Publish().Select(c => c.Key.Text).ToHashSet(), RunPlan.Mitigations().Select(c => c.Key.Text).ToHashSet());
    }
}

/// <summary>The attachment axes (ops, match, progs, bpf, lookup) in keys: written only when not default, parsed back, refused with reasons.</summary>
public class AttachmentKeyTests
{
    [Theory]
    [InlineData("ops-list/2/empty/throughput/ops=8/match=0.125")]
    [InlineData("ops-list/2/args/serialized/ops=32")]
    [InlineData("ops-list/0/counter/throughput/match=0")]
    [InlineData("direct/2/empty/throughput/progs=38")]
    [InlineData("direct/2/empty/throughput/bpf=bpf-6.18+stats")]
    [InlineData("direct/6/args/latency/progs=4/bpf=bpf-6.17/lookup=hash")]
    [InlineData("direct/2/empty/throughput/lookup=padding")]
    [InlineData("ops-list/2/empty/throughput/profile=retpoline/ops=8/match=0.125")]
    [InlineData("direct/2/counter/latency/profile=all/progs=3/bpf=bpf-6.18+stats/lookup=hash")]
    [InlineData("ops-list/0/empty/serialized/profile=host/match=0")]
    public void Attached_keys_round_trip_through_their_text(string text)
    {
        Assert.True(CellKey.TryParse(text, out var key, out string? error), error);
        Assert.Equal(text, key!.Text);
        Assert.True(CellKey.TryParse(key.Text, out var again, out _));
        Assert.Equal(key, again);
    }

    [Fact]
    public void Default_axes_are_not_written_so_older_keys_read_as_before()
    {
        var key = new CellKey(StrategyCatalog.Direct, 2, HandlerKind.Empty, MeasurementMode.Throughput)
        {
            Attach = new Attachment { Progs = 1, Bpf = HookBench.Bpf.BpfProfile.Thread2019 },
        };
        Assert.Equal("direct/2/empty/throughput", key.Text);
        Assert.True(CellKey.TryParse("ops-list/2/empty/throughput/ops=1/match=1", out var written, out _));
        Assert.Equal("ops-list/2/empty/throughput", written!.Text);
        Assert.Equal("/ops=8/match=0.5", Attachment.SuffixOf(8, 0.50m, null, null, null));
        Assert.Equal(string.Empty, Attachment.SuffixOf(1, 1m, 1, "bpf-2019", "const"));
    }

    [Theory]
    [InlineData("min-regs/2/empty/throughput/ops=8", "ops and match apply to ops-list only; strategy min-regs takes ops=1, match=1")]
    [InlineData("ops-list/2/empty/throughput/progs=2", "progs, bpf and lookup apply to direct only")]
    [InlineData("direct-fexit/2/empty/throughput/bpf=bpf-6.18", "apply to direct only; strategy direct-fexit takes progs=1, bpf=bpf-2019, lookup=const")]
    [InlineData("ops-list/2/empty/throughput/ops=8/match=0.3", "match 0.3 of 8 ops is 2.4 ops; pick a fraction that makes ops × match whole (e.g. 0.125 for one op)")]
    [InlineData("ops-list/2/empty/throughput/ops=65", "ops must be an integer in 1..64; got '65'")]
    [InlineData("ops-list/2/empty/throughput/match=1.5", "match must be a fraction in 0..1")]
    [InlineData("direct/2/empty/throughput/progs=39", "progs must be an integer in 1..38; got '39'")]
    [InlineData("direct/2/empty/throughput/bpf=bpf-5.5", "unknown bpf profile 'bpf-5.5'; valid: bpf-2019, bpf-6.17, bpf-6.18, bpf-6.18+stats")]
    [InlineData("direct/2/empty/throughput/lookup=rhashtable", "unknown lookup 'rhashtable'; valid: const, hash, padding")]
    [InlineData("direct/2/empty/throughput/colour=blue", "unknown axis 'colour'; valid: profile, ops, match, progs, bpf, lookup")]
    [InlineData("ops-list/2/empty/throughput/ops=8/ops=4", "axis 'ops' appears twice")]
    [InlineData("direct-fexit-jmp/2/empty/throughput/profile=srso/progs=2", "apply to direct only; strategy direct-fexit-jmp takes progs=1")]
    [InlineData("direct-fmodret/2/empty/throughput/bpf=bpf-6.18", "apply to direct only; strategy direct-fmodret takes progs=1")]
    [InlineData("direct/2/empty/throughput/progs", "'progs' is not axis=value")]
    public void Bad_attachments_are_refused_with_a_reason_naming_what_is_valid(string text, string reason)
    {
        Assert.False(CellKey.TryParse(text, out _, out string? error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Every_profile_and_attachment_combination_round_trips_in_one_fixed_order()
    {
        IReadOnlyList<Attachment> shapes =
        [
            .. HookBench.Validation.ValidationCases.Shapes(StrategyCatalog.OpsList),
            .. HookBench.Validation.ValidationCases.Shapes(StrategyCatalog.Direct),
        ];
        int checkedKeys = 0;
        foreach (var profile in MitigationProfiles.Every)
        foreach (var attach in shapes)
        foreach (var strategy in new[] { StrategyCatalog.OpsList, StrategyCatalog.Direct })
        {
            var key = new CellKey(strategy, 2, HandlerKind.Empty, MeasurementMode.Throughput) { Profile = profile, Attach = attach };
            if (!key.TryValidate(out _))
                continue;
            checkedKeys++;
            Assert.True(CellKey.TryParse(key.Text, out var parsed, out string? error), error);
            Assert.Equal(key, parsed);
            Assert.Equal(key.Text, parsed!.Text);
            // The profile term, when written, comes before every attachment term; defaults are never written.
            Assert.Equal(profile.Name == "none" ? attach.For(strategy).Suffix : $"/profile={profile.Name}{attach.For(strategy).Suffix}",
                key.Text[(strategy.Name.Length + "/2/empty/throughput".Length)..]);
            Assert.DoesNotContain("profile=none", key.Text, StringComparison.Ordinal);
        }

        Assert.True(checkedKeys > 100);
    }

    [Fact]
    public void Format_writes_the_terms_in_key_order_whatever_order_they_come_in()
    {
        Assert.Equal("ops-list/2/empty/throughput/profile=srso/ops=8/match=0.125",
            CellKey.Format("ops-list", 2, "empty", "throughput", ("match", "0.125"), ("ops", "8"), (CellKey.ProfileAxis, "srso")));
        Assert.Equal("direct/2/empty/throughput/progs=4",
            CellKey.Format("direct", 2, "empty", "throughput", [(CellKey.ProfileAxis, "none"), .. Attachment.TermsOf(null, null, 4, "bpf-2019", "const")]));
        Assert.True(CellKey.TryParse("ops-list/2/empty/throughput/ops=8/profile=srso", out var reordered, out _));
        Assert.Equal("ops-list/2/empty/throughput/profile=srso/ops=8", reordered!.Text);     // parsed in any order, written in one
        Assert.Equal(["profile", "ops", "match", "progs", "bpf", "lookup", "bpf-prog"], CellKey.AxisNames);
        Assert.Throws<ArgumentException>(() => CellKey.Format("direct", 2, "empty", "throughput", ("colour", "blue")));
    }

    [Fact]
    public void A_selection_keeps_for_each_strategy_only_the_axes_it_takes()
    {
        IReadOnlyList<Attachment> attachments = [new() { Ops = 1 }, new() { Ops = 8 }, new() { Progs = 4, Bpf = HookBench.Bpf.BpfProfile.Linux618 }];
        var cells = HookBench.Measurement.RunPlan.Select(
            [StrategyCatalog.MinRegs, StrategyCatalog.OpsList, StrategyCatalog.Direct], [2], [HandlerKind.Empty], [MeasurementMode.Throughput],
            out var skipped, attachments);
        Assert.Empty(skipped);
        Assert.Equal(
            ["min-regs/2/empty/throughput", "ops-list/2/empty/throughput", "ops-list/2/empty/throughput/ops=8",
             "direct/2/empty/throughput", "direct/2/empty/throughput/progs=4/bpf=bpf-6.18"],
            cells.Select(c => c.Key.Text));
    }

    [Fact]
    public void The_quick_matrix_adds_ops_list_at_k_8_and_direct_under_linux_6_18()
    {
        var keys = HookBench.Measurement.RunPlan.Quick().Select(c => c.Key.Text).ToList();
        Assert.Contains("ops-list/2/empty/throughput/ops=8", keys);
        Assert.Contains("ops-list/2/empty/throughput/ops=8/match=0.125", keys);
        Assert.Contains("direct/2/empty/throughput/bpf=bpf-6.18", keys);
        Assert.Contains("ops-list/2/empty/throughput/profile=host/ops=8", keys);
        Assert.Equal(3, keys.Count(k => k.StartsWith("ops-list", StringComparison.Ordinal)));
        Assert.Single(keys, k => k.Contains("bpf=", StringComparison.Ordinal));
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }
}
