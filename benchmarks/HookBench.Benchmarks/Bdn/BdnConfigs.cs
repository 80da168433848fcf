using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
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
    public static ManualConfig Create(BdnProfile profile, BdnMatrix matrix, string artifactsPath, double coreHz, bool quiet = false)
    {
        // Publish: 30 measured iterations, enough for a rank test (Mann–Whitney, ResultsComparer) on every
        // case. CI: 12, still >= 10, in a quarter of the time.
        var job = profile == BdnProfile.Publish
            ? Job.Default.WithId("publish").WithWarmupCount(6).WithIterationCount(30).WithIterationTime(TimeInterval.FromMilliseconds(100))
            : Job.Default.WithId("ci").WithWarmupCount(4).WithIterationCount(12).WithIterationTime(TimeInterval.FromMilliseconds(60));

        // EvaluateOverhead is set, not inherited: 0.15.8 defaults it to true and BenchmarkDotNet's master
        // flipped the default to false in Feb 2026 (PR #3007), which would silently change what Mean means
        // across a package bump. We turn it off: every case has an explicit baseline (Unhooked) through
        // the very same call path, so the overhead we publish is a difference of two measured means and
        // needs no subtraction of an empty-delegate estimate, which would only add its own noise.
        job = job.WithEvaluateOverhead(false).AsDefault();

        var config = ManualConfig.CreateEmpty();
        if (!quiet)
            config.AddLogger(DefaultConfig.Instance.GetLoggers().ToArray());
        return config
            .AddJob(job)
            .AddColumnProvider(DefaultConfig.Instance.GetColumnProviders().ToArray())
            .AddAnalyser(DefaultConfig.Instance.GetAnalysers().ToArray())
            .AddValidator(DefaultConfig.Instance.GetValidators().ToArray())
            .AddColumn(new OverheadColumn(), new MedianRatioColumn(), new OverheadCyclesColumn(coreHz), new InstructionsColumn())
            .AddExporter(JsonExporter.Full, MarkdownExporter.GitHub, CsvExporter.Default)
            .AddFilter(new MatrixFilter(matrix))
            .WithArtifactsPath(artifactsPath)
            .WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Nanosecond))
            .WithOptions(ConfigOptions.JoinSummary);
    }
}
