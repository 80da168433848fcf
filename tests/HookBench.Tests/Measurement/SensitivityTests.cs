using HookBench.Cells;
using HookBench.Comparison;
using HookBench.Handlers;
using HookBench.Measurement;
using HookBench.Measurement.Interference;
using HookBench.Strategies;
using Xunit;

namespace HookBench.Tests.Measurement;

[Collection(TimingCollection.Name)]
public class SensitivityTests
{
    [Fact]
    public void A_large_injected_cost_reaches_the_measured_code_and_is_flagged_on_the_target_only()
    {
        var target = new CellSpec(StrategyCatalog.MinRegs, 2, HandlerKind.Empty, MeasurementMode.Serialized);
        // 12 rounds, and a precision target no cell misses, so the cells are gated even on a loaded machine:
        // this test is about the injected cost reaching the code, not about this machine's precision.
        var settings = new MeasurementSettings
        {
            Reps = 48, MeasurementTime = TimeSpan.FromMilliseconds(0.3), Precision = new PrecisionTarget(AbsoluteNs: 1000, Relative: 1, Margin: 1),
        };
        // 64 dependent cycles are ~15 ns on any current core: generous enough for a noisy CI machine.
        var result = Sensitivity.Run(target, [new CellSpec(StrategyCatalog.None, 2, HandlerKind.Empty, MeasurementMode.Serialized)],
            [64], settings, () => new NoInterferenceMonitor(), new Thresholds());
        var step = Assert.Single(result.Steps);
        Assert.Equal(Verdict.Slower, step.Target.Verdict);
        Assert.True(step.Target.Shift!.Median > 12, $"shift {step.Target.Shift.Median:F2} cycles");
        Assert.Equal(64, result.SmallestDetected);
        Assert.DoesNotContain(step.Flagged, f => f.StartsWith("none/", StringComparison.Ordinal));
    }

    [Fact]
    public void Strategies_without_a_trampoline_cannot_be_slowed_down()
    {
        var target = new CellSpec(StrategyCatalog.DirectCall, 2, HandlerKind.Empty, MeasurementMode.Serialized);
        var error = Assert.Throws<UsageException>(() => Sensitivity.Run(target, [], [1], new MeasurementSettings(), () => new NoInterferenceMonitor(), new Thresholds()));
        Assert.Contains("has no trampoline", error.Message);
    }
}
