using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using HookBench.Cells;
using HookBench.Measurement;

namespace HookBench.Cli.Bdn;

/// <summary>
/// Runs the BenchmarkDotNet suite: <c>dotnet run -c Release</c> with no arguments runs the standard matrix
/// with the publish config, unattended. HookBench's own options (<c>--matrix standard|full|mitigations|crosscheck|attach</c>,
/// <c>--config publish|ci</c>, <c>--cells KEY,KEY</c> to keep only those cells of the matrix) are taken out; everything else goes to BenchmarkDotNet (<c>--filter</c>,
/// <c>--job</c>, <c>--list flat</c>, <c>--exporters</c>, ...).
/// </summary>
public static class BdnRunner
{
    public static int Run(string[] args, TextWriter error)
    {
        var rest = new List<string>();
        var matrix = BdnMatrix.Standard;
        var profile = BdnProfile.Publish;
        HashSet<string>? cells = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--matrix":
                    matrix = ParseEnum<BdnMatrix>(Next(args, ref i), "--matrix");
                    break;
                case "--config":
                    profile = ParseEnum<BdnProfile>(Next(args, ref i), "--config");
                    break;
                case "--cells":
                    cells = ParseCells(Next(args, ref i));
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }

        // Checked before any work (clock calibration, builds): BenchmarkDotNet's parser would otherwise
        // complain only after calibrating, and return no summaries, which used to look like success.
        bool helpOnly = BdnArguments.AsksForHelp(rest);
        bool listOnly = !helpOnly && BdnArguments.Validate([.. rest]);
        bool hasArtifacts = rest.Any(a => a is "-a" or "--artifacts");
        string artifacts = hasArtifacts ? string.Empty : Path.Combine(ResultsFolders.NewRunFolder(), "bdn");
        // A filter keeps BenchmarkSwitcher from asking which benchmarks to run: the run is unattended.
        if (!rest.Any(a => a is "-f" or "--filter"))
            rest.AddRange(["--filter", "*"]);

        Console.WriteLine($"HookBench BenchmarkDotNet suite: matrix {matrix.ToString().ToLowerInvariant()}, config {profile.ToString().ToLowerInvariant()}"
            + (hasArtifacts ? string.Empty : $", artifacts {artifacts}"));
        var clocks = ClockCalibration.Calibrate();
        var config = BdnConfigs.Create(profile, matrix, hasArtifacts ? Path.Combine(ResultsFolders.NewRunFolder(), "bdn") : artifacts, clocks.CoreHz, cells: cells);
        BdnOverheads.Reset(BdnConfigs.LaunchDirectory(config.ArtifactsPath));
        IEnumerable<Summary> summaries = BenchmarkSwitcher.FromTypes([typeof(HookBenchmarks)]).Run([.. rest], config);
        var all = summaries.ToList();
        foreach (var summary in all)
            BdnOverheads.Publish(BdnConfigs.LaunchDirectory(config.ArtifactsPath), summary.ResultsDirectoryPath);
        if (all.Count == 0 && !helpOnly && !listOnly)
            throw new UsageException("BenchmarkDotNet ran nothing (the filter matched no benchmark, or it refused the arguments above); list the benchmarks with 'hookbench --list flat'");
        bool failed = all.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        if (failed)
            error.WriteLine("hookbench: some BenchmarkDotNet cases failed (see the log above)");
        return failed ? HookBenchCli.Failed : HookBenchCli.Ok;
    }

    /// <summary>Cell keys (strategy/args/handler/mode), comma-separated; each must name a valid cell.</summary>
    static HashSet<string> ParseCells(string text)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!CellKey.TryParse(part, out var key, out string? error))
                throw new UsageException($"--cells '{part}': {error}");
            keys.Add(key!.Text);
        }

        return keys.Count > 0 ? keys : throw new UsageException("--cells needs at least one strategy/args/handler/mode key");
    }

    static string Next(string[] args, ref int i) =>
        i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");

    static T ParseEnum<T>(string text, string option) where T : struct, Enum =>
        Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw new UsageException($"{option} '{text}' is not valid; valid: {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");
}
