using System.Text.Json.Nodes;
using HookBench.Tests.Cli;
using Xunit;

namespace HookBench.Tests.Hostile;

/// <summary>
/// hookbench-launches.json, beside a BenchmarkDotNet report, carries the per-launch samples compare gates on: it is
/// untrusted input like the report, so a damaged one is refused in one line (exit 2), never half-read.
/// </summary>
public sealed class LaunchesFileTests : IDisposable
{
    readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "hookbench-launches-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static JsonObject Launches() => JsonNode.Parse(
        """{"direct/2/empty/throughput": [{"key": "direct/2/empty/throughput", "overhead_ns": 1.9, "hooked_ns": 3.5, "unhooked_ns": 1.6, "invocations": 1000}]}""")!.AsObject();

    static JsonObject FirstLaunch(JsonObject root) => root["direct/2/empty/throughput"]![0]!.AsObject();

    public static TheoryData<string, string> Damages() => new()
    {
        { "overhead 1e300", "times that are not finite ns within one second" },
        { "hooked 0", "times that are not finite ns within one second" },
        { "no invocations", "times that are not finite ns within one second" },
        { "null list", "lists no launches" },
        { "foreign key", "filed under another key" },
        { "empty", "holds no launches" },
        { "truncated", "corrupt JSON" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_damaged_launches_file_is_refused_in_one_line(string damage, string message)
    {
        string folder = Directory.CreateDirectory(Path.Combine(_dir, Guid.NewGuid().ToString("N"))).FullName;
        string report = Path.Combine(folder, "HookBench.Cli.Bdn.HookBenchmarks-report-full.json");
        File.WriteAllText(report, RealResults.ReportText(4, measurements: false));
        var root = Launches();
        string text = damage switch
        {
            "overhead 1e300" => Set(root, "overhead_ns", 1e300),
            "hooked 0" => Set(root, "hooked_ns", 0),
            "no invocations" => Set(root, "invocations", 0),
            "null list" => Replace(root, null),
            "foreign key" => Set(root, "key", "min-regs/2/empty/throughput"),
            "empty" => "{}",
            _ => root.ToJsonString()[..20],
        };
        File.WriteAllText(Path.Combine(folder, "hookbench-launches.json"), text);

        var (exit, _, error) = CliHarness.Run("compare", report, report);
        Assert.True(exit == 2, $"{damage} → {exit}: {error}");
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    static string Set(JsonObject root, string field, JsonNode? value)
    {
        FirstLaunch(root)[field] = value;
        return root.ToJsonString();
    }

    static string Replace(JsonObject root, JsonNode? list)
    {
        root["direct/2/empty/throughput"] = list;
        return root.ToJsonString();
    }
}
