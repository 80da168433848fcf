using System.Collections.Concurrent;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using HookBench.Abi;
using HookBench.Cells;
using HookBench.Comparison;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Strategies;

namespace HookBench.Cli.Bdn;

/// <summary>
/// Columns read from the case's launches (each benchmark process's hooked and unhooked loops, alternated inside
/// every invocation; see <see cref="HookBenchmarks"/>): the overhead over launches with its interval, in ns and
/// core cycles, the hooked and unhooked ns per call, and the instructions the hook adds.
/// </summary>
public abstract class HookColumn(string id, string name, string legend) : IColumn
{
    public string Id => id;
    public string ColumnName => name;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => legend;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => Value(benchmarkCase) ?? "-";

    protected abstract string? Value(BenchmarkCase benchmarkCase);

    protected static string KeyOf(BenchmarkCase benchmarkCase) => HookBenchmarks.KeyOf(benchmarkCase.Parameters);

    public override string ToString() => ColumnName;
}

/// <summary>A case's launches, read from the folder the benchmark processes wrote them to.</summary>
public sealed class LaunchTable(string directory)
{
    public string Directory => directory;

    public IReadOnlyList<BdnLaunch> For(string key) => BdnLaunches.ReadLaunches(directory).GetValueOrDefault(key) ?? [];
}

public sealed class OverheadColumn(LaunchTable launches) : HookColumn("HookOverheadNs", "Overhead ns [95% CI]",
    "Pseudo-median over launches of each launch's median (hooked − unhooked) per call, hooked and unhooked alternated in every invocation; signed-rank interval (none below 6 launches)")
{
    protected override string? Value(BenchmarkCase benchmarkCase) =>
        launches.For(KeyOf(benchmarkCase)) is { Count: > 0 } l ? BdnLaunches.Overhead(l).Format() : null;
}

public sealed class LaunchesColumn(LaunchTable launches) : HookColumn("HookLaunches", "Launches", "Benchmark processes of this case; each is one sample of the overhead")
{
    protected override string? Value(BenchmarkCase benchmarkCase) => launches.For(KeyOf(benchmarkCase)).Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class HookedUnhookedColumn(LaunchTable launches) : HookColumn("HookedUnhookedNs", "Hooked / unhooked ns", "Median ns per call of each loop, median over launches")
{
    protected override string? Value(BenchmarkCase benchmarkCase) =>
        launches.For(KeyOf(benchmarkCase)) is { Count: > 0 } l
            ? $"{Middle(l.Select(x => x.HookedNs)):F2} / {Middle(l.Select(x => x.UnhookedNs)):F2}"
            : null;

    static double Middle(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}

public sealed class OverheadCyclesColumn(LaunchTable launches, double coreHz) : HookColumn("HookOverheadCycles", "Overhead cycles",
    "The overhead in core cycles at the calibrated core clock (dependent add rax, rdx chain), not TSC ticks")
{
    protected override string? Value(BenchmarkCase benchmarkCase) =>
        launches.For(KeyOf(benchmarkCase)) is { Count: > 0 } l ? BdnLaunches.Overhead(l).Times(coreHz / 1e9).Format("F1") : null;
}

public sealed class InstructionsColumn() : HookColumn("HookInstructions", "Instructions", "Instructions executed per hooked call, site to return (walked with Iced's decoder), and the hook's share")
{
    static readonly ConcurrentDictionary<string, (int Baseline, int Hooked)> Counts = new();

    protected override string? Value(BenchmarkCase benchmarkCase)
    {
        var p = benchmarkCase.Parameters;
        var options = new HookSetOptions(
            StrategyCatalog.Parse((string)p["Strategy"]), HandlerKinds.Parse((string)p["Handler"]), (int)p["Args"], CallingConvention.Host)
        {
            Profile = Mitigations.MitigationProfiles.Parse((string)p["Profile"]),
            Attach = BdnAttach.Parse((string)p["Attach"]),
        };
        var (baseline, withHook) = Counts.GetOrAdd(options.ToString(), _ =>
        {
            using var pair = HookPair.Build(options);
            return (pair.BaselinePath.Instructions, pair.HookedPath.Instructions);
        });
        return $"{withHook} (+{withHook - baseline})";
    }
}
