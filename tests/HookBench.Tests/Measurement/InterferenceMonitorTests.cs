using System.Diagnostics;
using HookBench.Measurement.Interference;
using Xunit;

namespace HookBench.Tests.Measurement;

[Collection(TimingCollection.Name)]
public class InterferenceMonitorTests
{
    [Fact]
    public void A_garbage_collection_forced_during_a_measurement_window_is_seen_in_that_window()
    {
        using var monitor = new EventPipeInterferenceMonitor();
        monitor.Start();
        Thread.Sleep(300);                                   // let the session come up

        Spin(TimeSpan.FromMilliseconds(20));
        long gcStart = Stopwatch.GetTimestamp();
        Spin(TimeSpan.FromMilliseconds(10));
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        Spin(TimeSpan.FromMilliseconds(10));
        long gcEnd = Stopwatch.GetTimestamp();

        Thread.Sleep(200);
        var events = monitor.Stop();
        // The forced collection is found inside the window it happened in: the event clock and the
        // measurement clock line up. (Other tests may allocate meanwhile, so quiet windows are not asserted.)
        Assert.Contains(events, e => e.Kind.StartsWith("gc", StringComparison.Ordinal) && e.Start >= gcStart && e.End <= gcEnd);
        Assert.All(events, e => Assert.True(e.Start <= e.End));
    }

    static void Spin(TimeSpan duration)
    {
        long until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
        }
    }
}
