namespace HookBench.Measurement;

/// <summary>What a cell produced before statistics: every repetition, and the executed instruction counts.</summary>
public sealed record CellSamples(
    CellSpec Spec,
    IReadOnlyList<RepetitionSample> Reps,
    ulong CallsPerMeasurement,
    PathWalk HookedPath,
    PathWalk BaselinePath)
{
    /// <summary>Kernel-probe cells: the probe, its first hits and its count; null otherwise.</summary>
    public Results.KernelProbeResult? Kernel { get; init; }
}
