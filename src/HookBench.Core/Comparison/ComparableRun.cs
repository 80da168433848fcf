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
/// overhead samples (hooked − baseline, ns), which cancel machine-wide drift between runs; for a
/// BenchmarkDotNet report they are the Hooked method's per-iteration ns/call.
/// </summary>
public sealed record ComparableCell(string Key, string Metric, IReadOnlyList<double> Samples, double Median, double CallNs);

/// <summary>A run loaded for comparison: where it came from and its cells by key.</summary>
public sealed record ComparableRun(RunOrigin Origin, IReadOnlyDictionary<string, ComparableCell> Cells);
