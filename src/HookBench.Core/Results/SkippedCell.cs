namespace HookBench.Results;

/// <summary>A cell that was not measured: its key, and which facility was unavailable, why and how to enable it.</summary>
public sealed record SkippedCell(string Cell, string Reason)
{
    /// <summary>One line per refusal: which cells, then the facility, why and how to enable it.</summary>
    public static IEnumerable<string> Lines(IEnumerable<SkippedCell> skipped) =>
        skipped.GroupBy(s => s.Reason).Select(g =>
            $"skipped {g.Count()} cell{(g.Count() == 1 ? "" : "s")} ({string.Join(", ", g.Select(s => s.Cell))}): {g.Key}");
}
