namespace HookBench.Cells;

/// <summary>Names of the caller contexts.</summary>
public static class CallerContexts
{
    public static IReadOnlyList<CallerContext> All { get; } = Enum.GetValues<CallerContext>();

    public static string Name(this CallerContext caller) => caller.ToString().ToLowerInvariant();

    public static string ValidNames => string.Join(", ", All.Select(Name));

    /// <summary>
    /// Parses a caller name. "serialized" is refused with a pointer to the mode of that name: an
    /// <c>lfence</c> after every call is how calls are strung together, not code around them, and it
    /// applies to every caller, so one cell keeps one name.
    /// </summary>
    public static CallerContext Parse(string name)
    {
        if (name.Equals(MeasurementMode.Serialized.Name(), StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"caller '{name}' is the measurement mode of that name: use --mode serialized (it applies to every caller); valid callers: {ValidNames}");
        return NamedValues.Parse(name, All, Name, "caller");
    }
}
