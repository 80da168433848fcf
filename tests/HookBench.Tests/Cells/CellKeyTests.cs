using HookBench.Cells;
using HookBench.Handlers;
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
    [InlineData("direct/2/empty/throughput/speed=3", "'speed=3' is not one axis=value term; valid axes, each at most once: profile, functions, caller")]
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
    [InlineData("direct/2/empty/throughput/srso", "'srso' is not one axis=value term; valid axes, each at most once: profile, functions, caller")]
    [InlineData("direct-call/2/empty/throughput/profile=calldepth", "cannot use profile calldepth")]
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
    public void The_quick_matrix_adds_every_strategy_at_2_args_under_the_host_profile()
    {
        var host = RunPlan.Quick().Where(c => c.Profile.Name == "host").ToList();
        Assert.Equal(StrategyCatalog.All.Where(s => s.RefusesProfile(MitigationProfiles.Host) is null).Select(s => s.Name), host.Select(c => c.Strategy.Name));
        Assert.All(host, c => Assert.True(c.ArgCount == 2 && c.Handler == HandlerKind.Empty && c.Mode == MeasurementMode.Throughput));
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
        Assert.Equal(["profile", "functions", "caller"], CellKeyTerms.All.Select(t => t.Axis));
        Assert.Throws<ArgumentException>(() => CellKey.Format("min-regs", 2, "empty", "throughput", ("sideways", "1")));
    }

    [Theory]
    [InlineData("min-regs/2/empty/throughput/profile=ibt/profile=ibt", "'profile=ibt' is not one axis=value term; valid axes, each at most once: profile, functions, caller")]
    [InlineData("min-regs/2/empty/throughput/colour=red", "'colour=red' is not one axis=value term; valid axes, each at most once: profile, functions, caller")]
    [InlineData("min-regs/2/empty/throughput/functions=16/profile=ibt", "profile ibt is not built for several functions (functions=16); valid with functions > 1: profile none")]
    public void Bad_axis_terms_and_profiles_with_several_functions_are_refused_in_one_line(string text, string reason)
    {
        Assert.False(CellKey.TryParse(text, out _, out string? error));
        Assert.EndsWith(reason, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error!);
    }
}
