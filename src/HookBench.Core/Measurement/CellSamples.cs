namespace HookBench.Measurement;

/// <summary>What a cell produced before statistics: every repetition, and the executed instruction counts.</summary>
public sealed record CellSamples(
    CellSpec Spec,
    IReadOnlyList<RepetitionSample> Reps,
    ulong CallsPerMeasurement,
    PathWalk HookedPath,
    PathWalk BaselinePath)
{
    /// <summary>Hook code footprint, the caller's own work and a footprint pass; null where nothing walked the code (tests).</summary>
    public CellCodeFacts? Code { get; init; }

    /// <summary>Deepest stack use of one hooked call, and of one unhooked call, from the caller's RSP (one function only).</summary>
    public int? StackBytes { get; init; }
    public int? BaselineStackBytes { get; init; }

    /// <summary>Placements the repetitions were measured on.</summary>
    public int Placements { get; init; } = 1;

    /// <summary>Kernel-probe cells: the probe, its first hits and its count; null otherwise.</summary>
    public Results.KernelProbeResult? Kernel { get; init; }
}
