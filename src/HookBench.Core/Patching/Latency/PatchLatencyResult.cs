using System.Text.Json;
using HookBench.Machine;
using HookBench.Results;
using HookBench.Statistics;

namespace HookBench.Patching.Latency;

/// <summary>A patch-latency run: the machine, the cost of one core sync, and a row per patcher and batch size.</summary>
public sealed record PatchLatencyResult(
    string Schema,
    DateTime Utc,
    string Command,
    MachineInfo Machine,
    int Callers,
    string SyncMethod,
    Estimate SyncUs,
    IReadOnlyList<PatchLatencyRow> Rows)
{
    public const string CurrentSchema = "hookbench.patch-latency/1";

    public int SyncSamples { get; init; }

    /// <summary>Timed syncs during which every timing caller made calls (was on a CPU the sync had to interrupt).</summary>
    public int SyncSamplesWithCallersRunning { get; init; }

    /// <summary>One sync while every caller was running (the IPI case); null with fewer than 3 such samples.</summary>
    public Estimate? SyncWithCallersRunningUs { get; init; }

    /// <summary>One sync while some caller was not running (little more than the system call); null with fewer than 3.</summary>
    public Estimate? SyncWithCallersIdleUs { get; init; }

    /// <summary>patch-latency.json, in summary.json's conventions (snake_case, estimates as median/ci_low/ci_high).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SummaryJson.Options);
}
