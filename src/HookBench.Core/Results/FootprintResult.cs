namespace HookBench.Results;

/// <summary>
/// What one pass of the driver over several hooked functions executed, counted exactly by walking it.
/// A pass calls every function the same number of times in a fixed pseudo-random order; per-call figures
/// elsewhere in the cell are this pass divided by its calls (rounded where the shared lookup's chain
/// lengths make the mean fractional).
/// </summary>
public sealed record FootprintResult
{
    /// <summary>How the strategy hooks many functions: shared trampoline + lookup, a trampoline per function, or direct call.</summary>
    public required string Shape { get; init; }

    public required int CallsPerPass { get; init; }

    /// <summary>Instructions one pass runs in the targets and hooks (the driver's own excluded), hooked and unhooked.</summary>
    public required int InstructionsPerPass { get; init; }
    public required int BaselineInstructionsPerPass { get; init; }

    /// <summary>Instructions the hooks add over one pass: exact, where the per-call figure may be rounded.</summary>
    public int HookInstructionsPerPass => InstructionsPerPass - BaselineInstructionsPerPass;

    /// <summary>
    /// Distinct bytes of code one pass executes (driver, targets and hooks), hooked and unhooked: the
    /// instruction footprint the front end must hold, of which the hooks bring the difference.
    /// </summary>
    public int CodeBytesPerPass { get; init; }
    public int BaselineCodeBytesPerPass { get; init; }

    /// <summary>
    /// Distinct branch instructions (calls, returns, jumps) one pass executes, hooked and unhooked: each
    /// needs a branch-target-buffer entry to be predicted before it is decoded.
    /// </summary>
    public int BranchesPerPass { get; init; }
    public int BaselineBranchesPerPass { get; init; }

    /// <summary>The shared lookup's data: its buckets and hash entries (0 for the other shapes).</summary>
    public required int LookupDataBytes { get; init; }
}
