namespace HookBench.Patching;

/// <summary>
/// Where a caller thread shows that it is outside the hooked code: <see cref="Passes"/> is a data slot
/// it increments each time it passes a quiescent point (after a call returns), and <see cref="Active"/>
/// is nonzero while it may be inside a call at all.
/// </summary>
public readonly record struct QuiescentPoint(ulong Passes, ulong Active);
