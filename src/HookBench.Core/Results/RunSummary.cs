using System.Text.Json.Serialization;
using HookBench.Cells;
using HookBench.Machine;
using HookBench.Statistics;

namespace HookBench.Results;

/// <summary>
/// summary.json, schema <c>hookbench/1</c>: a contract other tools read. Names are snake_case on disk;
/// fields may be added, never renamed.
/// </summary>
public sealed record RunSummary
{
    public const string CurrentSchema = "hookbench/1";

    public required string Schema { get; init; }
    public required RunEnvironment Environment { get; init; }
    public required RunInfo Run { get; init; }

    /// <summary>The core clock read every round (absent in files written before it was recorded).</summary>
    public CoreClockSummary? Clock { get; init; }

    public required IReadOnlyList<CellResult> Cells { get; init; }

    /// <summary>Cells the plan named but this machine would not let run (a kernel probe refused), with the one-line reason.</summary>
    public IReadOnlyList<SkippedCell> Skipped { get; init; } = [];
    /// <summary>Cells that missed their precision target.</summary>
    [JsonIgnore]
    public int ImpreciseCells => Cells.Count(c => c.Precision is { Met: false });
}

public sealed record RunEnvironment
{
    /// <summary>The brand string (CPUID 0x80000002..4); a hypervisor may shorten it ("AMD EPYC").</summary>
    public required string Cpu { get; init; }

    /// <summary>"AMD", "Intel", ... from CPUID leaf 0 (added later than the first schema; absent in old files).</summary>
    public string? CpuVendor { get; init; }
    public required int CpuFamily { get; init; }
    public required int CpuModel { get; init; }

    /// <summary>CPUID leaf 1 stepping (absent in old files).</summary>
    public int? CpuStepping { get; init; }

    /// <summary>What HookBench's table named the CPU when it ran, or "unknown" (absent in old files).</summary>
    public string? Microarchitecture { get; init; }
    public required string Microcode { get; init; }
    public required string Os { get; init; }
    public required string Kernel { get; init; }
    public required string? Hypervisor { get; init; }
    public required string Runtime { get; init; }
    public required double TscHz { get; init; }
    public required double CoreHzEstimate { get; init; }
    public required int PinnedCpu { get; init; }

    /// <summary>Logical CPUs the OS reports (added after the first schema draft; may be absent in old files).</summary>
    public int? LogicalCpus { get; init; }

    /// <summary>Whether the TSC ticks at a constant rate (CPUID 0x80000007:EDX[8]); without it ns figures are suspect.</summary>
    public bool? InvariantTsc { get; init; }
    public required IReadOnlyDictionary<string, string> Mitigations { get; init; }

    /// <summary>The CPU's identity for comparisons and machine slugs; fields an old file lacks are null.</summary>
    public CpuIdentity Identity() => CpuIdentity.Create(CpuVendor, CpuFamily, CpuModel, CpuStepping, Microcode, Microarchitecture);

    /// <summary>"AMD EPYC (AMD, Zen 5, family 26, model 2, stepping 1, microcode 0x1000065)"; what a file lacks is left out.</summary>
    public string DescribeCpu()
    {
        var identity = Identity();
        var parts = new List<string>();
        if (identity.Vendor is not null)
            parts.Add(identity.Vendor);
        if (identity.Microarchitecture is not null)
            parts.Add(identity.Microarchitecture);
        parts.Add($"family {CpuFamily}");
        parts.Add($"model {CpuModel}");
        if (CpuStepping is int stepping)
            parts.Add($"stepping {stepping}");
        parts.Add($"microcode {Microcode}");
        return $"{Cpu} ({string.Join(", ", parts)})";
    }

    /// <summary>
    /// What the <c>host</c> mitigation profile resolved to on this machine, and from which readings (added with
    /// profiles; absent in older files).
    /// </summary>
    public HostProfileReading? HostProfile { get; init; }

    /// <summary>
    /// Which uprobe paths the kernel has, from /proc/kallsyms (6.11 uretprobe syscall, 6.18 uprobe syscall and
    /// nop5 optimization); null where kallsyms was unreadable or in files older than kernel-probe cells.
    /// </summary>
    public global::HookBench.Uprobes.KernelSymbols? UprobePaths { get; init; }
}

/// <summary>The <c>host</c> profile as this machine's kernel chose it.</summary>
public sealed record HostProfileReading(string Knobs, IReadOnlyList<string> Readings);

/// <summary>How the run was made.</summary>
public sealed record RunInfo
{
    public required string StartedUtc { get; init; }
    public required double WallSeconds { get; init; }
    /// <summary>Fixed repetitions per cell, or 0 when adaptive (each cell then records its own count).</summary>
    public required int Reps { get; init; }
    public string? RepsPolicy { get; init; }
    public required double MeasurementMs { get; init; }
    public required int Seed { get; init; }
    public required string Abi { get; init; }
    public required string Interference { get; init; }
    public string? CommandLine { get; init; }
}


public sealed record CellResult
{
    public required string Strategy { get; init; }
    public required int Args { get; init; }
    public required string Handler { get; init; }
    public required string Mode { get; init; }

    /// <summary>The mitigation profile the cell's code was compiled with ("none" in files older than profiles).</summary>
    public string Profile { get; init; } = "none";

    /// <summary>ops-list: ftrace_ops registered (K); null for strategies without the axis (and in files before it).</summary>
    public int? Ops { get; init; }

    /// <summary>ops-list: the fraction of the K ops whose filter holds the function.</summary>
    public decimal? Match { get; init; }

    /// <summary>direct: BPF programs on the trampoline (P).</summary>
    public int? Progs { get; init; }

    /// <summary>direct: the enter/exit bookkeeping profile (bpf-2019, bpf-6.17, bpf-6.18, bpf-6.18+stats).</summary>
    public string? Bpf { get; init; }

    /// <summary>direct: how the trampoline finds its programs (const, hash, padding).</summary>
    public string? Lookup { get; init; }

    /// <summary>Kernel probes: the BPF program on the probe (none, empty, counter); null for every other strategy (and in files before it).</summary>
    public string? BpfProgram { get; init; }

    /// <summary>Kernel-probe cells: the probe, its first hit and the exact BPF count; null for every other strategy.</summary>
    public KernelProbeResult? Kernel { get; init; }

    public required int Reps { get; init; }
    public required int DiscardedReps { get; init; }

    /// <summary>Hooked call, ns (TSC-timed).</summary>
    public required Estimate NsPerCall { get; init; }

    /// <summary>Hodges–Lehmann shift of hooked over baseline, ns, with Moses bounds.</summary>
    public required Estimate OverheadNs { get; init; }

    /// <summary>Per kept repetition: hooked − baseline, ns (paired, in repetition order).</summary>
    public required IReadOnlyList<double> OverheadSamplesNs { get; init; }

    /// <summary>Core cycles (estimated core clock, not TSC ticks).</summary>
    public required double CyclesPerCall { get; init; }
    public required double OverheadCycles { get; init; }

    /// <summary>
    /// Instructions executed per hooked call, site to return (target body included); null when part of the
    /// path is not static (a trap into the kernel), see <see cref="InstructionsNotCountable"/>.
    /// </summary>
    public int? InstructionsPerCall { get; init; }

    /// <summary>When the path is not static: the instructions that ran in user space.</summary>
    public int? UserInstructionsPerCall { get; init; }

    /// <summary>Why <see cref="InstructionsPerCall"/> is not a number (e.g. the kernel part of a uprobe), or null.</summary>
    public string? InstructionsNotCountable { get; init; }

    public Estimate? BaselineNsPerCall { get; init; }
    public int BaselineInstructions { get; init; }

    /// <summary>Instructions the hook adds: <see cref="InstructionsPerCall"/> − <see cref="BaselineInstructions"/>.</summary>
    public int? HookInstructions { get; init; }

    /// <summary>The hook's instructions for a table: the number, or "not countable" where the kernel runs part of the path.</summary>
    [JsonIgnore]
    public string HookInstructionsText => HookInstructions is int n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "not countable";

    /// <summary>Hooked ns/call over baseline ns/call.</summary>
    public double Ratio { get; init; }

    /// <summary>Overhead samples beyond Tukey's far-out fences (kept: the estimators are robust).</summary>
    public int Outliers { get; init; }

    public ulong CallsPerMeasurement { get; init; }

    /// <summary>Why repetitions were discarded: interference kind → repetitions.</summary>
    public IReadOnlyDictionary<string, int>? DiscardReasons { get; init; }

    /// <summary>Distinct hooked functions the cell called (absent, so 1, in files older than the footprint axis).</summary>
    public int Functions { get; init; } = 1;

    /// <summary>The code around each call (absent, so unrolled, in files older than the caller axis).</summary>
    public string Caller { get; init; } = CallerContext.Unrolled.Name();

    /// <summary>
    /// Bytes of distinct hook code (trampolines, the shared lookup, handlers) the cell's calls execute, each
    /// instruction counted once: one call for one function, one pass for several (deterministic: compared exactly).
    /// </summary>
    public int? HookCodeBytes { get; init; }

    /// <summary>Instructions the caller runs per call besides the call's own path (the call instruction and loop overhead included).</summary>
    public double? CallerInstructionsPerCall { get; init; }

    /// <summary>What one pass over several hooked functions ran (null for one function).</summary>
    public FootprintResult? Footprint { get; init; }


    /// <summary>
    /// The round each of <see cref="OverheadSamplesNs"/> was taken in. Every round measured the cell on a fresh
    /// placement, so samples cluster by round; estimates and the gate reduce each cluster to its median.
    /// Absent in older files (then consecutive groups of 8, their batch size, stand in).
    /// </summary>
    public IReadOnlyList<int>? OverheadSampleRounds { get; init; }

    /// <summary>The hooked call in core cycles, each repetition converted at its own round's clock, with its interval.</summary>
    public Estimate? CyclesPerCallEstimate { get; init; }

    /// <summary>Overhead in core cycles, each repetition converted at its own round's clock, with its interval.</summary>
    public Estimate? OverheadCyclesEstimate { get; init; }

    /// <summary>Placements the repetitions were measured on (fresh arena pairs at other pages, code offsets and harness-stack slots: see PlacementLayout).</summary>
    public int? Placements { get; init; }

    /// <summary>Deepest stack use of one hooked call below the caller's RSP, return address included (deterministic).</summary>
    public int? StackBytes { get; init; }

    /// <summary>The same for the unhooked call.</summary>
    public int? BaselineStackBytes { get; init; }

    /// <summary>Whether the overhead interval met the run's precision target (absent in older files).</summary>
    public CellPrecision? Precision { get; init; }

    /// <summary>The overhead for a table: "1.23 [1.20; 1.26]", with the imprecise mark when the cell missed its target.</summary>
    [JsonIgnore]
    public string OverheadText => OverheadNs.Format() + (Precision is { Met: false } ? " " + CellPrecision.Mark : string.Empty);

    /// <summary>The overhead in cycles for a table, with its interval when the file has one.</summary>
    [JsonIgnore]
    public string OverheadCyclesText => OverheadCyclesEstimate?.Format("F1") ?? OverheadCycles.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The cell's attachment axes, as its key writes them (empty for the thread's single handler).</summary>
    [JsonIgnore]
    public string AttachSuffix => Attachment.SuffixOf(Ops, Match, Progs, Bpf, Lookup);

    /// <summary>The kernel probe's BPF program as its key writes it (empty for none and every other strategy).</summary>
    [JsonIgnore]
    public string BpfProgramSuffix => BpfProgram is null or "none" ? string.Empty : $"{CellKey.Separator}{CellKeyTerms.BpfProgram}={BpfProgram}";

    [JsonIgnore]
    public string Key => CellKey.Format(
        Strategy, Args, Handler, Mode,
        [
            (CellKeyTerms.Profile, Profile),
            (CellKeyTerms.Functions, Functions.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (CellKeyTerms.Caller, Caller),
            .. Attachment.TermsOf(Ops, Match, Progs, Bpf, Lookup),
            (CellKeyTerms.BpfProgram, BpfProgram),
        ]);

    /// <summary>The strategy with its non-default attachment axes, for tables and chart legends: <c>ops-list ops=8 match=0.125</c>.</summary>
    [JsonIgnore]
    public string Variant => AttachSuffix.Length + BpfProgramSuffix.Length == 0
        ? Strategy
        : $"{Strategy} {(AttachSuffix + BpfProgramSuffix).TrimStart(CellKey.Separator).Replace(CellKey.Separator, ' ')}";
}
