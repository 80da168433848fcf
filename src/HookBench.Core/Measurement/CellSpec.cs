using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Strategies;

namespace HookBench.Measurement;

/// <summary>One cell of a run: a strategy at an argument count with a handler, in a mode.</summary>
public sealed record CellSpec(Strategy Strategy, int ArgCount, HandlerKind Handler, MeasurementMode Mode)
{
    public CallingConvention Abi { get; init; } = CallingConvention.Host;

    /// <summary>The timing loop's shape (unrolled direct calls unless a cross-check asks otherwise).</summary>
    public LoopShape Loop { get; init; } = LoopShape.Unrolled;

    public HookSetOptions HookSet => new(Strategy, Handler, ArgCount, Abi) { InjectedLatency = InjectedLatency };

    /// <summary>Sensitivity runs only (see <see cref="Sensitivity"/>): extra dependent cycles in the trampoline.</summary>
    internal int InjectedLatency { get; init; }

    public string Key => $"{Strategy.Name}/{ArgCount}/{Handler.Name()}/{Mode.Name()}";

    public override string ToString() => $"{Strategy.Name} args={ArgCount} {Handler.Name()} {Mode.Name()}";
}

/// <summary>How hard to measure.</summary>
public sealed record MeasurementSettings
{
    /// <summary>Fixed repetitions per cell, or null to repeat until the overhead is precise (see <see cref="Precision"/>).</summary>
    public int? Reps { get; init; }

    /// <summary>Adaptive runs take at least this many repetitions.</summary>
    public int MinReps { get; init; } = 32;

    /// <summary>Adaptive runs stop here even if the interval is still wide (the cell is then reported as imprecise).</summary>
    public int MaxReps { get; init; } = 400;

    /// <summary>Repetitions a cell gets per round; rounds spread every cell's repetitions over the whole run.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Adaptive runs start no new round after this long.</summary>
    public TimeSpan RunBudget { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The overhead's 95% interval half-width an adaptive run aims for.</summary>
    public PrecisionTarget Precision { get; init; } = PrecisionTarget.Default;

    /// <summary>Target length of one hooked measurement.</summary>
    public TimeSpan MeasurementTime { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Seed of the cell-order shuffle (recorded, so a run can be repeated in the same order).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>CPU to pin the measuring thread to; null = the last CPU the process may use.</summary>
    public int? Cpu { get; init; }
}

/// <summary>
/// A half-width goal of max(<see cref="AbsoluteNs"/>, <see cref="Relative"/> × |median|); adaptive runs
/// aim at <see cref="Margin"/> of it so the published interval meets it with room to spare.
/// </summary>
public sealed record PrecisionTarget(double AbsoluteNs, double Relative, double Margin)
{
    public static PrecisionTarget Default { get; } = new(0.1, 0.02, 0.6);

    public double Limit(double median) => Math.Max(AbsoluteNs, Relative * Math.Abs(median));

    public bool IsMet(Statistics.Estimate overhead, double margin = 1) => overhead.HalfWidth <= margin * Limit(overhead.Median);
}

/// <summary>One repetition: a baseline and a hooked measurement taken back to back, and when.</summary>
public readonly record struct RepetitionSample(double BaselineNs, double HookedNs, long WindowStart, long WindowEnd);

/// <summary>What a cell produced before statistics: every repetition, and the executed instruction counts.</summary>
public sealed record CellSamples(
    CellSpec Spec,
    IReadOnlyList<RepetitionSample> Reps,
    ulong CallsPerMeasurement,
    int HookedInstructions,
    int BaselineInstructions);
