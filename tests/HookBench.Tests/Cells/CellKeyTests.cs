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

    [Fact]
    public void Keys_with_axis_terms_round_trip_and_name_only_axes_off_their_default()
    {
        var plain = new CellKey(StrategyCatalog.MinRegs, 2, HandlerKind.Empty, MeasurementMode.Throughput);
        Assert.Equal("min-regs/2/empty/throughput", (plain with { Functions = 1, Caller = CallerContext.Unrolled }).Text);
        Assert.Equal("min-regs/2/empty/throughput/functions=256", (plain with { Functions = 256 }).Text);
        Assert.Equal("min-regs/2/empty/throughput/caller=rolled", (plain with { Caller = CallerContext.Rolled }).Text);
        Assert.Equal("min-regs/2/empty/throughput/functions=16/caller=busy", (plain with { Functions = 16, Caller = CallerContext.Busy }).Text);

        int valid = 0;
        foreach (var strategy in StrategyCatalog.All)
        foreach (var mode in MeasurementModes.All)
        foreach (var caller in CallerContexts.All)
        foreach (int functions in new[] { 1, 2, 16, 4096, HookBench.Footprint.FootprintBudget.MaxFunctions })
        {
            var key = new CellKey(strategy, 2, HandlerKind.Counter, mode) { Functions = functions, Caller = caller };
            if (!key.TryValidate(out _))
                continue;
            valid++;
            Assert.True(CellKey.TryParse(key.Text, out var parsed, out string? error), error);
            Assert.Equal(key, parsed);
        }

        Assert.True(valid > 150, $"{valid} valid keys");
        Assert.True(CellKey.TryParse("direct/2/empty/throughput/caller=busy/functions=16", out var reordered, out _));
        Assert.Equal("direct/2/empty/throughput/functions=16/caller=busy", reordered!.Text);
    }

    [Fact]
    public void A_result_row_keys_itself_with_the_same_terms()
    {
        var key = new CellKey(StrategyCatalog.Direct, 2, HandlerKind.Empty, MeasurementMode.Throughput) { Functions = 4096, Caller = CallerContext.Busy };
        var row = HookBench.Tests.Results.SummaryFilesTests.Sample(("direct", 2.0)).Cells[0] with { Functions = 4096, Caller = "busy" };
        Assert.Equal(key.Text, row.Key);
        Assert.Equal("direct/2/empty/throughput", HookBench.Tests.Results.SummaryFilesTests.Sample(("direct", 2.0)).Cells[0].Key);
    }

    [Theory]
    [InlineData("min-regs/2/empty/throughput/functions=0", "functions must be an integer in 1..2581031; got '0'")]
    [InlineData("min-regs/2/empty/throughput/functions=many", "functions must be an integer in 1..2581031; got 'many'")]
    [InlineData("min-regs/2/empty/throughput/functions=3000000", "functions: 3000000 functions need 2.3 GiB of code and data in one arena, beyond the 2 GiB that rel32 calls reach across; valid: 1..2581031")]
    [InlineData("min-regs/2/empty/throughput/caller=sideways", "unknown caller 'sideways'; valid: unrolled, rolled, busy")]
    [InlineData("min-regs/2/empty/throughput/caller=serialized", "caller 'serialized' is the measurement mode of that name: use --mode serialized (it applies to every caller); valid callers: unrolled, rolled, busy")]
    [InlineData("ipmodify-min/2/empty/throughput/functions=16", "strategy ipmodify-min redirects each call to its own livepatch replacement, which a footprint set does not emit; valid with functions > 1: none, full-regs, min-regs, direct, direct-fexit, direct-fexit-jmp, direct-fmodret, direct-fmodret-jmp, direct-call")]
    [InlineData("direct/2/empty/throughput/functions=16/caller=rolled", "caller rolled calls one function from one call site")]
    [InlineData("direct/2/empty/throughput/speed=3", "'speed=3' is not one axis=value term; valid axes, each at most once: profile, functions, caller, ops, match, progs, bpf, lookup, bpf-prog")]
    [InlineData("direct/2/empty/throughput/functions=2/functions=2", "valid axes, each at most once")]
    public void Invalid_axis_terms_are_refused_with_a_reason_naming_what_is_valid(string text, string reason)
    {
        Assert.False(CellKey.TryParse(text, out _, out string? error));
        Assert.Contains(reason, error);
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
    [InlineData("direct/2/empty/throughput/srso", "'srso' is not one axis=value term; valid axes, each at most once: profile, functions, caller, ops, match, progs, bpf, lookup, bpf-prog")]
    [InlineData("direct-call/2/empty/throughput/profile=calldepth", "cannot use profile calldepth")]
    [InlineData("min-regs/2/empty/throughput/bpf-prog=counter", "strategy min-regs has no kernel probe to run BPF program counter on; valid for it: bpf-prog=none")]
    [InlineData("uprobe-nop5/2/empty/throughput/bpf-prog=jit", "unknown BPF program 'jit'; valid: none, empty, counter")]
    [InlineData("uprobe-nop5/2/counter/throughput", "refuses handler counter: the kernel runs the probe")]
    [InlineData("uprobe-trap/2/empty/throughput/profile=srso", "strategy uprobe-trap cannot use profile srso: the mitigations on a kernel probe's path are the running kernel's own")]
    [InlineData("uprobe-nop5/2/empty/throughput/bpf-prog=empty/bpf-prog=counter", "'bpf-prog=counter' is not one axis=value term")]
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
            Assert.Equal(key.Text, CellKey.Format("direct-fexit-jmp", 2, "empty", "throughput", (CellKeyTerms.Profile, profile.Name)));
        }

        Assert.Equal(none.Text, CellKey.Format("direct-fexit-jmp", 2, "empty", "throughput", (CellKeyTerms.Profile, "none")));
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
            Assert.Equal(key.Text, CellKey.Format(strategy.Name, 2, "empty", "latency", (CellKeyTerms.Profile, "none"), (CellKeyTerms.BpfProgram, program.Name())));
            Assert.Equal(program, key.HookSet(HookBench.Abi.CallingConvention.SysV).Program);
        }

        // A user-space key with a profile keeps its text; bpf-prog=none is never written, and it is not the BPF trampoline's bpf axis.
        Assert.Equal("direct/2/empty/throughput/profile=srso", CellKey.Format("direct", 2, "empty", "throughput", (CellKeyTerms.Profile, "srso"), (CellKeyTerms.BpfProgram, "none")));
        Assert.NotEqual(CellKeyTerms.BpfProgram, HookBench.Cells.Attachment.BpfAxis);
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

    [Fact]
    public void Optional_axes_are_written_in_the_tables_order_whatever_order_they_are_given_or_parsed_in()
    {
        var key = new CellKey(StrategyCatalog.MinRegs, 2, HandlerKind.Empty, MeasurementMode.Throughput) { Profile = MitigationProfiles.Ibt, Caller = CallerContext.Busy };
        Assert.Equal("min-regs/2/empty/throughput/profile=ibt/caller=busy", key.Text);
        Assert.Equal(key.Text, CellKey.Format("min-regs", 2, "empty", "throughput", (CellKeyTerms.Caller, "busy"), (CellKeyTerms.Functions, "1"), (CellKeyTerms.Profile, "ibt")));
        Assert.True(CellKey.TryParse("min-regs/2/empty/throughput/caller=busy/profile=ibt", out var parsed, out string? error), error);
        Assert.Equal(key, parsed);
        Assert.Equal(["profile", "functions", "caller", "ops", "match", "progs", "bpf", "lookup", "bpf-prog"], CellKeyTerms.Axes);
        Assert.Throws<ArgumentException>(() => CellKey.Format("min-regs", 2, "empty", "throughput", ("sideways", "1")));
    }

    [Theory]
    [InlineData("min-regs/2/empty/throughput/profile=ibt/profile=ibt", "'profile=ibt' is not one axis=value term; valid axes, each at most once: profile, functions, caller, ops, match, progs, bpf, lookup, bpf-prog")]
    [InlineData("min-regs/2/empty/throughput/colour=red", "'colour=red' is not one axis=value term; valid axes, each at most once: profile, functions, caller, ops, match, progs, bpf, lookup, bpf-prog")]
    [InlineData("direct/2/empty/throughput/functions=16/progs=4", "progs=4 is not built for several functions (functions=16); valid with functions > 1: the default attachment (no ops/match/progs/bpf/lookup term)")]
    [InlineData("min-regs/2/empty/throughput/functions=16/profile=ibt", "profile ibt is not built for several functions (functions=16); valid with functions > 1: profile none")]
    public void Bad_axis_terms_and_profiles_with_several_functions_are_refused_in_one_line(string text, string reason)
    {
        Assert.False(CellKey.TryParse(text, out _, out string? error));
        Assert.EndsWith(reason, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error!);
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
    [InlineData("direct/2/empty/throughput/colour=blue", "'colour=blue' is not one axis=value term; valid axes, each at most once: profile, functions, caller, ops, match, progs, bpf, lookup, bpf-prog")]
    [InlineData("ops-list/2/empty/throughput/ops=8/ops=4", "'ops=4' is not one axis=value term; valid axes, each at most once")]
    [InlineData("direct-fexit-jmp/2/empty/throughput/profile=srso/progs=2", "apply to direct only; strategy direct-fexit-jmp takes progs=1")]
    [InlineData("direct-fmodret/2/empty/throughput/bpf=bpf-6.18", "apply to direct only; strategy direct-fmodret takes progs=1")]
    [InlineData("direct/2/empty/throughput/progs", "'progs' is not one axis=value term")]
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
            CellKey.Format("ops-list", 2, "empty", "throughput", ("match", "0.125"), ("ops", "8"), (CellKeyTerms.Profile, "srso")));
        Assert.Equal("direct/2/empty/throughput/progs=4",
            CellKey.Format("direct", 2, "empty", "throughput", [(CellKeyTerms.Profile, "none"), .. Attachment.TermsOf(null, null, 4, "bpf-2019", "const")]));
        Assert.True(CellKey.TryParse("ops-list/2/empty/throughput/ops=8/profile=srso", out var reordered, out _));
        Assert.Equal("ops-list/2/empty/throughput/profile=srso/ops=8", reordered!.Text);     // parsed in any order, written in one
        Assert.True(CellKey.TryParse("ops-list/2/empty/throughput/ops=8/caller=busy/profile=srso", out var mixed, out string? error), error);
        Assert.Equal("ops-list/2/empty/throughput/profile=srso/caller=busy/ops=8", mixed!.Text);  // both sides' axes in the one table's order
        Assert.Equal(mixed.Text, CellKey.Format("ops-list", 2, "empty", "throughput", ("ops", "8"), (CellKeyTerms.Caller, "busy"), (CellKeyTerms.Functions, "1"), (CellKeyTerms.Profile, "srso")));
        Assert.Equal(["profile", "functions", "caller", "ops", "match", "progs", "bpf", "lookup", "bpf-prog"], CellKeyTerms.Axes);
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
        Assert.Equal(3, keys.Count(k => k.StartsWith("ops-list", StringComparison.Ordinal) && k.Contains("ops=8", StringComparison.Ordinal)));
        Assert.Single(keys, k => k.Contains("bpf=", StringComparison.Ordinal));
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }
}
