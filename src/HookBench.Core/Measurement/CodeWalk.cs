namespace HookBench.Measurement;

/// <summary>What one copy of a cell's code executes, counted by walking it (see <see cref="ExecutedPath"/>).</summary>
/// <param name="PerCall">Instructions of one call, site to return (for several functions: a pass's mean, rounded).</param>
/// <param name="HookCodeBytes">Distinct bytes of hook code (trampolines, lookup, handlers) the walk executed.</param>
/// <param name="CallerInstructionsPerCall">The timing loop's own instructions per call (the call instruction included).</param>
public sealed record CodeWalk(PathWalk PerCall, int HookCodeBytes, double CallerInstructionsPerCall)
{
    /// <summary>Several functions only: calls in one pass of the driver.</summary>
    public int? CallsPerPass { get; init; }

    /// <summary>Several functions only: instructions one pass runs in targets and hooks, the driver's own excluded.</summary>
    public int? PassInstructions { get; init; }

    /// <summary>Several functions only: distinct bytes of code a pass executes, driver, targets and hooks.</summary>
    public int? PassCodeBytes { get; init; }

    /// <summary>Several functions only: distinct branch instructions (calls, returns, jumps) a pass executes.</summary>
    public int? PassBranches { get; init; }

    /// <summary>Several functions only: bytes of the shared lookup's buckets and entries.</summary>
    public int LookupDataBytes { get; init; }
}
