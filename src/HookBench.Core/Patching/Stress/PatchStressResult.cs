using System.Globalization;

namespace HookBench.Patching.Stress;

/// <summary>What a stress run counted, per caller thread, and its one-line verdict.</summary>
/// <param name="SiteRestored">The site holds what the toggles should leave (the NOP after an even number).</param>
public sealed record PatchStressResult(
    PatchStressOptions Options,
    TimeSpan Elapsed,
    IReadOnlyList<CallerTally> Callers,
    TrapCounts Traps,
    long Syncs,
    bool SiteRestored)
{
    /// <summary>How the trampoline copies were freed and reused.</summary>
    public ReclaimCounts Reclaim { get; init; } = new(0, 0, 0, 0);

    public CallerTally Total => Callers.Aggregate(CallerTally.Zero, (sum, c) => sum + c);

    /// <summary>Every thread's accounting is exact, the site ended as it should, and no trap went to another handler.</summary>
    public bool IsExact => Callers.All(c => c.IsExact) && SiteRestored && Traps.Chained == 0;

    /// <summary>The summary line: 0 crashes (this process is alive to print it) and whether the accounting is exact.</summary>
    public string Summary()
    {
        var t = Total;
        var o = Options;
        string head = $"patch-stress: {o.Patcher.Name}, {o.Strategy.Name} + counter, reclaim {o.Reclaim.Name()}, {o.Threads} caller threads, "
            + $"{N(o.Toggles)} toggles ({N(Syncs)} core syncs), {N(t.Calls)} calls in {Elapsed.TotalSeconds:F1} s: 0 crashes; ";
        string reclaim = $"; {Reclaim.Trampolines} trampolines in turn: {N(Reclaim.Frees)} freed "
            + (o.Reclaim == ReclaimPolicy.Grace ? $"after a grace period ({N(Reclaim.Waits)} waited for)" : "at once")
            + $", {N(Reclaim.Reuses)} reused";
        string traps = o.Patcher is Int3Patcher
            ? $"; int3 hits: {N(Traps.Emulated)} emulated, {N(Traps.Restarted)} restarted after the patch finished, {N(Traps.Chained)} passed to another handler"
            : "";
        if (IsExact)
        {
            return head + "accounting exact: every call returned its result and ran the body once; "
                + $"{N(t.HandlerRuns)} handler calls, each in a call made while the site routed to the trampoline "
                + $"({N(t.Routed)} calls attached throughout, {N(t.Transitional)} overlapping a patch of which {N(t.TransitionalHandled)} ran the handler; "
                + $"{N(t.Unrouted)} detached throughout ran none)" + reclaim + traps;
        }

        var wrong = new List<string>();
        void Add(ulong count, string what)
        {
            if (count != 0)
                wrong.Add($"{N(count)} {what}");
        }

        Add(t.WrongResults, "wrong results");
        Add(t.BodyMismatches, "calls that did not run the body exactly once");
        Add(t.HandlerTwice, "calls that ran the handler twice");
        Add(t.Phantom, "handler runs in calls made while detached");
        Add(t.Missed, "calls made while attached that missed the handler");
        if (Callers.Any(c => c.HandlerRuns != c.Routed + c.TransitionalHandled))
            wrong.Add("handler counts that do not match the calls that saw the handler");
        if (Callers.Any(c => c.BodyRuns != c.Calls))
            wrong.Add("body counts that do not match the calls");
        if (!SiteRestored)
            wrong.Add("the site did not end as the toggles left it");
        if (Traps.Chained != 0)
            wrong.Add($"{N(Traps.Chained)} traps passed to another handler");
        return head + "accounting WRONG: " + string.Join(", ", wrong) + reclaim + traps;
    }

    static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    static string N(ulong value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
