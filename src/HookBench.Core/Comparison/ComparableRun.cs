using HookBench.Machine;

namespace HookBench.Comparison;

/// <summary>
/// What a result file says about the machine it ran on, as far as a comparison needs it: <see cref="Cpu"/> is the
/// brand string, <see cref="Identity"/> what tells CPU models apart (<see cref="CpuIdentity.Unknown"/> for a
/// BenchmarkDotNet report, which records only the brand).
/// </summary>
public sealed record RunOrigin(string Source, string Format, string Cpu, string Kernel, string Os, string? Hypervisor, string Runtime, CpuIdentity Identity);

/// <summary>
/// One cell's repetitions in a comparable form. For a HookBench summary the samples are the paired
/// overhead samples (hooked − baseline), which cancel machine-wide drift between runs, converted to core
/// cycles at the clock of the round each was taken in, and clustered by round; for a BenchmarkDotNet
/// report they are one overhead (or ns/call) figure per sample, each its own cluster.
/// </summary>
public sealed record ComparableCell(string Key, string Metric, IReadOnlyList<double> Samples, double Median, double CallNs)
{
    /// <summary>The cluster of each sample (a round on its own placement; a launch); null: every sample is its own.</summary>
    public IReadOnlyList<int>? Clusters { get; init; }

    /// <summary>The metric's units per ns (core cycles per ns for cycles, 1 for ns): converts the ns noise floor.</summary>
    public double UnitsPerNs { get; init; } = 1;

    /// <summary>Why this cell cannot be gated (it missed its precision target, say), or null.</summary>
    public string? NotGatedReason { get; init; }

    /// <summary>Deterministic figures compared exactly (instructions per call, hook code bytes, stack bytes), by name; null when unknown.</summary>
    public IReadOnlyDictionary<string, int?> Exact { get; init; } = new Dictionary<string, int?>();

    /// <summary>The key names a strategy, axis value or combination this build does not know (compared as numbers, and marked).</summary>
    public bool Foreign { get; init; }

    /// <summary>The median of each cluster: what the estimators work on.</summary>
    public double[] ClusterMedians() =>
        Statistics.ClusterStatistics.ClusterMedians(Samples, Clusters ?? [.. Enumerable.Range(0, Samples.Count)]);
}

/// <summary>A run loaded for comparison: where it came from and its cells by key.</summary>
public sealed record ComparableRun(RunOrigin Origin, IReadOnlyDictionary<string, ComparableCell> Cells)
{
    /// <summary>The core clock over the run's rounds (Hz), when the file records it.</summary>
    public Statistics.Estimate? CoreHz { get; init; }
}
