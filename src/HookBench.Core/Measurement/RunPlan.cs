using HookBench.Cells;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Mitigations;
using HookBench.Strategies;
using HookBench.Uprobes;

namespace HookBench.Measurement;

/// <summary>Which cells a run measures.</summary>
public static class RunPlan
{
    /// <summary>
    /// The quick matrix (<c>./run-bench.sh</c>): every emitted strategy × args 0..6 with the empty handler in
    /// throughput mode, plus the counter and args handlers, latency mode and serialized mode at 2 arguments
    /// (serialized cells are where the regression gate sees a single added cycle), and every strategy at 2
    /// arguments under the <c>host</c> profile (what this machine's kernel would compile in). ops-list, whose
    /// cost follows K rather than the argument count, is measured at K = 8 with all and with one of the ops
    /// tracing the function (the first also under <c>host</c>, where each op->func goes through the profile's
    /// indirect call), and direct adds the Linux 6.18 bookkeeping, all at 2 arguments. Then the three
    /// many-function shapes at 256 functions and every emitted strategy from a rolled loop, at 2 arguments.
    /// Last, the kernel's own probes where this machine permits them: the nop5 uprobe, the trapping uprobe and
    /// the uretprobe at 2 arguments with no BPF program (a refused one is skipped with its reason).
    /// </summary>
    public static IReadOnlyList<CellSpec> Quick()
    {
        var cells = new List<CellSpec>();
        foreach (var strategy in StrategyCatalog.UserSpace.Where(s => !Attachment.TakesOps(s)))
        {
            for (int n = 0; n <= HookSetOptions.MaxArgs; n++)
                cells.Add(new CellSpec(strategy, n, HandlerKind.Empty, MeasurementMode.Throughput));
            foreach (var handler in new[] { HandlerKind.Counter, HandlerKind.Args })
            {
                var cell = new CellSpec(strategy, 2, handler, MeasurementMode.Throughput);
                if (cell.Key.TryValidate(out _))
                    cells.Add(cell);
            }

            cells.Add(new CellSpec(strategy, 2, HandlerKind.Empty, MeasurementMode.Latency));
            cells.Add(new CellSpec(strategy, 2, HandlerKind.Empty, MeasurementMode.Serialized));
            var host = new CellSpec(strategy, 2, HandlerKind.Empty, MeasurementMode.Throughput, MitigationProfiles.Host);
            if (host.Key.TryValidate(out _))
                cells.Add(host);
        }

        cells.AddRange(QuickAttached.Select(key => new CellSpec(key)));

        // Beyond one hot function: the three many-function shapes at 256 functions, and every strategy
        // called from a rolled loop, at 2 arguments (after the cells above, so older keys keep their order).
        foreach (var strategy in FootprintShapesMeasured)
            cells.Add(new CellSpec(TwoArgs(strategy) with { Functions = 256 }));
        foreach (var strategy in StrategyCatalog.UserSpace)
            cells.Add(new CellSpec(TwoArgs(strategy) with { Caller = CallerContext.Rolled }));

        // The running kernel's probes, where permitted (a refusal skips them with one line).
        foreach (var strategy in new[] { StrategyCatalog.UprobeNop5, StrategyCatalog.UprobeTrap, StrategyCatalog.Uretprobe })
            cells.Add(new CellSpec(strategy, 2, HandlerKind.Empty, MeasurementMode.Throughput));
        return cells;
    }

    /// <summary>The function counts a footprint sweep measures: one hot function up to thousands, as bpftrace or retsnoop attach.</summary>
    public static IReadOnlyList<int> FunctionSweep { get; } = [1, 16, 256, 4096];

    /// <summary>One strategy of each many-function shape: shared (ftrace), per function (BPF), direct call.</summary>
    public static IReadOnlyList<Strategy> FootprintShapesMeasured { get; } = [StrategyCatalog.MinRegs, StrategyCatalog.Direct, StrategyCatalog.DirectCall];

    /// <summary>
    /// What <c>publish</c> measures, each cell once: the quick matrix, the mitigations matrix, each
    /// many-function shape (and the unhooked control) at every count of <see cref="FunctionSweep"/>, every
    /// emitted strategy under every caller, at 2 arguments, and the <see cref="Ladder"/>.
    /// </summary>
    public static IReadOnlyList<CellSpec> Publish()
    {
        var cells = new List<CellSpec>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        void Add(CellKey key)
        {
            if (keys.Add(key.Text))
                cells.Add(new CellSpec(key));
        }

        foreach (var cell in Quick().Concat(Mitigations()))
            Add(cell.Key);
        foreach (var strategy in FootprintShapesMeasured.Prepend(StrategyCatalog.None))
        foreach (int functions in FunctionSweep)
            Add(TwoArgs(strategy) with { Functions = functions });
        foreach (var strategy in StrategyCatalog.UserSpace)
        foreach (var caller in CallerContexts.All)
            Add(TwoArgs(strategy) with { Caller = caller });
        foreach (var cell in Ladder())
            Add(cell.Key);
        return cells;
    }

    static CellKey TwoArgs(Strategy strategy) => new(strategy, 2, HandlerKind.Empty, MeasurementMode.Throughput);

    /// <summary>
    /// The quick matrix's attached cells: ops-list at K = 8 (all ops, then one, trace the function; the first
    /// under <c>host</c> too), direct under bpf-6.18.
    /// </summary>
    static IReadOnlyList<CellKey> QuickAttached { get; } =
    [
        new(StrategyCatalog.OpsList, 2, HandlerKind.Empty, MeasurementMode.Throughput) { Attach = new() { Ops = 8 } },
        new(StrategyCatalog.OpsList, 2, HandlerKind.Empty, MeasurementMode.Throughput) { Attach = new() { Ops = 8 }, Profile = MitigationProfiles.Host },
        new(StrategyCatalog.OpsList, 2, HandlerKind.Empty, MeasurementMode.Throughput) { Attach = new() { Ops = 8, Match = 0.125m } },
        new(StrategyCatalog.Direct, 2, HandlerKind.Empty, MeasurementMode.Throughput) { Attach = new() { Bpf = Bpf.BpfProfile.Linux618 } },
    ];

    /// <summary>
    /// What mitigations cost a hook: every emitted strategy at 2 arguments, empty handler, throughput, under every
    /// profile it can use.
    /// </summary>
    public static IReadOnlyList<CellSpec> Mitigations() =>
        [.. from strategy in StrategyCatalog.UserSpace
            from profile in MitigationProfiles.Every
            let cell = new CellSpec(strategy, 2, HandlerKind.Empty, MeasurementMode.Throughput, profile)
            where cell.Key.TryValidate(out _)
            select cell];

    /// <summary>
    /// The ladder from a direct call to the kernel's probes, at 2 arguments in throughput mode: the direct call
    /// and the trampolines with the empty and the counter handler (the counter is the seed's
    /// <c>jited_bpf_prog</c> as emitted code), then every kernel probe with no BPF program, the empty one and the
    /// counter one.
    /// </summary>
    public static IReadOnlyList<CellSpec> Ladder()
    {
        var cells = new List<CellSpec>();
        foreach (var strategy in LadderUserSpace)
        foreach (var handler in new[] { HandlerKind.Empty, HandlerKind.Counter })
            cells.Add(new CellSpec(strategy, 2, handler, MeasurementMode.Throughput));
        foreach (var strategy in StrategyCatalog.KernelProbes)
        foreach (var program in ProbePrograms.All)
            cells.Add(new CellSpec(strategy, 2, HandlerKind.Empty, MeasurementMode.Throughput, bpfProgram: program));
        return cells;
    }

    /// <summary>The emitted rungs of the ladder, cheapest path first.</summary>
    public static IReadOnlyList<Strategy> LadderUserSpace { get; } =
        [StrategyCatalog.DirectCall, StrategyCatalog.Direct, StrategyCatalog.MinRegs, StrategyCatalog.FullRegs, StrategyCatalog.DirectFexit];

    /// <summary>
    /// The cross product of a selection. Combinations the cell rules refuse (a handler a strategy refuses,
    /// latency with no argument to chain, …) are left out and listed in <paramref name="skipped"/> with the reason.
    /// Each strategy takes only the <paramref name="attachments"/>' axes that apply to it (see
    /// <see cref="Attachment.For"/>), so <c>--ops 1,8</c> with min-regs and ops-list measures min-regs once; likewise
    /// only kernel probes take the <paramref name="programs"/>.
    /// </summary>
    public static IReadOnlyList<CellSpec> Select(
        IReadOnlyList<Strategy> strategies, IReadOnlyList<int> args, IReadOnlyList<HandlerKind> handlers,
        IReadOnlyList<MeasurementMode> modes, out IReadOnlyList<string> skipped,
        IReadOnlyList<Attachment>? attachments = null, IReadOnlyList<MitigationProfile>? profiles = null,
        IReadOnlyList<int>? functions = null, IReadOnlyList<CallerContext>? callers = null,
        IReadOnlyList<ProbeProgram>? programs = null)
    {
        var cells = new List<CellSpec>();
        var skips = new List<string>();
        foreach (var strategy in strategies)
        foreach (var profile in profiles ?? [MitigationProfiles.None])
        foreach (var attach in (attachments ?? [Attachment.Default]).Select(a => a.For(strategy)).Distinct())
        foreach (var n in args)
        foreach (var handler in handlers)
        foreach (var mode in modes)
        foreach (int m in functions ?? [1])
        foreach (var caller in callers ?? [CallerContext.Unrolled])
        foreach (var program in strategy.IsKernelProbe ? programs ?? [ProbeProgram.None] : [ProbeProgram.None])
        {
            var cell = new CellSpec(new CellKey(strategy, n, handler, mode) { Profile = profile, Attach = attach, Functions = m, Caller = caller, BpfProgram = program });
            if (cell.Key.TryValidate(out string? why))
                cells.Add(cell);
            else
                skips.Add($"{cell}: {why}");
        }

        skipped = skips;
        return cells;
    }
}
