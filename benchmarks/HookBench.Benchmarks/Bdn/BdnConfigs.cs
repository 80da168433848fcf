using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using HookBench.Comparison;
using Perfolizer.Horology;

namespace HookBench.Cli.Bdn;

/// <summary>The two BenchmarkDotNet configurations: <c>publish</c> (the default) and <c>ci</c>.</summary>
public enum BdnProfile
{
    Publish,
    Ci,
}

public static class BdnConfigs
{
    /// <summary>Benchmark processes per case.</summary>
    public const int Launches = 6;

    /// <summary>Where the benchmark processes leave their launch files.</summary>
    public static string LaunchDirectory(string artifactsPath) => Path.Combine(Path.GetFullPath(artifactsPath), "launches");

    public static ManualConfig Create(BdnProfile profile, BdnMatrix matrix, string artifactsPath, double coreHz, bool quiet = false, IReadOnlySet<string>? cells = null)
    {
        // A launch (benchmark process) is one sample of the overhead: what differs between processes (the JIT's
        // placement of the call loop, the process's pages) is frozen within one, so iterations inside a launch
        // only make that launch's figure precise. Six launches are the fewest with an exact 95% signed-rank
        // interval. Publish: 10 iterations of 100 ms per launch after 4 warm-ups; CI: 6 of 50 ms after 3.
        var job = profile == BdnProfile.Publish
            ? Job.Default.WithId("publish").WithLaunchCount(Launches).WithWarmupCount(4).WithIterationCount(10).WithIterationTime(TimeInterval.FromMilliseconds(100))
            : Job.Default.WithId("ci").WithLaunchCount(Launches).WithWarmupCount(3).WithIterationCount(6).WithIterationTime(TimeInterval.FromMilliseconds(50));

        // EvaluateOverhead is set, not inherited: 0.15.8 defaults it to true and BenchmarkDotNet's master
        // flipped the default to false in Feb 2026 (PR #3007), which would silently change what Mean means
        // across a package bump. We turn it off: the overhead we publish is hooked − unhooked inside each
        // invocation, and BenchmarkDotNet's Mean (per call of either copy) needs no empty-delegate subtraction.
        job = job.WithEvaluateOverhead(false)
            .WithEnvironmentVariable(BdnLaunches.DirectoryVariable, LaunchDirectory(artifactsPath))
            .AsDefault();
        var launches = new LaunchTable(LaunchDirectory(artifactsPath));

        var config = ManualConfig.CreateEmpty();
        if (!quiet)
            config.AddLogger(DefaultConfig.Instance.GetLoggers().ToArray());
        return config
            .AddJob(job)
            .AddColumnProvider(DefaultConfig.Instance.GetColumnProviders().ToArray())
            .AddAnalyser(DefaultConfig.Instance.GetAnalysers().ToArray())
            .AddValidator(DefaultConfig.Instance.GetValidators().ToArray())
            .AddColumn(new OverheadColumn(launches), new OverheadCyclesColumn(launches, coreHz), new HookedUnhookedColumn(launches), new LaunchesColumn(launches), new InstructionsColumn())
            .AddExporter(JsonExporter.Full, MarkdownExporter.GitHub, CsvExporter.Default)
            .AddFilter(new MatrixFilter(matrix, cells))
            .WithArtifactsPath(artifactsPath)
            .WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Nanosecond))
            .WithOptions(ConfigOptions.JoinSummary);
    }
}
