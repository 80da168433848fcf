namespace HookBench.Bpf;

/// <summary>
/// How the trampoline finds the programs (and their cookies) attached to the function it serves. A
/// trampoline shared by many functions (tracing_multi / fentry_multi, 2025–26) looks them up per call;
/// a per-function trampoline has them as constants.
/// </summary>
public enum MetadataLookup
{
    /// <summary>(c) Constants in a per-function trampoline: direct calls to each program (the kernel's fentry today).</summary>
    Const,

    /// <summary>(a) A hash-table lookup by the function's ip (the multi-link series' first version used an rhashtable).</summary>
    Hash,

    /// <summary>(b) A pointer stored in the padding just before the function's entry, as CALL_OPS stores the ftrace_ops pointer.</summary>
    Padding,
}

public static class MetadataLookups
{
    public static IReadOnlyList<MetadataLookup> All { get; } = Enum.GetValues<MetadataLookup>();

    public static string Name(this MetadataLookup lookup) => lookup.ToString().ToLowerInvariant();

    public static MetadataLookup Parse(string name) => NamedValues.Parse(name, All, Name, "lookup");

    public static string ValidNames => string.Join(", ", All.Select(Name));
}
