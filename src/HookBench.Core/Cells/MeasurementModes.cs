namespace HookBench.Cells;

/// <summary>Names of the measurement modes and what each needs of a cell.</summary>
public static class MeasurementModes
{
    public static IReadOnlyList<MeasurementMode> All { get; } = Enum.GetValues<MeasurementMode>();

    public static string Name(this MeasurementMode mode) => mode.ToString().ToLowerInvariant();

    public static MeasurementMode Parse(string name) => NamedValues.Parse(name, All, Name, "mode");

    public static string ValidNames => string.Join(", ", All.Select(Name));

    /// <summary>The fewest arguments a mode can run with: latency chains each result into the next call's first argument.</summary>
    public static int MinArgs(this MeasurementMode mode) => mode == MeasurementMode.Latency ? 1 : 0;
}
