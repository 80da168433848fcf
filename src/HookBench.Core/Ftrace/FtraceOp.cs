namespace HookBench.Ftrace;

/// <summary>
/// One registered <c>struct ftrace_ops</c> on the list: where it is, the callback it calls (<c>op->func</c>),
/// whether its filter hash holds the traced function's ip, and what the filter lookup's bucket walk does.
/// </summary>
public sealed record FtraceOp(int Index, ulong Address, ulong Callback, bool Matches, LookupWalk FilterWalk);
