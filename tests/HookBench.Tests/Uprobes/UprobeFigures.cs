using System.Diagnostics;
using System.Globalization;
using System.Text;
using HookBench.Native;
using HookBench.Native.Kernel;
using HookBench.Uprobes;
using Xunit;
using Xunit.Abstractions;

namespace HookBench.Tests.Uprobes;

/// <summary>
/// First figures for kernel probes on emitted code, on demand only (the machine is shared):
/// <c>HOOKBENCH_KERNEL_FIGURES=1 dotnet test Bench.sln -c Release --filter "Category=KernelFigures"
/// --logger "console;verbosity=detailed"</c>. Each row is a fresh memfd function and a fresh probe: one
/// timed first call, then the median of <see cref="Repetitions"/> blocks of <see cref="Calls"/> dependent
/// calls (Stopwatch, thread pinned). What it asserts is correctness (results and exact counts), never time.
/// </summary>
[Collection(KernelProbeCollection.Name)]
public class UprobeFigures(ITestOutputHelper output)
{
    const string Switch = "HOOKBENCH_KERNEL_FIGURES";
    const int Calls = 10_000;
    const int Repetitions = 5;

    sealed record Row(string Site, string Probe, string Program, double FirstCallNs, double MedianNsPerCall, double BestNsPerCall, string SiteAfter);

    [SkippableFact]
    [Trait("Category", "KernelFigures")]
    public void Per_call_cost_of_uprobes_and_uretprobes_on_the_emitted_function()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable(Switch) == "1", $"figures run on demand: set {Switch}=1");
        KernelProbeSkips.RequireLinuxX64();
        var probes = KernelProbes.ForThisProcess();
        var allowed = ThreadPinning.AllowedCpus();
        ThreadPinning.PinCurrentThread(allowed[^1]);
        try
        {
            var rows = new List<Row> { Measure(probes, "-", "none", null, ProbeKind.Entry, ProbeProgram.None) };
            foreach (var (site, kind) in new[] { ("nop5", ProbeKind.Entry), ("nop5 across pages", ProbeKind.Entry), ("push rbp", ProbeKind.Entry), ("lea", ProbeKind.Entry), ("nop5", ProbeKind.Return) })
            {
                foreach (var program in new[] { ProbeProgram.None, ProbeProgram.Empty, ProbeProgram.Counter })
                    rows.Add(Measure(probes, site, kind == ProbeKind.Return ? "uretprobe" : "uprobe", site, kind, program));
            }

            output.WriteLine(Table(rows, KernelSymbols.Read()));
        }
        finally
        {
            ThreadPinning.Unpin(allowed);
        }
    }

    static Row Measure(KernelProbes probes, string siteName, string probe, string? site, ProbeKind kind, ProbeProgram program)
    {
        // A nop5 that straddles a page is never optimized (can_optimize), so it shows the int3 path of the same instruction.
        using var function = ProbedFunction.Emit(site == "nop5 across pages" ? CodeArena.PageSize - 2 : 0);
        Assert.Equal(ProbedFunction.Expected(1), function.Call(1));   // fault the page in before timing
        int offset = site switch
        {
            null or "nop5" or "nop5 across pages" => ProbedFunction.Nop5Offset,
            "push rbp" => function.PushRbpOffset,
            _ => function.LeaOffset,
        };
        using var attachment = site is null ? null : KernelProbeSkips.Require(probes.Attach(function.Site(offset), kind, program));

        if (site is "nop5")
            function.Arena.ReleaseTrampolineRoom();   // room for the 6.18 trampoline within ±2 GB
        long start = Stopwatch.GetTimestamp();
        ulong first = function.Call(1);
        double firstNs = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
        Assert.Equal(ProbedFunction.Expected(1), first);
        string after = site is null ? "-" : function.SiteState(offset).Kind.ToString();

        var perCall = new double[Repetitions];
        for (int r = 0; r < Repetitions; r++)
        {
            start = Stopwatch.GetTimestamp();
            ulong result = function.Call(Calls);
            perCall[r] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / Calls;
            Assert.Equal(ProbedFunction.Expected(Calls), result);
        }

        if (program == ProbeProgram.Counter)
            Assert.Equal(1UL + ((ulong)Repetitions * Calls), attachment!.CountedHits);
        Array.Sort(perCall);
        return new Row(siteName, probe, program.ToString().ToLowerInvariant(), firstNs, perCall[Repetitions / 2], perCall[0], after);
    }

    static string Table(List<Row> rows, KernelSymbols? symbols)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"kernel {Environment.OSVersion.Version}; kallsyms: {symbols}; load {File.ReadAllText("/proc/loadavg").Trim()}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{Calls} dependent calls per block, {Repetitions} blocks: median and best block; first call timed alone");
        text.AppendLine("| site | probe | BPF program | first call (ns) | median (ns/call) | best (ns/call) | site after first hit |");
        text.AppendLine("|---|---|---|---:|---:|---:|---|");
        foreach (var row in rows)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Site} | {row.Probe} | {row.Program} | {row.FirstCallNs:F0} | {row.MedianNsPerCall:F1} | {row.BestNsPerCall:F1} | {row.SiteAfter} |");
        return text.ToString();
    }
}
