using System.Globalization;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Mitigations;
using HookBench.Strategies;
using HookBench.Uprobes;

namespace HookBench.Cells;

/// <summary>
/// The name of one cell of a matrix: its axes, typed. The run plan, the timing harness, the
/// BenchmarkDotNet filter, summary files, compare and report all key cells by it, and its rules are the
/// only statement of which combinations exist. On disk a key is <c>strategy/args/handler/mode</c>; axes
/// added later follow as <c>/axis=value</c>, in the fixed order of <see cref="OptionalAxes"/> and written
/// only when they differ from their default, so keys of older result files stay what they were.
/// </summary>
/// <remarks>Adding an axis: a property here (with its default), one row in <see cref="OptionalAxes"/> (its name,
/// default text, reader and parser), its rule in <see cref="TryValidate"/>, and its parser in <see cref="CellAxes"/>.
/// The <see cref="Attachment"/> axes keep their terms, parsers and rules together in that record.</remarks>
public sealed record CellKey(Strategy Strategy, int Args, HandlerKind Handler, MeasurementMode Mode)
{
    public const char Separator = '/';

    /// <summary>The axis that names a non-default mitigation profile: <c>/profile=NAME</c>.</summary>
    public const string ProfileAxis = "profile";

    /// <summary>The term that names a non-default profile: <c>profile=</c>.</summary>
    public const string ProfileTerm = ProfileAxis + "=";

    /// <summary>
    /// The axis that names the BPF program on a kernel probe: <c>/bpf-prog=NAME</c> (none: the probe alone). Not
    /// <c>bpf</c>, which names the BPF trampoline's enter/exit bookkeeping profile (<see cref="Attachment.BpfAxis"/>).
    /// </summary>
    public const string BpfProgramAxis = "bpf-prog";

    /// <summary>One <c>/axis=value</c> term of a key: its name, its default's text, how a key reads it, how parsing sets it.</summary>
    sealed record KeyAxis(string Name, string DefaultText, Func<CellKey, string> Read, Func<CellKey, string, CellKey> Set);

    /// <summary>The optional axes, in the one order keys write them; a new axis is one row.</summary>
    static readonly IReadOnlyList<KeyAxis> OptionalAxes =
    [
        new(ProfileAxis, MitigationProfiles.None.Name, k => k.Profile.Name, (k, v) => k with { Profile = MitigationProfiles.Parse(v) }),
        .. Attachment.Axes.Select(axis => new KeyAxis(
            axis, Attachment.Default.TextOf(axis), k => k.Attach.TextOf(axis), (k, v) => k with { Attach = k.Attach.With(axis, v) })),
        new(BpfProgramAxis, ProbeProgram.None.Name(), k => k.BpfProgram.Name(), (k, v) => k with { BpfProgram = ProbePrograms.Parse(v) }),
    ];

    /// <summary>The names of the optional axes, in key order.</summary>
    public static IReadOnlyList<string> AxisNames { get; } = [.. OptionalAxes.Select(a => a.Name)];

    /// <summary>The mitigation profile the target, trampoline and handlers are compiled with (default: none).</summary>
    public MitigationProfile Profile { get; init; } = MitigationProfiles.None;

    /// <summary>What sits between the trampoline and the program (ops-list's K and match, direct's P, profile and lookup).</summary>
    public Attachment Attach { get; init; } = Attachment.Default;

    /// <summary>The BPF program run on each hit of a kernel probe (default: none, the probe alone; other strategies take only none).</summary>
    public ProbeProgram BpfProgram { get; init; } = ProbeProgram.None;

    /// <summary>The key as summary files, compare and report write it.</summary>
    public string Text => Format(Strategy.Name, Args, Handler.Name(), Mode.Name(), OptionalAxes.Select(a => (a.Name, (string?)a.Read(this))));

    public override string ToString() => Text;

    /// <summary>
    /// A key from the names a result file carries (which may name strategies this build does not know):
    /// <paramref name="terms"/> are optional axes as (name, value text), in any order; each is written in key
    /// order unless it is absent (null) or its default's text.
    /// </summary>
    public static string Format(string strategy, int args, string handler, string mode, params IEnumerable<(string Axis, string? Value)> terms)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (axis, value) in terms)
        {
            if (!AxisNames.Contains(axis))
                throw new ArgumentException($"'{axis}' is not a key axis; axes: {string.Join(", ", AxisNames)}", nameof(terms));
            if (value is not null && !values.TryAdd(axis, value))
                throw new ArgumentException($"axis '{axis}' given twice", nameof(terms));
        }

        string key = string.Create(CultureInfo.InvariantCulture, $"{strategy}{Separator}{args}{Separator}{handler}{Separator}{mode}");
        return key + string.Concat(OptionalAxes
            .Where(a => values.TryGetValue(a.Name, out string? value) && value != a.DefaultText)
            .Select(a => $"{Separator}{a.Name}={values[a.Name]}"));
    }

    /// <summary>What this cell builds: the hook set under <paramref name="abi"/>.</summary>
    public HookSetOptions HookSet(Abi.CallingConvention abi, StackAlignment alignment = StackAlignment.Kernel) =>
        new(Strategy, Handler, Args, abi, alignment) { Profile = Profile, Attach = Attach, Program = BpfProgram };

    /// <summary>Whether the cell can be built and measured; <paramref name="error"/> is a one-line reason naming what is valid.</summary>
    public bool TryValidate(out string? error)
    {
        if (!HookSet(Abi.CallingConvention.Host).TryValidate(out error))
            return false;
        if (Args < Mode.MinArgs())
        {
            error = $"mode {Mode.Name()} needs args >= {Mode.MinArgs()} (it chains each result into the next call's first argument); got {Args}";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Throws the <see cref="TryValidate"/> reason as bad input.</summary>
    public CellKey Validate() => TryValidate(out string? error) ? this : throw new UsageException(error!);

    /// <summary>
    /// Parses <c>strategy/args/handler/mode</c> followed by any <c>/axis=value</c> terms (each axis at most once);
    /// false with a one-line reason when a part is unknown or malformed.
    /// </summary>
    public static bool TryParse(string text, out CellKey? key, out string? error)
    {
        key = null;
        string[] parts = text.Split(Separator);
        if (parts.Length < 4)
        {
            error = $"cell key '{text}' is not strategy{Separator}args{Separator}handler{Separator}mode[{Separator}axis=value...]";
            return false;
        }

        try
        {
            var parsed = new CellKey(
                StrategyCatalog.Parse(parts[0]),
                CellAxes.ParseArgCount(parts[1], "args"),
                HandlerKinds.Parse(parts[2]),
                MeasurementModes.Parse(parts[3]));
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string term in parts.Skip(4))
            {
                string[] axisValue = term.Split('=', 2);
                if (axisValue.Length != 2)
                    throw new UsageException($"'{term}' is not axis=value; axes: {string.Join(", ", AxisNames)}");
                var axis = OptionalAxes.FirstOrDefault(a => a.Name == axisValue[0])
                    ?? throw new UsageException($"unknown axis '{axisValue[0]}'; valid: {string.Join(", ", AxisNames)}");
                if (!seen.Add(axis.Name))
                    throw new UsageException($"axis '{axis.Name}' appears twice");
                parsed = axis.Set(parsed, axisValue[1]);
            }

            key = parsed;
        }
        catch (UsageException e)
        {
            error = $"cell key '{text}': {e.Message}";
            return false;
        }

        return key.TryValidate(out error);
    }
}
