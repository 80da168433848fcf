namespace HookBench.Measurement;

/// <summary>How hard to measure.</summary>
public sealed record MeasurementSettings
{
    /// <summary>Fixed repetitions per cell, or null to repeat until the overhead is precise (see <see cref="Precision"/>).</summary>
    public int? Reps { get; init; }

    /// <summary>
    /// Adaptive runs take at least this many repetitions: 12 rounds of <see cref="BatchSize"/>, so every cell has
    /// 12 clusters (rounds on their own placements), comfortably above the 6 a 95% signed-rank interval needs.
    /// </summary>
    public int MinReps { get; init; } = 48;

    /// <summary>Adaptive runs stop here even if the interval is still wide (the cell is then reported as imprecise).</summary>
    public int MaxReps { get; init; } = 400;

    /// <summary>
    /// Repetitions a cell gets per round, on one placement; rounds spread every cell's repetitions over the whole
    /// run. Small, because the interval counts rounds (clusters), not repetitions.
    /// </summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>Adaptive runs start no new round after this long.</summary>
    public TimeSpan RunBudget { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The overhead's 95% interval half-width an adaptive run aims for.</summary>
    public PrecisionTarget Precision { get; init; } = PrecisionTarget.Default;

    /// <summary>Target length of one hooked measurement.</summary>
    public TimeSpan MeasurementTime { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Seed of the cell-order shuffle (recorded, so a run can be repeated in the same order).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Each round on a freshly emitted placement of the cell's code (the default), or every round on the first
    /// one (the earlier design, whose intervals could not see a placement's aliasing; for comparisons).
    /// </summary>
    public bool FreshPlacements { get; init; } = true;

    /// <summary>CPU to pin the measuring thread to; null = the last CPU the process may use.</summary>
    public int? Cpu { get; init; }
}
