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

    /// <summary>
    /// The published run's budget. Its 266 cells take about 2 s a round, so 20 s stopped every cell at the 12 rounds
    /// of <see cref="MinReps"/>, and with every round on its own placement 69 of them (26%) missed the 0.1 ns goal by
    /// a few hundredths and went out of gating. Cells that meet their goal stop early; only the others use the time.
    /// </summary>
    public static TimeSpan PublishBudget { get; } = TimeSpan.FromMinutes(3);

    /// <summary>The overhead's 95% interval half-width an adaptive run aims for.</summary>
    public PrecisionTarget Precision { get; init; } = PrecisionTarget.Default;

    /// <summary>Target length of one hooked measurement.</summary>
    public TimeSpan MeasurementTime { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Kernel-probe cells: target length of one hooked measurement. Their calls take 0.1–10 µs, so a
    /// measurement of fewer calls still averages over hundreds, and more repetitions fit in the same time.
    /// </summary>
    public TimeSpan KernelMeasurementTime { get; init; } = TimeSpan.FromMilliseconds(0.25);

    /// <summary>
    /// Kernel-probe cells: the overhead's interval goal, relative only. A trap or system call costs hundreds of
    /// ns and varies with the kernel's own state, so an absolute 0.1 ns goal would never be met.
    /// </summary>
    public PrecisionTarget KernelPrecision { get; init; } = PrecisionTarget.KernelDefault;

    /// <summary>Kernel-probe cells: first hits timed, each on a fresh copy of the target with a fresh probe (the measured copy's included).</summary>
    public int FirstHitSamples { get; init; } = 7;

    /// <summary>The precision goal of <paramref name="cell"/>: <see cref="KernelPrecision"/> for kernel probes, else <see cref="Precision"/>.</summary>
    public PrecisionTarget PrecisionFor(CellSpec cell) => cell.Strategy.IsKernelProbe ? KernelPrecision : Precision;

    /// <summary>Seed of the cell-order shuffle (recorded, so a run can be repeated in the same order).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Each round on a freshly emitted placement of the cell's code (the default), or every round on the first
    /// one (the earlier design, whose intervals could not see a placement's aliasing; for comparisons). Kernel
    /// probes always keep one placement: a fresh one would need a fresh probe (a probed page is a private copy for
    /// good), about 100 ms of the kernel's grace periods per round, to move a cost of hundreds of nanoseconds by
    /// a placement's fraction of one.
    /// </summary>
    public bool FreshPlacements { get; init; } = true;

    /// <summary>CPU to pin the measuring thread to; null = the last CPU the process may use.</summary>
    public int? Cpu { get; init; }
}
