namespace HookBench.Patching.Latency;

/// <summary>What <see cref="PatchLatency"/> measures: patchers × batch sizes, repetitions, and how many callers run meanwhile.</summary>
public sealed record PatchLatencySettings
{
    public static IReadOnlyList<int> DefaultSizes { get; } = [1, 16, 256, 4096];

    public const int MaxSites = 4096;

    public IReadOnlyList<LivePatcher> Patchers { get; init; } = [LivePatchers.Int3, LivePatchers.Batch, LivePatchers.Atomic];

    public IReadOnlyList<int> Sizes { get; init; } = DefaultSizes;

    /// <summary>Attach + detach pairs per patcher and size (after one warm-up pair).</summary>
    public int Reps { get; init; } = 15;

    /// <summary>
    /// Threads calling farm sites meanwhile. A core sync only interrupts CPUs running a thread of this
    /// process, so with no caller it measures almost nothing; one per other CPU is what a busy process sees.
    /// </summary>
    public int Callers { get; init; } = 1;

    /// <summary>Core syncs timed one by one for the cost of a single sync.</summary>
    public int SyncSamples { get; init; } = 201;

    public void EnsureValid()
    {
        if (Patchers.Count == 0 || Patchers.Any(p => p.IsUnsafe))
            throw new UsageException($"patch-latency measures safe patchers only; valid: {string.Join(", ", LivePatchers.All.Where(p => !p.IsUnsafe).Select(p => p.Name))}");
        if (Sizes.Count == 0 || Sizes.Any(s => s is < 1 or > MaxSites))
            throw new UsageException($"--sizes must be a comma list of batch sizes in 1..{MaxSites}");
        if (Reps is < 3 or > 10_000)
            throw new UsageException($"--reps must be 3..10000; got {Reps}");
        if (Callers is < 0 or > 63)
            throw new UsageException($"--callers must be 0..63; got {Callers}");
    }
}
