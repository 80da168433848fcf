using System.Globalization;
using HookBench.Mitigations;
using HookBench.Uprobes;

namespace HookBench.Cells;

/// <summary>
/// The optional axes of a <see cref="CellKey"/>, in the one order keys write them. Adding an axis is a row
/// here (plus its property and rule on <see cref="CellKey"/>); parsing and formatting follow from the table.
/// The <see cref="Attachment"/> axes follow, one row each, in <see cref="Attachment.Axes"/> order; the kernel
/// probe's BPF program comes last.
/// </summary>
public static class CellKeyTerms
{
    public const string Profile = "profile";
    public const string Functions = "functions";
    public const string Caller = "caller";

    /// <summary>
    /// The BPF program on a kernel probe: <c>/bpf-prog=NAME</c> (none: the probe alone), last in keys. Not
    /// <c>bpf</c>, which names the BPF trampoline's enter/exit bookkeeping profile (<see cref="Attachment.BpfAxis"/>).
    /// </summary>
    public const string BpfProgram = "bpf-prog";

    public static IReadOnlyList<CellKeyTerm> All { get; } =
    [
        new(Profile, MitigationProfiles.None.Name, k => k.Profile.Name, (k, v) => k with { Profile = MitigationProfiles.Parse(v) }),
        new(Functions, "1", k => k.Functions.ToString(CultureInfo.InvariantCulture), (k, v) => k with { Functions = CellAxes.ParseFunctionCount(v, Functions) }),
        new(Caller, CallerContext.Unrolled.Name(), k => k.Caller.Name(), (k, v) => k with { Caller = CallerContexts.Parse(v) }),
        .. Attachment.Axes.Select(axis => new CellKeyTerm(
            axis, Attachment.Default.TextOf(axis), k => k.Attach.TextOf(axis), (k, v) => k with { Attach = k.Attach.With(axis, v) })),
        new(BpfProgram, ProbeProgram.None.Name(), k => k.BpfProgram.Name(), (k, v) => k with { BpfProgram = ProbePrograms.Parse(v) }),
    ];

    /// <summary>The axis names, in key order.</summary>
    public static IReadOnlyList<string> Axes { get; } = [.. All.Select(t => t.Axis)];

    public static string ValidAxes => string.Join(", ", Axes);

    /// <summary>The row for <paramref name="axis"/>, or null when no axis has that name.</summary>
    public static CellKeyTerm? Find(string axis) => All.FirstOrDefault(t => t.Axis == axis);

    /// <summary>
    /// The <c>/axis=value</c> suffix for <paramref name="values"/> (axis → value; a null or default value is
    /// left out), in table order whatever order they come in.
    /// </summary>
    public static string Suffix(IEnumerable<(string Axis, string? Value)> values)
    {
        var byAxis = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (axis, value) in values)
        {
            if (Find(axis) is null || !byAxis.TryAdd(axis, value))
                throw new ArgumentException($"'{axis}' is not a cell key axis given once; axes: {ValidAxes}", nameof(values));
        }

        return string.Concat(All
            .Where(t => byAxis.GetValueOrDefault(t.Axis) is string v && v != t.Default)
            .Select(t => $"{CellKey.Separator}{t.Axis}={byAxis[t.Axis]}"));
    }
}
