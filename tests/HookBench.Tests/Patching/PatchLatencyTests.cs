using System.Text.Json;
using HookBench.Patching;
using HookBench.Patching.Latency;
using HookBench.Tests.Cli;
using Xunit;

namespace HookBench.Tests.Patching;

/// <summary>patch-latency: what each patcher costs in syncs, the rows and files it writes, and its bad input (never timing values).</summary>
[Collection(SigtrapCollection.Name)]
public class PatchLatencyTests
{
    [SkippableFact]
    public void Each_patcher_issues_the_syncs_its_protocol_prescribes_and_rows_cover_every_size()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "live patching needs a memfd arena (Linux)");
        var settings = new PatchLatencySettings { Sizes = [1, 16], Reps = 6, Callers = 1, SyncSamples = 11 };
        var result = PatchLatency.Run(settings, "test");

        Assert.Equal(6, result.Rows.Count);
        double Syncs(string patcher, int sites) => result.Rows.Single(r => r.Patcher == patcher && r.Sites == sites).SyncsPerAttach;
        Assert.Equal(3, Syncs("int3", 1));
        Assert.Equal(48, Syncs("int3", 16));      // three per site
        Assert.Equal(3, Syncs("batch", 1));
        Assert.Equal(3, Syncs("batch", 16));      // three per batch
        Assert.Equal(1, Syncs("atomic", 16));     // one per batch
        Assert.All(result.Rows, r =>
        {
            Assert.Equal(r.AttachUs.Median / r.Sites, r.AttachPerSiteUs.Median, 9);
            Assert.True(r.AttachUs.CiLow <= r.AttachUs.Median && r.AttachUs.Median <= r.AttachUs.CiHigh);
            Assert.Equal(6, r.Reps);
        });
        Assert.Equal(PatchLatencyResult.CurrentSchema, result.Schema);
        Assert.Equal(0, TrapEmulator.Shared.InFlightSites);
    }

    [SkippableFact]
    public void The_verb_writes_json_markdown_and_the_chart()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "live patching needs a memfd arena (Linux)");
        string directory = Path.Combine(Path.GetTempPath(), $"hookbench-latency-{Guid.NewGuid():N}");
        try
        {
            var (exit, output, error) = CliHarness.Run("patch-latency", "--patchers", "batch,atomic", "--sizes", "1,4", "--reps", "3", "--callers", "1", "--out", directory);
            Assert.Equal(0, exit);
            Assert.Equal(string.Empty, error);
            Assert.Contains("| batch | 4 |", output, StringComparison.Ordinal);
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "patch-latency.json")));
            Assert.Equal("hookbench.patch-latency/1", json.RootElement.GetProperty("schema").GetString());
            Assert.Equal(4, json.RootElement.GetProperty("rows").GetArrayLength());
            Assert.True(json.RootElement.GetProperty("rows")[0].GetProperty("attach_us").TryGetProperty("ci_high", out _));
            string markdown = File.ReadAllText(Path.Combine(directory, "patch-latency.md"));
            Assert.Contains("| patcher | sites | attach µs | per site µs |", markdown, StringComparison.Ordinal);
            Assert.Contains("| atomic | 1 |", markdown, StringComparison.Ordinal);
            string svg = File.ReadAllText(Path.Combine(directory, "attach-cost-per-site.svg"));
            Assert.StartsWith("<?xml", svg, StringComparison.Ordinal);
            Assert.Contains("sites per batch", svg, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
    }

    [SkippableTheory]
    [InlineData("patcher unsafe runs only in child processes (hookbench patch-stress --patcher unsafe); valid for patch-latency: int3, batch, atomic", "--patchers", "int3,unsafe")]
    [InlineData("unknown patcher 'poke'; valid: int3, batch, atomic, unsafe", "--patchers", "poke")]
    [InlineData("--sizes value must be an integer in 1..4096; got '8192'", "--sizes", "1,8192")]
    [InlineData("--reps must be an integer in 3..10000; got '1'", "--reps", "1")]
    public void Bad_input_is_one_line_and_exit_2(string message, params string[] args)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "patch-latency is Linux-only");
        var (exit, output, error) = CliHarness.Run(["patch-latency", .. args]);
        Assert.Equal(2, exit);
        Assert.Equal($"hookbench: {message}\n", error.ReplaceLineEndings("\n"));
        Assert.Equal(string.Empty, output);
    }
}
