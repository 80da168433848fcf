using HookBench.Tests.Cli;
using HookBench.Tests.Measurement;
using Xunit;

namespace HookBench.Tests.Reporting;

[Collection(TimingCollection.Name)]
public sealed class PublishTests : IDisposable
{
    readonly string _results = Path.Combine(Path.GetTempPath(), "hookbench-publish-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_results))
            Directory.Delete(_results, recursive: true);
    }

    [Fact]
    public void Publish_writes_the_machine_folder_with_charts_and_listings_and_regenerates_the_page()
    {
        Directory.CreateDirectory(_results);
        var (exit, _, error) = CliHarness.Run("publish", "--skip-bdn", "--results", _results);
        Assert.True(exit == 0, error);
        string machine = Assert.Single(Directory.GetDirectories(_results));
        string slug = Path.GetFileName(machine);
        foreach (string file in new[] { "summary.json", "summary.md", "summary.csv", "charts/overhead-vs-args.svg", "charts/overhead-at-2-args.svg", "disasm/direct.txt", "disasm/full-regs.txt",
            "disasm/direct-fexit-jmp.txt", "disasm/thunks.txt", "charts/mitigations-at-2-args.svg", "charts/overhead-vs-functions.svg", "charts/overhead-by-caller.svg", "disasm/uprobe-trap.txt" })
            Assert.True(File.Exists(Path.Combine(machine, file)), file);
        Assert.Contains("kernel uprobe on push rbp", File.ReadAllText(Path.Combine(machine, "disasm", "uprobe-trap.txt")), StringComparison.Ordinal);
        // The ladder's kernel rungs run where this machine permits kernel probes; elsewhere they are skipped with one line.
        string json = File.ReadAllText(Path.Combine(machine, "summary.json"));
        bool probed = json.Contains("\"strategy\": \"uprobe-sstep\"", StringComparison.Ordinal);
        Assert.True(probed || json.Contains("\"cell\": \"uprobe-sstep/2/empty/throughput/bpf=counter\"", StringComparison.Ordinal));
        Assert.Equal(probed, File.Exists(Path.Combine(machine, "charts", "ladder-log.svg")));
        Assert.Contains("push   rbp", File.ReadAllText(Path.Combine(machine, "disasm", "direct.txt")), StringComparison.Ordinal);
        string thunks = File.ReadAllText(Path.Combine(machine, "disasm", "thunks.txt"));
        foreach (string thunk in new[] { "__x86_return_thunk", "srso_return_thunk", "call_depth_return_thunk", "__x86_indirect_thunk_rax", "__x86_indirect_call_thunk_rax" })
            Assert.Contains($"{thunk} (profile ", thunks, StringComparison.Ordinal);
        string page = File.ReadAllText(Path.Combine(_results, "README.md"));
        Assert.Contains("### What mitigations cost a hook", page, StringComparison.Ordinal);
        Assert.Contains($"## {slug}", page, StringComparison.Ordinal);
        Assert.Contains($"({slug}/charts/overhead-vs-args.svg)", page, StringComparison.Ordinal);
        Assert.Equal(probed, page.Contains("### The ladder: from a direct call to the kernel's probes", StringComparison.Ordinal));
        Assert.Contains("| min-regs | shared trampoline + lookup by ip |", page, StringComparison.Ordinal);
        Assert.Contains($"({slug}/charts/overhead-by-caller.svg)", page, StringComparison.Ordinal);
    }
}
