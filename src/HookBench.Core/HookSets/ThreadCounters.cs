namespace HookBench.HookSets;

/// <summary>
/// The block a caller thread passes as the target's first argument in a build with
/// <see cref="HookSetOptions.ThreadCounters"/>: the target's body counts its runs in it and the counter
/// handler counts its calls in it, so each thread counts only its own calls and no two threads write
/// the same counter (the ordinary counter handler's one shared, unlocked slot loses increments as soon
/// as two threads call). The live-patching stress test reads these to check every call.
/// </summary>
public static class ThreadCounters
{
    /// <summary>Incremented once by every run of the target's body.</summary>
    public const int BodyRuns = 0;

    /// <summary>Incremented once by every call of the entry handler.</summary>
    public const int HandlerRuns = 8;

    /// <summary>Bytes the counters take at the start of the block.</summary>
    public const int Size = 16;
}
