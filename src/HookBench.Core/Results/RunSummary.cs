using System.Text.Json.Serialization;
using HookBench.Cells;
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
    public required IReadOnlyList<CellResult> Cells { get; init; }
}

public sealed record RunEnvironment
{
    public required string Cpu { get; init; }
    public required int CpuFamily { get; init; }
    public required int CpuModel { get; init; }
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
}

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

    /// <summary>Bytes of distinct hook code (trampolines, lookup, handlers) one pass over the cell's functions executes.</summary>
    public int? HookCodeBytes { get; init; }

    /// <summary>Instructions the caller runs per call besides the call's own path (the call instruction and loop overhead included).</summary>
    public double? CallerInstructionsPerCall { get; init; }

    /// <summary>What one pass over several hooked functions ran (null for one function).</summary>
    public FootprintResult? Footprint { get; init; }

    [JsonIgnore]
    public string Key => CellKey.Format(Strategy, Args, Handler, Mode, Functions, Caller);
}
