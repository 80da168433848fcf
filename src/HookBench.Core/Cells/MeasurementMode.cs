namespace HookBench.Cells;

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
