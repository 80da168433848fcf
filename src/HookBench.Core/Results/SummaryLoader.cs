namespace HookBench.Results;

/// <summary>What a verb does with cells this build does not know (see <see cref="SummaryValidation.ForeignCells"/>).</summary>
public enum ForeignCellPolicy
{
    /// <summary>Refuse the file: the verb lays cells out by what it knows (report, publish).</summary>
    Refuse,

    /// <summary>Keep them: the verb needs only names and numbers (machine, compare, which marks them).</summary>
    Allow,
}

/// <summary>The one way a verb reads a summary.json from disk: bounded, streamed, strict and validated.</summary>
public static class SummaryLoader
{
    public const string FileName = "summary.json";

    /// <summary>The summary.json a path names: the file itself, or the one in a folder.</summary>
    public static string Locate(string path)
    {
        string resolved = ResultFileReader.Resolve(path, "a summary.json or a result folder holding one");
        if (!Directory.Exists(resolved))
            return resolved;
        string file = Path.Combine(resolved, FileName);
        if (!File.Exists(file) && !Directory.Exists(file))
            throw new UsageException($"{path} holds no {FileName}; give a result folder written by 'hookbench run' or 'publish', or the file itself");
        return file;
    }

    public static RunSummary Load(string path, ForeignCellPolicy policy, string verb)
    {
        string file = Locate(path);
        var summary = ResultFileReader.Read(file, stream => SummaryJson.Read(stream, file));
        if (policy == ForeignCellPolicy.Refuse)
            RefuseForeign(file, summary, verb);
        return summary;
    }

    public static void RefuseForeign(string source, RunSummary summary, string verb)
    {
        var foreign = SummaryValidation.ForeignCells(summary);
        if (foreign.Count == 0)
            return;
        string more = foreign.Count > 1 ? $" and {foreign.Count - 1} more" : string.Empty;
        throw new UsageException(
            $"{source}: cell {foreign[0]}{more} uses a strategy, axis value or combination this build does not know; {verb} lays out only cells it knows (use the build that wrote the file)");
    }
}
