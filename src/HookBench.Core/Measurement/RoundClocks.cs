using System.Diagnostics;
using HookBench.Results;
using HookBench.Statistics;

namespace HookBench.Measurement;

/// <summary>
/// Numbers a run's rounds and reads the core clock at the start of each (about a millisecond per round), so
/// every repetition can be converted to cycles at the clock of its own round.
/// </summary>
public sealed class RoundClocks : IDisposable
{
    readonly ClockCalibration _probe = ClockCalibration.Create();
    readonly double _tscHz;
    readonly Stopwatch _since = Stopwatch.StartNew();
    readonly List<RoundClock> _rounds = [];

    public RoundClocks(double tscHz)
    {
        _tscHz = tscHz;
        _probe.Warm();
    }

    public int Count => _rounds.Count;

    /// <summary>Starts the next round: reads the clock and returns the round's number (0, 1, …).</summary>
    public int Begin()
    {
        var reading = _probe.Read(_tscHz);
        int round = _rounds.Count;
        _rounds.Add(new RoundClock(round, Math.Round(_since.Elapsed.TotalSeconds, 3), reading.CoreHz, reading.ImulRatio));
        return round;
    }

    public CoreClockSummary Summary()
    {
        double[] hz = [.. _rounds.Select(r => r.CoreHz).Where(double.IsFinite)];
        double[] ratio = [.. _rounds.Select(r => r.ImulRatio).Where(double.IsFinite)];
        return new CoreClockSummary
        {
            CoreHz = hz.Length == 0 ? Estimate.PointOnly(double.NaN) : RobustStatistics.Median(hz),
            ImulRatio = ratio.Length == 0 ? Estimate.PointOnly(double.NaN) : RobustStatistics.Median(ratio),
            Method = "every round: dependent add rax, rdx chain (1 cycle per add) timed at N and 2N iterations against the TSC, median of 7; "
                + "imul_ratio = dependent imul rax, rdx time over add time (3 if the add chain is not eliminated)",
            Rounds = [.. _rounds],
        };
    }

    public void Dispose() => _probe.Dispose();
}
