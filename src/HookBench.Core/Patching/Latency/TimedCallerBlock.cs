namespace HookBench.Patching.Latency;

/// <summary>One timing caller's block in the farm's data: what it calls and the time its calls took, inside and outside patch windows.</summary>
public static class TimedCallerBlock
{
    /// <summary>The caller cycles through farm sites 0..Sites−1.</summary>
    public const int Sites = 0;

    public const int Chunk = 8;
    public const int Active = 16;
    public const int Calls = 24;

    /// <summary>TSC ticks and calls while a patch was in progress (the phase was odd or moved during the call).</summary>
    public const int InsideTicks = 32, InsideCalls = 40;

    /// <summary>TSC ticks and calls with no patch in progress.</summary>
    public const int OutsideTicks = 48, OutsideCalls = 56;

    /// <summary>Calls longer than this many ticks are counted here and left out of both means (the thread was descheduled).</summary>
    public const int Cap = 64, Preempted = 72;

    public const int Slots = 10;
    public const int Alignment = 128;
}
