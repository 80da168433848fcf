using HookBench.HookSets;

namespace HookBench.Patching.Stress;

/// <summary>
/// One caller thread's block in the stress arena's data (its own 128-byte line pair, so threads never
/// share a line). The target's first argument points at it: the body and the counter handler count
/// into its first two slots (<see cref="ThreadCounters"/>); the caller loop keeps the rest.
/// </summary>
public static class CallerBlock
{
    public const int BodyRuns = ThreadCounters.BodyRuns;
    public const int HandlerRuns = ThreadCounters.HandlerRuns;

    /// <summary>What the target returns for this block's address as its argument.</summary>
    public const int Expected = 16;

    /// <summary>Calls completed: incremented after each call returns, the thread's quiescent point.</summary>
    public const int Calls = 24;

    /// <summary>Calls per run of the loop.</summary>
    public const int Chunk = 32;

    /// <summary>Nonzero while the loop runs (the thread may be inside a call).</summary>
    public const int Active = 40;

    public const int WrongResults = 48;
    public const int BodyMismatches = 56;

    /// <summary>Calls in which the handler ran more than once.</summary>
    public const int HandlerTwice = 64;

    /// <summary>Calls in which the handler ran although the site held the NOP for the whole call.</summary>
    public const int Phantom = 72;

    /// <summary>Calls in which the handler did not run although the site routed for the whole call.</summary>
    public const int Missed = 80;

    /// <summary>Calls made entirely while the site was attached, and entirely while it was not.</summary>
    public const int Routed = 88, Unrouted = 96;

    /// <summary>Calls that overlapped a patch, and how many of those ran the handler.</summary>
    public const int Transitional = 104, TransitionalHandled = 112;

    public const int Slots = 16;
    public const int Alignment = 128;
}
