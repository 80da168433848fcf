namespace HookBench.Patching.Stress;

/// <summary>How many trampoline copies rotated, how often one was freed and reused, and how often the toggler waited for a grace period.</summary>
public sealed record ReclaimCounts(int Trampolines, int Frees, int Reuses, int Waits);
