using HookBench.Statistics;

namespace HookBench.Results;

/// <summary>
/// The core clock as the run saw it, read at the start of every round (summary.json <c>clock</c>). Cycle
/// figures convert each repetition with its own round's reading, so a clock that moved during the run or
/// between runs moves the ns figures but not the cycles.
/// </summary>
public sealed record CoreClockSummary
{
    /// <summary>Core cycles per second over the rounds (median of the readings, sign-test interval).</summary>
    public required Estimate CoreHz { get; init; }

    /// <summary>
    /// Dependent <c>imul</c> time over dependent <c>add</c> time: 3 when the add chain runs at one cycle per add
    /// (the imul's latency is 3 on every x86-64 core). Its spread is the clock reading's own uncertainty.
    /// </summary>
    public required Estimate ImulRatio { get; init; }

    /// <summary>How the clock was read.</summary>
    public required string Method { get; init; }

    public required IReadOnlyList<RoundClock> Rounds { get; init; }
}

/// <summary>One round's core clock reading; <see cref="AtSeconds"/> counts from the start of measuring.</summary>
public sealed record RoundClock(int Round, double AtSeconds, double CoreHz, double ImulRatio);
