using HookBench.Statistics;

namespace HookBench.Comparison;

/// <summary>
/// Several runs of one build as one comparable run (same-job A/B): every run's clusters stay separate clusters
/// (their labels are offset per run), so the estimators see rounds from all runs side by side.
/// </summary>
public static class RunMerge
{
    /// <summary>Cluster labels of run i are offset by i × this.</summary>
    const int ClusterStride = 1_000_000;

    public static ComparableRun Merge(string source, IReadOnlyList<ComparableRun> runs)
    {
        if (runs.Count == 0)
            throw new ArgumentException("nothing to merge", nameof(runs));
        if (runs.Count == 1)
            return runs[0] with { Origin = runs[0].Origin with { Source = source } };
        var cells = new Dictionary<string, ComparableCell>(StringComparer.Ordinal);
        foreach (string key in runs.SelectMany(r => r.Cells.Keys).Distinct(StringComparer.Ordinal))
        {
            var parts = runs.Select((r, i) => (Index: i, Cell: r.Cells.GetValueOrDefault(key))).Where(p => p.Cell is not null).ToList();
            var first = parts[0].Cell!;
            var samples = new List<double>();
            var clusters = new List<int>();
            foreach (var (index, cell) in parts)
            {
                samples.AddRange(cell!.Samples);
                var own = cell.Clusters ?? [.. Enumerable.Range(0, cell.Samples.Count)];
                clusters.AddRange(own.Select(c => index * ClusterStride + c));
            }

            double median = samples.Count == 0 ? double.NaN : ClusterStatistics.Location(samples, clusters).Median;
            cells[key] = first with
            {
                Samples = samples,
                Median = median,
                CallNs = parts.Select(p => p.Cell!.CallNs).Order().ElementAt(parts.Count / 2),
                Clusters = clusters,
                // Imprecise only if it was imprecise in every run: the merged cell has the clusters of all of them.
                NotGatedReason = parts.All(p => p.Cell!.NotGatedReason is not null) ? first.NotGatedReason : null,
            };
        }

        var hz = runs.Select(r => r.CoreHz?.Median).OfType<double>().Where(double.IsFinite).ToList();
        return new ComparableRun(runs[0].Origin with { Source = source }, cells)
        {
            CoreHz = hz.Count == 0 ? null : RobustStatistics.Median(hz),
        };
    }

    /// <summary>
    /// The order of a same-job A/B: A B, B A, A B, … (for 2 pairs: A B B A), so a machine that drifts steadily
    /// during the job slows both builds alike.
    /// </summary>
    public static IReadOnlyList<char> Schedule(int pairs) =>
        [.. Enumerable.Range(0, pairs).SelectMany(p => p % 2 == 0 ? "AB" : "BA")];
}
