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

    /// <summary>patch-latency.json, in summary.json's conventions (snake_case, estimates as median/ci_low/ci_high).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SummaryJson.Options);
}
