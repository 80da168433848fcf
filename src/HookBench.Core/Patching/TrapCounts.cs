namespace HookBench.Patching;

/// <summary>
/// What the trap handler has done since it was emitted: int3 hits it emulated, stale traps it restarted
/// (the patch had finished by the time the handler ran) and traps it passed to the previous handler.
/// </summary>
public readonly record struct TrapCounts(ulong Emulated, ulong Restarted, ulong Chained)
{
    public static TrapCounts operator -(TrapCounts after, TrapCounts before) =>
        new(after.Emulated - before.Emulated, after.Restarted - before.Restarted, after.Chained - before.Chained);
}
