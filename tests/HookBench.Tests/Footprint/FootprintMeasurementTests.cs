using HookBench.Cells;
using HookBench.Handlers;
using HookBench.Measurement;
using HookBench.Strategies;
using HookBench.Tests.Measurement;
using Xunit;

namespace HookBench.Tests.Footprint;

[Collection(TimingCollection.Name)]
public class FootprintMeasurementTests
{
    [Fact]
    public void A_footprint_cell_is_measured_per_call_and_reports_its_pass()
    {
        var clocks = ClockCalibration.Calibrate(TimeSpan.FromMilliseconds(60));
        var settings = new MeasurementSettings { Reps = 5, MeasurementTime = TimeSpan.FromMilliseconds(0.3) };
        var key = new CellKey(StrategyCatalog.MinRegs, 2, HandlerKind.Empty, MeasurementMode.Throughput) { Functions = 4096 };
        var started = System.Diagnostics.Stopwatch.StartNew();
        var samples = CellRunner.Run(new CellSpec(key), settings, clocks);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"{started.Elapsed}");
        Assert.Equal(5, samples.Reps.Count);
        Assert.Equal(0UL, samples.CallsPerMeasurement % 4096);
        var footprint = samples.Code!.Footprint!;
        Assert.Equal(4096, footprint.CallsPerPass);
        Assert.True(footprint.HookInstructionsPerPass > 4096 * 40, $"{footprint.HookInstructionsPerPass}");
        Assert.Equal(4096 * 32 + 8 * 4096, footprint.LookupDataBytes);
        var result = CellStatistics.Summarize(samples, clocks, []);
        Assert.Equal(4096, result.Functions);
        Assert.Equal("min-regs/2/empty/throughput/functions=4096", result.Key);
        Assert.True(result.HookInstructions > 40, $"{result.HookInstructions}");
    }
}
