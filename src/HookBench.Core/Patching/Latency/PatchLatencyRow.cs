using HookBench.Statistics;

namespace HookBench.Patching.Latency;

/// <summary>
/// One patcher at one batch size: attach and detach latency (µs, median with 95% interval over the
/// repetitions), attach cost per site, the syncs one attach issues, and what the timing callers saw per
/// call (ns, the mean over every call of every repetition, timing included) inside patch windows and
/// outside them. Means, not medians: the cost of a window is a few calls that meet an int3 and take
/// microseconds among many that take nanoseconds, and a median would hide exactly those.
/// </summary>
/// <param name="CallsPreempted">Caller calls longer than PatchLatency.PreemptedAfterUs, left out of both means.</param>
/// <param name="TrapsPerPatch">Calls that met an int3 and were emulated, per attach or detach (mean).</param>
public sealed record PatchLatencyRow(
    string Patcher,
    int Sites,
    Estimate AttachUs,
    Estimate DetachUs,
    Estimate AttachPerSiteUs,
    double SyncsPerAttach,
    double? CallInWindowNs,
    ulong CallsInWindow,
    double? CallOutsideNs,
    ulong CallsOutside,
    ulong CallsPreempted,
    double TrapsPerPatch,
    int Reps);
