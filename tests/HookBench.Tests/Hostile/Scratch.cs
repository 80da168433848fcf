using System.Text.Json.Nodes;
using HookBench.Tests.Cli;
using Xunit;

namespace HookBench.Tests.Hostile;

/// <summary>A temporary folder with a real summary and a real BenchmarkDotNet report in it, and helpers to damage copies.</summary>
public sealed class Scratch : IDisposable
{
    public string Dir { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hookbench-hostile-" + Guid.NewGuid().ToString("N"));

    public Scratch()
    {
        Directory.CreateDirectory(Dir);
        Good = Write("good/summary.json", RealResults.SummaryText());
        Report = Write("bdn/results/x-report-full.json", RealResults.ReportText());
    }

    /// <summary>A real summary.json (six cells of the published run).</summary>
    public string Good { get; }

    /// <summary>A real BenchmarkDotNet report (its first four benchmarks).</summary>
    public string Report { get; }

    public string Path(string relative) => System.IO.Path.Combine(Dir, relative);

    public string Write(string relative, string content)
    {
        string path = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A copy of the real summary changed by <paramref name="change"/> on its JSON tree.</summary>
    public string Summary(string name, Action<JsonObject> change)
    {
        var node = JsonNode.Parse(RealResults.SummaryText())!.AsObject();
        change(node);
        return Write(name, node.ToJsonString());
    }

    /// <summary>A copy of the real summary with text replaced (for what a tree cannot hold: NaN, duplicate fields, bytes).</summary>
    public string SummaryText(string name, Func<string, string> change) => Write(name, change(RealResults.SummaryText()));

    /// <summary>A copy of the real BenchmarkDotNet report changed by <paramref name="change"/>.</summary>
    public string BdnReport(string name, Action<JsonObject> change)
    {
        var node = JsonNode.Parse(RealResults.ReportText())!.AsObject();
        change(node);
        return Write(name, node.ToJsonString());
    }

    /// <summary>Every file and folder under the scratch folder, for "nothing was written" checks.</summary>
    public IReadOnlyList<string> Entries() =>
        [.. Directory.EnumerateFileSystemEntries(Dir, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }).Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Runs the CLI in-process and asserts the bad-input contract: exit 2, one line naming the problem, no trace, no output.</summary>
    public static string Refused(string expected, params string[] args)
    {
        var (exit, output, error) = CliHarness.Run(args);
        Assert.True(exit == 2, $"{string.Join(' ', args)} → exit {exit}; stderr: {error}; stdout: {output}");
        AssertOneLine(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
        return error;
    }

    public static void AssertOneLine(string error)
    {
        Assert.StartsWith("hookbench: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
    }
}
