namespace HookBench.Comparison;

/// <summary>What a result file says about the machine it ran on, as far as a comparison needs it.</summary>
public sealed record RunOrigin(string Source, string Format, string Cpu, string Kernel, string Os, string? Hypervisor, string Runtime);

/// <summary>
/// One cell's repetitions in a comparable form. For a HookBench summary the samples are the paired
/// overhead samples (hooked − baseline, ns), which cancel machine-wide drift between runs; for a
/// BenchmarkDotNet report they are the Hooked method's per-iteration ns/call. <see cref="Foreign"/>: the key
/// names a strategy, axis value or combination this build does not know (compared as numbers, and marked).
/// </summary>
public sealed record ComparableCell(string Key, string Metric, IReadOnlyList<double> Samples, double Median, double CallNs, bool Foreign = false);

/// <summary>A run loaded for comparison: where it came from and its cells by key.</summary>
public sealed record ComparableRun(RunOrigin Origin, IReadOnlyDictionary<string, ComparableCell> Cells);
