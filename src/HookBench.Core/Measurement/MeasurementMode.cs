namespace HookBench.Measurement;

/// <summary>How the timing loop strings calls together.</summary>
public enum MeasurementMode
{
    /// <summary>Independent calls: each gets constant arguments, so the CPU may overlap them.</summary>
    Throughput,

    /// <summary>Each call's result is the next call's first argument, so calls serialize.</summary>
    Latency,

    /// <summary>
    /// An <c>lfence</c> after every call: each call finishes before the next begins, so the figure is the
    /// latency of one isolated call and every cycle on its critical path shows (no overlap to hide it).
    /// </summary>
    Serialized,
}

public static class MeasurementModes
{
    public static IReadOnlyList<MeasurementMode> All { get; } = Enum.GetValues<MeasurementMode>();

    public static string Name(this MeasurementMode mode) => mode.ToString().ToLowerInvariant();

    public static MeasurementMode Parse(string name) => NamedValues.Parse(name, All, Name, "mode");
}

/// <summary>The shape of the native timing loop.</summary>
public enum LoopShape
{
    /// <summary>16 direct <c>call rel32</c> per iteration, straight-line (nanoBench-style): the default.</summary>
    Unrolled,

    /// <summary>
    /// What RyuJIT emits for BenchmarkDotNet's loop through <c>delegate* unmanaged[SuppressGCTransition]</c>:
    /// one indirect <c>call reg</c> per iteration, the result folded into a sink, the runtime's GC poll
    /// (<c>cmp dword [mem], 0; jne</c>) and the loop branch. Used to explain where the two harnesses differ.
    /// </summary>
    ManagedShaped,
}

public static class LoopShapes
{
    public static IReadOnlyList<LoopShape> All { get; } = Enum.GetValues<LoopShape>();

    public static string Name(this LoopShape shape) => shape == LoopShape.Unrolled ? "unrolled" : "managed-shaped";

    public static LoopShape Parse(string name) => NamedValues.Parse(name, All, Name, "loop");
}
