using HookBench.Results;

namespace HookBench.Reporting;

/// <summary>One rung of the ladder: a strategy's cells at 2 arguments, throughput, without mitigations.</summary>
/// <param name="Name">The strategy.</param>
/// <param name="Alone">Kernel probes: the probe with no BPF program; emitted hooks have no such cell.</param>
/// <param name="Empty">The empty handler, or the empty BPF program.</param>
/// <param name="Counter">The counter handler, or the counter BPF program.</param>
public sealed record LadderRung(string Name, CellResult? Alone, CellResult? Empty, CellResult? Counter)
{
    /// <summary>The kernel probe's first hit and site, from whichever of its cells ran (the probe alone first).</summary>
    public KernelProbeResult? Kernel => (Alone ?? Empty ?? Counter)?.Kernel;
}

/// <summary>
/// The ladder from a direct call through the trampolines to the kernel's probes, as a run measured it: the
/// emitted rungs in <see cref="Measurement.RunPlan.LadderUserSpace"/> order, then the kernel probes in catalog
/// order, each where the run has at least one of its cells.
/// </summary>
public static class Ladder
{
    public static bool HasKernelRungs(RunSummary summary) => summary.Cells.Any(c => c.Kernel is not null);

    public static IReadOnlyList<LadderRung> Rungs(RunSummary summary)
    {
        var cells = ReportBuilder.PlainCells(summary).Cells
            .Where(c => c.Args == 2 && c.Mode == "throughput" && c.Profile == "none" && c.AttachSuffix.Length == 0).ToList();
        var rungs = new List<LadderRung>();
        foreach (var strategy in Measurement.RunPlan.LadderUserSpace)
        {
            var empty = cells.FirstOrDefault(c => c.Strategy == strategy.Name && c.Handler == "empty" && c.Kernel is null);
            var counter = cells.FirstOrDefault(c => c.Strategy == strategy.Name && c.Handler == "counter" && c.Kernel is null);
            if (empty is not null || counter is not null)
                rungs.Add(new LadderRung(strategy.Name, null, empty, counter));
        }

        foreach (var strategy in Strategies.StrategyCatalog.KernelProbes)
        {
            CellResult? Program(string bpf) => cells.FirstOrDefault(c => c.Strategy == strategy.Name && c.Kernel is not null && c.BpfProgram == bpf);
            var rung = new LadderRung(strategy.Name, Program("none"), Program("empty"), Program("counter"));
            if (rung.Kernel is not null)
                rungs.Add(rung);
        }

        return rungs;
    }
}
