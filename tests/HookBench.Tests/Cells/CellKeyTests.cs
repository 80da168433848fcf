using HookBench.Cells;
using HookBench.Handlers;
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
}
