using HookBench.Comparison;
using HookBench.Measurement.Interference;
using HookBench.Results;

namespace HookBench.Measurement;

/// <summary>One injected cost and what the comparison said about the target cell.</summary>
public sealed record SensitivityStep(int Cycles, CellComparison Target, IReadOnlyList<string> Flagged)
{
    public int FlaggedCells => Flagged.Count;
}

public sealed record SensitivityResult(
    CellSpec Target, ComparisonReport CleanVersusClean, IReadOnlyList<SensitivityStep> Steps, int? SmallestDetected, double CoreHz);

/// <summary>
/// Proof that the regression gate works: a clean run is compared with a second clean run (nothing may be
/// flagged) and with runs whose target trampoline carries k extra dependent cycles (k = 1, 2, 4, …); the
/// smallest k flagged "slower" is the gate's sensitivity on this machine.
/// </summary>
public static class Sensitivity
{
    public static SensitivityResult Run(
        CellSpec target, IReadOnlyList<CellSpec> controls, IReadOnlyList<int> cycles, MeasurementSettings settings,
        Func<IInterferenceMonitor> monitor, Thresholds thresholds, Action<string>? progress = null)
    {
        if (target.Strategy.Trampoline is null)
            throw new UsageException($"strategy {target.Strategy.Name} has no trampoline to slow down; valid: {string.Join(", ", Strategies.StrategyCatalog.All.Where(s => s.Trampoline is not null).Select(s => s.Name))}");
        List<CellSpec> plan = [target, .. controls.Where(c => c.Key != target.Key)];
        target.Key.Validate();

        RunSummary Measure(string label, int k)
        {
            progress?.Invoke(label);
            var cells = plan.Select(c => c.Key == target.Key ? c with { InjectedLatency = k } : c).ToList();
            using var m = monitor();
            return RunEngine.Execute(cells, settings, m);
        }

        var clean = Measure("clean run A", 0);
        var cleanAgain = Measure("clean run B", 0);
        var cleanReport = Comparer.Compare(RunLoader.FromSummary("clean A", clean), RunLoader.FromSummary("clean B", cleanAgain), thresholds);

        var steps = new List<SensitivityStep>();
        int? smallest = null;
        foreach (int k in cycles)
        {
            var injected = Measure($"{k} injected cycle(s)", k);
            var report = Comparer.Compare(RunLoader.FromSummary("clean A", clean), RunLoader.FromSummary($"+{k} cycles", injected), thresholds);
            var row = report.Cells.Single(c => c.Key == target.Key.Text);
            steps.Add(new SensitivityStep(k, row, [.. report.Cells.Where(c => c.Verdict is Verdict.Slower or Verdict.Faster).Select(c => $"{c.Key} {c.Verdict.ToString().ToLowerInvariant()}")]));
            if (row.Verdict == Verdict.Slower && smallest is null)
                smallest = k;
        }

        return new SensitivityResult(target, cleanReport, steps, smallest, clean.Environment.CoreHzEstimate);
    }
}
