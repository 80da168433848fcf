using HookBench.Native;
using HookBench.Native.Kernel;
using HookBench.Uprobes;
using HookBench.Uprobes.Ebpf;
using Xunit;

namespace HookBench.Tests.Uprobes;

/// <summary>
/// The real kernel on emitted code: uprobes and uretprobes on a memfd-backed function, with the
/// counter program counting hits. Every assertion is about correctness: the count is exact, the
/// function still returns the right values, and the original bytes come back.
/// </summary>
[Collection(KernelProbeCollection.Name)]
public class UprobeTests
{
    const int Calls = 1000;

    static (KernelProbes Probes, ProbedFunction Function) Setup()
    {
        KernelProbeSkips.RequireLinuxX64();
        return (KernelProbes.ForThisProcess(), ProbedFunction.Emit());
    }

    [SkippableFact]
    public void A_uprobe_on_the_nop5_with_the_counter_program_counts_every_call_exactly()
    {
        var (probes, function) = Setup();
        using var _ = function;
        using var attachment = KernelProbeSkips.Require(probes.Attach(function.Site(ProbedFunction.Nop5Offset), ProbeKind.Entry, ProbeProgram.Counter));

        Assert.Equal(0UL, attachment.CountedHits);
        Assert.Equal(ProbedFunction.Expected(Calls), function.Call(Calls));
        Assert.Equal((ulong)Calls, attachment.CountedHits);
        Assert.Equal(ProbedFunction.Expected(1), function.Call(1));
        Assert.Equal((ulong)Calls + 1, attachment.CountedHits);
    }

    [SkippableFact]
    public void The_empty_program_loads_and_attaches_and_the_function_still_works()
    {
        var (probes, function) = Setup();
        using var _ = function;
        using (var loaded = KernelProbeSkips.Require(probes.Load(BpfPrograms.Empty())))
            Assert.True(loaded.Fd > 0);
        using var attachment = KernelProbeSkips.Require(probes.Attach(function.Site(ProbedFunction.Nop5Offset), ProbeKind.Entry, ProbeProgram.Empty));
        Assert.Null(attachment.CountedHits);
        Assert.Equal(ProbedFunction.Expected(Calls), function.Call(Calls));
    }

    [SkippableFact]
    public void A_uretprobe_with_the_counter_program_counts_every_return_exactly()
    {
        var (probes, function) = Setup();
        using var _ = function;
        using var attachment = KernelProbeSkips.Require(probes.Attach(function.Site(ProbedFunction.Nop5Offset), ProbeKind.Return, ProbeProgram.Counter));
        Assert.Equal(ProbedFunction.Expected(Calls), function.Call(Calls));
        Assert.Equal((ulong)Calls, attachment.CountedHits);
    }

    [SkippableTheory]
    [InlineData("push rbp (emulated)")]
    [InlineData("lea (single-stepped out of line)")]
    public void Uprobes_inside_the_function_keep_its_results_and_count_exactly(string site)
    {
        var (probes, function) = Setup();
        using var _ = function;
        int offset = site.StartsWith("push", StringComparison.Ordinal) ? function.PushRbpOffset : function.LeaOffset;
        using var attachment = KernelProbeSkips.Require(probes.Attach(function.Site(offset), ProbeKind.Entry, ProbeProgram.Counter));
        Assert.Equal(ProbedFunction.Expected(Calls), function.Call(Calls));
        Assert.Equal((ulong)Calls, attachment.CountedHits);
        Assert.Equal(ProbedSiteKind.Breakpoint, function.SiteState(offset).Kind);   // only a nop5 is ever rewritten into a call
    }

    [SkippableFact]
    public void After_the_first_hit_a_nop5_uprobe_becomes_a_call_into_the_uprobe_trampoline_where_the_kernel_optimizes()
    {
        var (probes, function) = Setup();
        using var _ = function;
        using var attachment = KernelProbeSkips.Require(probes.Attach(function.Site(ProbedFunction.Nop5Offset), ProbeKind.Entry, ProbeProgram.Counter));
        Assert.Equal(ProbedSiteKind.Breakpoint, function.SiteState(ProbedFunction.Nop5Offset).Kind);

        // The trampoline needs a free page within ±2 GB; a .NET process often has none near a fresh mapping.
        function.Arena.ReleaseTrampolineRoom();
        Assert.Equal(ProbedFunction.Expected(1), function.Call(1));
        ProbedSiteState state = function.SiteState(ProbedFunction.Nop5Offset);
        if (KernelSymbols.Read() is { Nop5Optimization: true })
        {
            // ba2bfc97b462: the first hit traps, then swbp_optimize writes call <trampoline> over the nop5.
            Assert.Equal(ProbedSiteKind.OptimizedCall, state.Kind);
            var trampoline = ProcessMapping.Containing(state.CallTarget!.Value);
            Assert.NotNull(trampoline);
            Assert.InRange((long)(state.CallTarget.Value - function.Entry), int.MinValue, int.MaxValue);
            Assert.Equal(ProcessMapping.UprobeTrampolineName, trampoline.Name);
            Assert.Equal("r-xp", trampoline.Permissions);
        }
        else
        {
            Assert.Equal(ProbedSiteKind.Breakpoint, state.Kind);
        }

        Assert.Equal(ProbedFunction.Expected(Calls), function.Call(Calls));
        Assert.Equal((ulong)Calls + 1, attachment.CountedHits);
    }

    [SkippableFact]
    public void A_nop5_that_straddles_a_page_boundary_stays_a_breakpoint_and_still_counts_exactly()
    {
        KernelProbeSkips.RequireLinuxX64();
        var probes = KernelProbes.ForThisProcess();
        using var function = ProbedFunction.Emit(placeAt: CodeArena.PageSize - 2);
        using var attachment = KernelProbeSkips.Require(probes.Attach(function.Site(ProbedFunction.Nop5Offset), ProbeKind.Entry, ProbeProgram.Counter));
        Assert.Equal(ProbedFunction.Expected(Calls), function.Call(Calls));
        Assert.Equal((ulong)Calls, attachment.CountedHits);
        // arch/x86/kernel/uprobes.c can_optimize: "We can't do cross page atomic writes yet."
        Assert.Equal(ProbedSiteKind.Breakpoint, function.SiteState(ProbedFunction.Nop5Offset).Kind);
    }

    [SkippableFact]
    public void A_program_the_verifier_rejects_throws_with_the_verifiers_log()
    {
        KernelProbeSkips.RequireLinuxX64();
        var probes = KernelProbes.ForThisProcess();
        KernelProbeSkips.Require(probes.Load(BpfPrograms.Empty())).Dispose();
        var asm = new BpfAssembler();
        asm.Exit();   // returns R0 without setting it
        var rejected = new BpfProgram("hookbench_bad", asm.Build());

        var error = Assert.Throws<BpfVerifierException>(() => probes.Load(rejected));
        Assert.Contains("R0 !read_ok", error.Log, StringComparison.Ordinal);
        Assert.Contains(error.Log, error.Message, StringComparison.Ordinal);
        Assert.Contains("'hookbench_bad'", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void The_environment_variable_makes_the_real_path_refuse_in_one_line_and_leaves_the_code_alone()
    {
        KernelProbeSkips.RequireLinuxX64();
        KernelProbes probes;
        Environment.SetEnvironmentVariable(RefusingKernelProbeCalls.EnvironmentVariable, "perf_event_open:EACCES");
        try
        {
            probes = KernelProbes.ForThisProcess();
        }
        finally
        {
            Environment.SetEnvironmentVariable(RefusingKernelProbeCalls.EnvironmentVariable, null);
        }

        using var function = ProbedFunction.Emit();
        var outcome = probes.Attach(function.Site(ProbedFunction.Nop5Offset), ProbeKind.Entry, ProbeProgram.Counter);
        Assert.False(outcome.IsAvailable);
        Assert.DoesNotContain('\n', outcome.Unavailable!.Line);
        Assert.Contains("unavailable: ", outcome.Unavailable.Line, StringComparison.Ordinal);
        Assert.Equal(function.Code, function.CurrentCode());
        Assert.Equal(ProbedFunction.Expected(5), function.Call(5));
    }

    [SkippableTheory]
    [InlineData(ProbeKind.Entry, 0)]
    [InlineData(ProbeKind.Return, 0)]
    [InlineData(ProbeKind.Entry, 9)]
    public void Closing_the_probe_restores_the_original_bytes(ProbeKind kind, int offset)
    {
        var (probes, function) = Setup();
        using var _ = function;
        using (var attachment = KernelProbeSkips.Require(probes.Attach(function.Site(offset), kind, ProbeProgram.Counter)))
        {
            Assert.NotEqual(function.Code, function.CurrentCode());   // the probe is really in the code
            Assert.Equal(ProbedFunction.Expected(10), function.Call(10));
            Assert.Equal(10UL, attachment.CountedHits);
        }

        Assert.Equal(function.Code, function.CurrentCode());
        Assert.Equal(function.Code, function.FileCode());
        Assert.Equal(ProbedFunction.Expected(10), function.Call(10));
    }
}
