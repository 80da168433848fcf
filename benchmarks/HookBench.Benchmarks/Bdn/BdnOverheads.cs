using BenchmarkDotNet.Reports;
using HookBench.Cells;

namespace HookBench.Cli.Bdn;

/// <summary>Per-cell overheads read back from a BenchmarkDotNet summary: median(Hooked) − median(Unhooked).</summary>
public static class BdnOverheads
{
    public static Dictionary<string, (double HookedNs, double BaselineNs)> FromSummary(Summary summary)
    {
        var result = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
        foreach (var group in summary.Reports.Where(r => r.Success && r.ResultStatistics is not null)
                     .GroupBy(r => r.BenchmarkCase.Parameters.DisplayInfo))
        {
            var hooked = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == nameof(HookBenchmarks.Hooked));
            var baseline = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == nameof(HookBenchmarks.Unhooked));
            if (hooked is null || baseline is null)
                continue;
            var p = hooked.BenchmarkCase.Parameters;
            string key = CellKey.Format((string)p["Strategy"], (int)p["Args"], (string)p["Handler"], (string)p["Mode"]) + BdnAttach.Suffix((string)p["Attach"]);
            result[key] = (hooked.ResultStatistics!.Median, baseline.ResultStatistics!.Median);
        }

        return result;
    }
}
