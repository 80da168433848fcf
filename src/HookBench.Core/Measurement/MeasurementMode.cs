namespace HookBench.Measurement;

/// <summary>How the timing loop strings calls together.</summary>
public enum MeasurementMode
{
    /// <summary>Independent calls: each gets constant arguments, so the CPU may overlap them.</summary>
    Throughput,

    /// <summary>Each call's result is the next call's first argument, so calls serialize.</summary>
    Latency,
}

public static class MeasurementModes
{
    public static IReadOnlyList<MeasurementMode> All { get; } = Enum.GetValues<MeasurementMode>();

    public static string Name(this MeasurementMode mode) => mode.ToString().ToLowerInvariant();

    public static MeasurementMode Parse(string name)
    {
        foreach (var mode in All)
        {
            if (mode.Name().Equals(name, StringComparison.OrdinalIgnoreCase))
                return mode;
        }

        throw new UsageException($"unknown mode '{name}'; valid: {string.Join(", ", All.Select(Name))}");
    }
}
