using HookBench.Machine;
using HookBench.Results;
using HookBench.Tests.Results;
using Xunit;

namespace HookBench.Tests.Cli;

public sealed class MachineCommandTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "hookbench-machine-" + Guid.NewGuid().ToString("N"));

    public MachineCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_result_folder_or_file_prints_its_slug()
    {
        var sample = SummaryFilesTests.Sample(("direct", 2.0));
        var summary = sample with { Environment = sample.Environment with { Cpu = "AMD EPYC", CpuFamily = 26, CpuModel = 2, Microarchitecture = "Zen 5", LogicalCpus = 2 } };
        File.WriteAllText(Path.Combine(_dir, "summary.json"), SummaryJson.Serialize(summary));
        Assert.Equal((0, "amd-epyc-zen5-f26m2s1-kvm-2cpu\n", string.Empty), Normalize(CliHarness.Run("machine", _dir)));
        Assert.Equal((0, "amd-epyc-zen5-f26m2s1-kvm-2cpu\n", string.Empty), Normalize(CliHarness.Run("machine", Path.Combine(_dir, "summary.json"))));
    }

    [Fact]
    public void Without_a_result_it_names_this_machine()
    {
        var (exit, output, _) = CliHarness.Run("machine");
        var signature = CpuSignature.Current();
        Assert.Equal(0, exit);
        Assert.Contains($"-f{signature.Family}m{signature.Model}s{signature.Stepping}-", output, StringComparison.Ordinal);
        Assert.EndsWith($"-{Environment.ProcessorCount}cpu", output.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_without_a_summary_is_one_line_and_exit_2()
    {
        var (exit, output, error) = CliHarness.Run("machine", _dir);
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Equal($"hookbench: {_dir} holds no summary.json; give a result folder written by 'hookbench run' or 'publish', or the file itself\n", error.ReplaceLineEndings("\n"));
    }

    static (int, string, string) Normalize((int Exit, string Out, string Err) run) => (run.Exit, run.Out.ReplaceLineEndings("\n"), run.Err);
}
