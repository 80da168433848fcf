namespace HookBench.Results;

/// <summary>A cell that was not measured: its key, and which facility was unavailable, why and how to enable it (one line).</summary>
public sealed record SkippedCell(string Cell, string Reason)
{
    /// <summary>What was unavailable ("kernel uprobes", "BPF programs on kernel probes").</summary>
    public string? Facility { get; init; }

    /// <summary>What to change to enable it.</summary>
    public string? Remedy { get; init; }

    /// <summary>
    /// One line per refusal, however many cells it hit: which cells, then the facility, why (the first cell's
    /// reason: cells differ only in the probed file's path) and how to enable it.
    /// </summary>
    public static IEnumerable<string> Lines(IEnumerable<SkippedCell> skipped) =>
        skipped.GroupBy(s => (s.Facility ?? s.Reason, s.Remedy)).Select(g =>
            $"skipped {g.Count()} cell{(g.Count() == 1 ? "" : "s")} ({string.Join(", ", g.Select(s => s.Cell))}): {g.First().Reason}");
}
