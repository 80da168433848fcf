namespace HookBench.Statistics;

/// <summary>
/// Estimates for samples that come in clusters. A cell's repetitions are not independent: those taken in
/// one round share that moment's machine state, and those on one placement of the code share its page
/// offsets and aliasing, so an interval that treats every repetition as independent comes out too narrow
/// (by about 1.3–1.5× here). Each cluster is a batch measured in one round on its own freshly emitted
/// placement, so clusters are independent of each other; each is reduced to its median and the estimates
/// are rank statistics over those medians. The published interval (<see cref="Location"/>) and the
/// regression gate (<see cref="Shift"/>) are the two Hodges–Lehmann estimators over the same cluster medians.
/// </summary>
public static class ClusterStatistics
{
    /// <summary>The median of each cluster, in order of the clusters' first appearance.</summary>
    public static double[] ClusterMedians(IReadOnlyList<double> samples, IReadOnlyList<int> clusters)
    {
        if (samples.Count != clusters.Count)
            throw new ArgumentException($"{samples.Count} samples but {clusters.Count} cluster labels", nameof(clusters));
        var groups = new Dictionary<int, List<double>>();
        var order = new List<int>();
        for (int i = 0; i < samples.Count; i++)
        {
            if (!groups.TryGetValue(clusters[i], out var list))
            {
                groups[clusters[i]] = list = [];
                order.Add(clusters[i]);
            }

            list.Add(samples[i]);
        }

        return [.. order.Select(c => Median(groups[c]))];
    }

    /// <summary>The cell's figure: the pseudo-median of its cluster medians, with the signed-rank interval (none below 6 clusters).</summary>
    public static Estimate Location(IReadOnlyList<double> samples, IReadOnlyList<int> clusters) =>
        RobustStatistics.Center(ClusterMedians(samples, clusters));

    /// <summary>How much the current run's cluster medians exceed the base's: Hodges–Lehmann shift with Moses' exact interval.</summary>
    public static Estimate Shift(IReadOnlyList<double> baseMedians, IReadOnlyList<double> currentMedians) =>
        RobustStatistics.Shift(baseMedians, currentMedians);

    /// <summary>
    /// Cluster labels for samples that recorded none (files written before rounds were recorded): consecutive
    /// groups of <paramref name="batch"/>, the batch size those runs used, stand in for their rounds.
    /// </summary>
    public static int[] ConsecutiveClusters(int count, int batch) => [.. Enumerable.Range(0, count).Select(i => i / batch)];

    static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
