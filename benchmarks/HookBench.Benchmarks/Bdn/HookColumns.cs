using System.Collections.Concurrent;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Strategies;

namespace HookBench.Cli.Bdn;

/// <summary>
/// Columns that put a hooked case next to its own baseline (the Unhooked benchmark with the same
/// parameters): overhead in ns and in core cycles, the median ratio, and the instructions the hook adds.
/// </summary>
public abstract class HookColumn(string id, string name, string legend, UnitType unit) : IColumn
{
    public string Id => id;
    public string ColumnName => name;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => unit;
    public string Legend => legend;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        bool hooked = benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(HookBenchmarks.Hooked);
        return Value(summary, benchmarkCase, hooked) ?? "-";
    }

    protected abstract string? Value(Summary summary, BenchmarkCase benchmarkCase, bool hooked);

    /// <summary>Median ns/call of the hooked case and of its baseline, or null when either did not run.</summary>
    protected static (double Hooked, double Baseline)? Medians(Summary summary, BenchmarkCase hookedCase)
    {
        var baselineCase = summary.BenchmarksCases.FirstOrDefault(c =>
            c.Descriptor.WorkloadMethod.Name == nameof(HookBenchmarks.Unhooked)
            && c.Parameters.DisplayInfo == hookedCase.Parameters.DisplayInfo
            && c.Job == hookedCase.Job);
        var hooked = summary[hookedCase]?.ResultStatistics;
        var baseline = baselineCase is null ? null : summary[baselineCase]?.ResultStatistics;
        return hooked is null || baseline is null ? null : (hooked.Median, baseline.Median);
    }

    public override string ToString() => ColumnName;
}

public sealed class OverheadColumn() : HookColumn("HookOverheadNs", "Overhead ns", "Median(Hooked) − Median(Unhooked) with the same parameters, ns per call", UnitType.Dimensionless)
{
    protected override string? Value(Summary summary, BenchmarkCase benchmarkCase, bool hooked) =>
        hooked && Medians(summary, benchmarkCase) is var (h, b) ? $"{h - b:F2}" : null;
}

public sealed class MedianRatioColumn() : HookColumn("HookRatio", "× baseline", "Median(Hooked) / Median(Unhooked)", UnitType.Dimensionless)
{
    protected override string? Value(Summary summary, BenchmarkCase benchmarkCase, bool hooked) =>
        hooked && Medians(summary, benchmarkCase) is var (h, b) ? $"{h / b:F2}" : null;
}

public sealed class OverheadCyclesColumn(double coreHz) : HookColumn("HookOverheadCycles", "Overhead cycles", "Overhead in core cycles at the calibrated core clock (dependent-add estimate), not TSC ticks", UnitType.Dimensionless)
{
    protected override string? Value(Summary summary, BenchmarkCase benchmarkCase, bool hooked) =>
        hooked && Medians(summary, benchmarkCase) is var (h, b) ? $"{(h - b) * coreHz / 1e9:F1}" : null;
}

public sealed class InstructionsColumn() : HookColumn("HookInstructions", "Instructions", "Instructions executed per call, site to return (walked with Iced's decoder); hooked rows add the hook's share", UnitType.Dimensionless)
{
    static readonly ConcurrentDictionary<string, (int Baseline, int Hooked)> Counts = new();

    protected override string? Value(Summary summary, BenchmarkCase benchmarkCase, bool hooked)
    {
        var p = benchmarkCase.Parameters;
        var options = new HookSetOptions(
            StrategyCatalog.Parse((string)p["Strategy"]), HandlerKinds.Parse((string)p["Handler"]), (int)p["Args"], CallingConvention.Host)
        {
            Attach = BdnAttach.Parse((string)p["Attach"]),
        };
        var (baseline, withHook) = Counts.GetOrAdd(options.ToString(), _ =>
        {
            using var pair = HookPair.Build(options);
            return (pair.BaselinePath.Instructions, pair.HookedPath.Instructions);
        });
        return hooked ? $"{withHook} (+{withHook - baseline})" : $"{baseline}";
    }
}
