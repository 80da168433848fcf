using HookBench.Strategies;

namespace HookBench.Patching.Stress;

/// <summary>One stress run: T callers call the hooked target while one thread attaches and detaches it M times.</summary>
public sealed record PatchStressOptions(LivePatcher Patcher, int Threads, int Toggles, long Calls)
{
    public const int MaxThreads = 64;

    /// <summary>Calls each caller makes per run of its loop, between checks of whether to stop.</summary>
    public const int ChunkCalls = 4096;

    /// <summary>Trampoline copies the site is attached to in turn, so a freed one has time to become reusable.</summary>
    public const int Trampolines = 4;

    public Strategy Strategy { get; init; } = StrategyCatalog.MinRegs;

    /// <summary>Where the target starts in its 64-byte line (see HookSetOptions.SiteOffset).</summary>
    public int SiteOffset { get; init; }

    public ReclaimPolicy Reclaim { get; init; } = ReclaimPolicy.Grace;

    /// <summary>Breaks callers on purpose: an unsafe patcher or early reclaim. Such a run belongs in a child process.</summary>
    public bool IsUnsafe => Patcher.IsUnsafe || Reclaim == ReclaimPolicy.Early;

    /// <summary>Strategies with a trampoline (to free and reuse) whose hooked call returns the target's own result.</summary>
    public static IReadOnlyList<Strategy> Strategies { get; } =
        [.. StrategyCatalog.All.Where(s => s.Trampoline is not null && !s.Redirects)];

    public bool TryValidate(out string? error)
    {
        error = null;
        if (Threads is < 1 or > MaxThreads)
            error = $"--threads must be 1..{MaxThreads}; got {Threads}";
        else if (Toggles < 0)
            error = $"--toggles must be 0 or more; got {Toggles}";
        else if (Calls < 1)
            error = $"--calls must be 1 or more; got {Calls}";
        else if (!Strategies.Contains(Strategy))
            error = $"strategy {Strategy.Name} cannot be stress-tested (it has no trampoline to free and reuse, or its handler redirects the call); valid: {string.Join(", ", Strategies.Select(s => s.Name))}";
        return error is null;
    }

    public void EnsureValid()
    {
        if (!TryValidate(out string? error))
            throw new UsageException(error!);
    }
}
