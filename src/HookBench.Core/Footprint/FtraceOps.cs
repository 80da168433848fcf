namespace HookBench.Footprint;

/// <summary>
/// The <c>struct ftrace_ops</c> stand-in a shared trampoline passes its callback, with the fields the
/// lookup reads in the kernel's order (include/linux/ftrace.h): <c>func</c>, <c>next</c>, <c>flags</c>,
/// <c>private</c>, <c>saved_func</c>, <c>local_hash</c> (its notrace and filter hash pointers; the
/// regex_lock mutex that follows them in the kernel is left out) and <c>func_hash</c>, which points at
/// <c>local_hash</c> for an ops that does not share another's filter.
/// </summary>
public static class FtraceOps
{
    public const int Slots = 8;

    public const int Func = 0, Next = 8, Flags = 16, Private = 24, SavedFunc = 32, LocalHash = 40, FuncHash = 56;

    /// <summary><c>struct ftrace_ops_hash</c>: <c>notrace_hash</c>, then <c>filter_hash</c>.</summary>
    public const int NotraceHash = 0, FilterHash = 8;
}
