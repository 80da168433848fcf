using HookBench.Native;

namespace HookBench.Patching.Stress;

/// <summary>What one caller thread counted, read from its <see cref="CallerBlock"/> after the run.</summary>
public sealed record CallerTally(
    ulong Calls,
    ulong BodyRuns,
    ulong HandlerRuns,
    ulong WrongResults,
    ulong BodyMismatches,
    ulong HandlerTwice,
    ulong Phantom,
    ulong Missed,
    ulong Routed,
    ulong Unrouted,
    ulong Transitional,
    ulong TransitionalHandled)
{
    public static CallerTally Read(CodeArena arena, ulong block)
    {
        ulong At(int offset) => arena.ReadUInt64(block + (ulong)offset);
        return new CallerTally(
            At(CallerBlock.Calls), At(CallerBlock.BodyRuns), At(CallerBlock.HandlerRuns), At(CallerBlock.WrongResults),
            At(CallerBlock.BodyMismatches), At(CallerBlock.HandlerTwice), At(CallerBlock.Phantom), At(CallerBlock.Missed),
            At(CallerBlock.Routed), At(CallerBlock.Unrouted), At(CallerBlock.Transitional), At(CallerBlock.TransitionalHandled));
    }

    /// <summary>
    /// Every call returned the right result and ran the body once; the handler ran at most once per call,
    /// in every call made while the site was attached, in none made while it was not; and the thread's
    /// handler count is exactly the handler runs its calls saw.
    /// </summary>
    public bool IsExact =>
        WrongResults == 0 && BodyMismatches == 0 && HandlerTwice == 0 && Phantom == 0 && Missed == 0
        && BodyRuns == Calls
        && Routed + Unrouted + Transitional == Calls
        && HandlerRuns == Routed + TransitionalHandled;

    public static CallerTally operator +(CallerTally a, CallerTally b) => new(
        a.Calls + b.Calls, a.BodyRuns + b.BodyRuns, a.HandlerRuns + b.HandlerRuns, a.WrongResults + b.WrongResults,
        a.BodyMismatches + b.BodyMismatches, a.HandlerTwice + b.HandlerTwice, a.Phantom + b.Phantom, a.Missed + b.Missed,
        a.Routed + b.Routed, a.Unrouted + b.Unrouted, a.Transitional + b.Transitional, a.TransitionalHandled + b.TransitionalHandled);

    public static CallerTally Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
