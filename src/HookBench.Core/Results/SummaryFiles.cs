namespace HookBench.Results;

/// <summary>
/// The one writer of a run's summary files (summary.json, .md, .csv), used by run and publish. A summary is
/// validated as a reader would validate it before anything is written, so HookBench never writes a file it
/// would refuse to read.
/// </summary>
public static class SummaryFiles
{
    public static IReadOnlyList<string> Names { get; } = [SummaryLoader.FileName, "summary.md", "summary.csv"];

    /// <summary>The three files by name (under <paramref name="folder"/>, '/'-separated, when given).</summary>
    public static IReadOnlyDictionary<string, string> Render(RunSummary summary, string folder = "")
    {
        string json = Json(summary);
        string prefix = folder.Length == 0 ? string.Empty : folder.TrimEnd('/') + "/";
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [prefix + Names[0]] = json,
            [prefix + Names[1]] = SummaryMarkdown.Render(summary),
            [prefix + Names[2]] = SummaryCsv.Render(summary),
        };
    }

    /// <summary>Writes the three files into <paramref name="directory"/> all or nothing (check it first with <see cref="OutputPaths.CheckFolder"/>).</summary>
    public static void Write(string directory, RunSummary summary) => AtomicFiles.WriteAll(directory, Render(summary));

    /// <summary>summary.json's text, after the reader's validation (a measured NaN is a bug, not a file).</summary>
    public static string Json(RunSummary summary)
    {
        try
        {
            SummaryValidation.Validate(summary, "the measured run");
        }
        catch (UsageException e)
        {
            throw new InvalidOperationException($"refusing to write a summary HookBench could not read back: {e.Message}", e);
        }

        return SummaryJson.Serialize(summary);
    }
}
