using System.Globalization;
using System.Text;
using HookBench.Statistics;

namespace HookBench.Patching.Latency;

/// <summary>patch-latency.md: the machine, the cost of one sync, and the table per patcher and batch size.</summary>
public static class PatchLatencyMarkdown
{
    public static string Render(PatchLatencyResult result)
    {
        var m = result.Machine;
        var md = new StringBuilder();
        md.AppendLine("# Live patching: attach and detach latency");
        md.AppendLine();
        md.AppendLine(Invariant($"- CPU: {m.Cpu} (family {m.CpuFamily}, model {m.CpuModel}); kernel {m.Kernel}; hypervisor: {m.Hypervisor ?? "none"}; {m.Runtime}"));
        md.AppendLine(Invariant($"- Run: {result.Utc:yyyy-MM-ddTHH:mm:ssZ}, `{result.Command}`, {result.Callers} timing caller thread(s) running meanwhile"));
        md.AppendLine(Invariant($"- One core sync ({result.SyncMethod}): {Us(result.SyncUs)} µs, median [95% CI] of {result.SyncSamples}; ")
            + Invariant($"{Us(result.SyncWithCallersRunningUs)} µs in the {result.SyncSamplesWithCallersRunning} during which every caller was running, ")
            + Invariant($"{Us(result.SyncWithCallersIdleUs)} µs in the others (a sync interrupts only CPUs that are running a thread of this process)"));
        md.AppendLine();
        md.AppendLine("Attach and detach: wall time of one batch, µs, median [95% CI] over the repetitions. Per site: attach ÷ sites. "
            + "Caller ns/call: the mean over all calls the timing callers made through the batch's sites (timing instructions included; "
            + Invariant($"calls over {PatchLatency.PreemptedAfterUs:0} µs count as preempted and are left out), inside patch windows and outside them, with the number of calls. ")
            + "int3 hits: calls that met an int3 and were emulated, per attach or detach.");
        md.AppendLine();
        md.AppendLine("| patcher | sites | attach µs | per site µs | detach µs | syncs per attach | caller ns/call in window (calls) | outside (calls) | preempted | int3 hits per patch |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in result.Rows)
        {
            md.AppendLine(Invariant(
                $"| {r.Patcher} | {r.Sites} | {Us(r.AttachUs)} | {Us(r.AttachPerSiteUs)} | {Us(r.DetachUs)} | {r.SyncsPerAttach:0.#} | {Ns(r.CallInWindowNs, r.CallsInWindow)} | {Ns(r.CallOutsideNs, r.CallsOutside)} | {r.CallsPreempted} | {r.TrapsPerPatch:0.##} |"));
        }

        return md.ToString();
    }

    static string Us(Estimate? e) => e is null ? "–"
        : e.CiLow is double low && e.CiHigh is double high ? Invariant($"{Fmt(e.Median)} [{Fmt(low)}; {Fmt(high)}]")
        : Invariant($"{Fmt(e.Median)} (no 95% interval)");

    static string Ns(double? mean, ulong calls) => mean is double ns ? Invariant($"{ns:0.0} ({calls:N0})") : "– (0)";

    /// <summary>Three significant figures, whatever the magnitude (a batch of 4096 takes ms, one site's share ns).</summary>
    static string Fmt(double value) => value switch
    {
        >= 100 => value.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        >= 1 => value.ToString("0.00", CultureInfo.InvariantCulture),
        _ => value.ToString("0.000", CultureInfo.InvariantCulture),
    };

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
