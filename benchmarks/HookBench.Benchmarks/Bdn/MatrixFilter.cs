using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Running;
using HookBench.Cells;
using HookBench.Handlers;
using HookBench.Measurement;
using HookBench.Mitigations;
using HookBench.Strategies;

namespace HookBench.Cli.Bdn;

/// <summary>Which matrix BenchmarkDotNet runs.</summary>
public enum BdnMatrix
{
    /// <summary>Every strategy at 0, 2 and 6 args with the empty handler, and both modes at 2 args.</summary>
    Standard,

    /// <summary>The whole valid cross product: strategies × args 0..6 × handlers × modes (profile none).</summary>
    Full,

    /// <summary>What mitigations cost a hook: every strategy at 2 args, empty handler, throughput, under every profile.</summary>
    Mitigations,

    /// <summary>What <c>hookbench crosscheck</c> compares: every strategy at 0, 2 and 6 args, empty handler, throughput.</summary>
    Crosscheck,

    /// <summary>
    /// What sits between the trampoline and the program, at 2 args (empty handler, throughput): ops-list over
    /// K, direct over P, the enter/exit profiles and the lookups, with min-regs and direct as they are.
    /// </summary>
    Attach,
}

/// <summary>
/// BenchmarkDotNet builds the cross product of the [ParamsSource] values; this filter keeps the chosen
/// matrix and drops what cannot be built (a handler the strategy refuses, latency with nothing to chain).
/// </summary>
/// <remarks><paramref name="cells"/>, when given, keeps only those cell keys (HookBench's <c>--cells</c>).</remarks>
public sealed class MatrixFilter(BdnMatrix matrix, IReadOnlySet<string>? cells = null) : IFilter
{
    public bool Predicate(BenchmarkCase benchmarkCase)
    {
        var p = benchmarkCase.Parameters;
        string strategy = (string)p["Strategy"];
        int args = (int)p["Args"];
        string handler = (string)p["Handler"];
        string mode = (string)p["Mode"];
        string profile = (string)p["Profile"];
        string attach = (string)p["Attach"];
        return (cells is null || cells.Contains(HookBenchmarks.KeyOf(p))) && Allowed(strategy, args, handler, mode, matrix, profile, attach);
    }

    public static bool Allowed(
        string strategy, int args, string handler, string mode, BdnMatrix matrix, string profile = "none", string attach = BdnAttach.Default)
    {
        var key = new CellKey(StrategyCatalog.Parse(strategy), args, HandlerKinds.Parse(handler), MeasurementModes.Parse(mode))
        {
            Profile = MitigationProfiles.Parse(profile),
            Attach = BdnAttach.Parse(attach),
        };
        if (!key.TryValidate(out _))
            return false;
        var (h, m) = (key.Handler, key.Mode);
        if (matrix == BdnMatrix.Mitigations)
            return h == HandlerKind.Empty && m == MeasurementMode.Throughput && args == 2 && key.Attach.IsDefault;
        if (profile != MitigationProfiles.None.Name)
            return false;
        if (matrix == BdnMatrix.Full)
            return true;
        if (matrix == BdnMatrix.Attach)
        {
            bool compared = key.Strategy == StrategyCatalog.MinRegs || key.Strategy == StrategyCatalog.Direct || Attachment.TakesOps(key.Strategy);
            return compared && args == 2 && h == HandlerKind.Empty && m == MeasurementMode.Throughput;
        }

        // The standard and cross-check matrices stay the thread's strategies with one handler each.
        if (!key.Attach.IsDefault || Attachment.TakesOps(key.Strategy))
            return false;
        if (matrix == BdnMatrix.Crosscheck)
            return h == HandlerKind.Empty && m == MeasurementMode.Throughput && args is 0 or 2 or 6;
        return h == HandlerKind.Empty && m switch
        {
            MeasurementMode.Throughput => args is 0 or 2 or 6,
            MeasurementMode.Latency => args == 2,
            _ => false,
        };
    }
}
