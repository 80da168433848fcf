using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using HookBench.Comparison;
using HookBench.Results;

namespace HookBench.Cli;

/// <summary>
/// <c>hookbench ab BUILD_A BUILD_B</c>: the comparison a noisy cloud runner can gate on. Two builds run
/// alternately on this machine in one job (A B B A …, each a separate <c>hookbench run</c> process of that
/// build), then each build's runs are merged and compared with the same estimator and gate as <c>compare</c>.
/// Whatever the machine does during the job (a clock change, a noisy neighbour) lands on both builds.
/// Exit 0 when nothing got slower, 1 on a regression, 2 on bad input.
/// </summary>
public static class AbCommand
{
    public const string Dll = "hookbench.dll";

    public static Command Create(TextWriter output)
    {
        var buildA = new Argument<string>("BUILD_A") { Description = $"The base build: a folder holding {Dll} (its bin/Release/net10.0), or a checkout whose build is there" };
        var buildB = new Argument<string>("BUILD_B") { Description = "The build under test, the same way" };
        var pairs = new Option<string>("--pairs") { Description = "Runs of each build, alternating A B B A …, 1..20 (default: 2)" };
        var outDir = new Option<string>("--out") { Description = "Folder for each run and compare.md (default: results/runs/ab-<UTC>/)" };
        var threshold = new Option<string>("--threshold") { Description = "Practical threshold relative to the base, e.g. 5% (default)" };
        var noise = new Option<string>("--noise") { Description = "Noise floor in ns (default 0.1)" };
        var runArgs = new Argument<string[]>("RUN_OPTIONS") { Description = "Options for each 'hookbench run' after --, e.g. -- --strategies min-regs --mode serialized", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("ab", "Run two builds alternately on this machine and compare them (the gate for pull requests on shared runners).")
        {
            buildA, buildB, runArgs, pairs, outDir, threshold, noise,
        };
        command.SetAction(parse =>
        {
            string a = ResolveBuild(parse.GetValue(buildA)!, "BUILD_A");
            string b = ResolveBuild(parse.GetValue(buildB)!, "BUILD_B");
            int count = CommonOptions.ParseInt(parse.GetValue(pairs), "--pairs", 1, 20, 2);
            var thresholds = new Thresholds(
                CompareCommand.ParseFraction(parse.GetValue(threshold) ?? "5%"),
                CompareCommand.ParseNoise(parse.GetValue(noise) ?? "0.1"));
            string[] extra = parse.GetValue(runArgs) ?? [];
            if (extra.Any(x => x is "--out"))
                throw new UsageException("ab chooses each run's --out itself; give the folder for all of them as ab's own --out");
            string directory = parse.GetValue(outDir) ?? Path.Combine(ResultsFolders.RepositoryRoot(), "results", "runs", "ab-" + DateTime.UtcNow.ToString("yyyyMMddTHHmmssZ", CultureInfo.InvariantCulture));
            directory = OutputPaths.CheckFolder(directory, "--out", ["compare.md"]);

            var runs = new Dictionary<char, List<ComparableRun>> { ['A'] = [], ['B'] = [] };
            var schedule = RunMerge.Schedule(count);
            for (int i = 0; i < schedule.Count; i++)
            {
                char side = schedule[i];
                string runDir = Path.Combine(directory, $"{i + 1:00}-{char.ToLowerInvariant(side)}");
                output.WriteLine($"ab: run {i + 1} of {schedule.Count}: build {side} -> {runDir}");
                RunChild(side == 'A' ? a : b, runDir, extra);
                runs[side].Add(RunLoader.Load(runDir));
            }

            var report = Comparer.Compare(RunMerge.Merge($"A ({a}, {count} runs)", runs['A']), RunMerge.Merge($"B ({b}, {count} runs)", runs['B']), thresholds);
            string text = $"Same-job A/B: {count} run{(count == 1 ? "" : "s")} of each build alternated {new string([.. schedule])} on this machine.\n\n" + ComparisonMarkdown.Render(report);
            AtomicFiles.WriteAll(directory, new Dictionary<string, string> { ["compare.md"] = text });
            output.Write(text);
            return report.HasRegression ? HookBenchCli.Failed : HookBenchCli.Ok;
        });
        return command;
    }

    /// <summary>A build folder holding hookbench.dll, or a checkout with a Release build.</summary>
    static string ResolveBuild(string path, string name)
    {
        foreach (string candidate in new[] { path, Path.Combine(path, "benchmarks", "HookBench.Benchmarks", "bin", "Release", "net10.0") })
        {
            if (File.Exists(Path.Combine(candidate, Dll)))
                return Path.GetFullPath(candidate);
        }

        throw new UsageException($"{name} {path} holds no {Dll}; give a build folder (bin/Release/net10.0) or a checkout built with 'dotnet build -c Release'");
    }

    static void RunChild(string build, string runDir, IReadOnlyList<string> extra)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { Path.Combine(build, Dll), "run", "--out", runDir }.Concat(extra))
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new UsageException($"could not start dotnet {Path.Combine(build, Dll)}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = stdout.Result;
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(runDir, "summary.json")))
        {
            string why = stderr.Trim().Split('\n').LastOrDefault(l => l.Length > 0) ?? $"exit {process.ExitCode}";
            throw new UsageException($"the run of {build} failed ({why})");
        }
    }
}
