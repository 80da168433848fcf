using System.Globalization;
using HookBench.Footprint;
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
/// added later follow as <c>/axis=value</c>, in the fixed order of <see cref="CellKeyTerms"/> and written
/// only when they differ from their default, so keys of older result files stay what they were.
/// </summary>
/// <remarks>Adding an axis: a property here (with its default), its row in <see cref="CellKeyTerms"/> (which
/// <see cref="Text"/>, <see cref="Format"/> and <see cref="TryParse"/> follow), its rule in <see cref="TryValidate"/>,
/// and its parser in <see cref="CellAxes"/>. The <see cref="Attachment"/> axes keep their terms, parsers and rules
/// together in that record, and the table takes one row per <see cref="Attachment.Axes"/>.</remarks>
public sealed record CellKey(Strategy Strategy, int Args, HandlerKind Handler, MeasurementMode Mode)
{
    public const char Separator = '/';

    /// <summary>The mitigation profile the target, trampoline and handlers are compiled with (default: none).</summary>
    public MitigationProfile Profile { get; init; } = MitigationProfiles.None;

    /// <summary>
    /// How many distinct functions are hooked and called (the footprint axis, <c>/functions=M</c>). 1 is
    /// the one hot function every earlier result measured.
    /// </summary>
    public int Functions { get; init; } = 1;

    /// <summary>The code around each call (the caller-context axis, <c>/caller=name</c>).</summary>
    public CallerContext Caller { get; init; } = CallerContext.Unrolled;

    /// <summary>What sits between the trampoline and the program (ops-list's K and match, direct's P, profile and lookup).</summary>
    public Attachment Attach { get; init; } = Attachment.Default;

    /// <summary>The BPF program run on each hit of a kernel probe (default: none, the probe alone; other strategies take only none).</summary>
    public ProbeProgram BpfProgram { get; init; } = ProbeProgram.None;

    /// <summary>The key as summary files, compare and report write it.</summary>
    public string Text => Format(Strategy.Name, Args, Handler.Name(), Mode.Name(), CellKeyTerms.All.Select(t => (t.Axis, (string?)t.Value(this))));

    public override string ToString() => Text;

    /// <summary>
    /// A key from the names a result file carries (which may name strategies this build does not know);
    /// <paramref name="terms"/> are optional axes as (name, value text) of <see cref="CellKeyTerms"/>, in any
    /// order; each is written in the table's order unless it is absent (null) or its default's text.
    /// </summary>
    public static string Format(string strategy, int args, string handler, string mode, params IEnumerable<(string Axis, string? Value)> terms) =>
        string.Create(CultureInfo.InvariantCulture, $"{strategy}{Separator}{args}{Separator}{handler}{Separator}{mode}")
        + CellKeyTerms.Suffix(terms);

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

        if (!FootprintBudget.TryCheck(Functions, out error))
            return false;
        if (Functions > 1 && !FootprintShapes.TryFor(Strategy, out _, out string? why))
        {
            error = $"{why}; valid with functions > 1: {FootprintShapes.SupportedNames}";
            return false;
        }

        if (Functions > 1 && !Profile.IsNone)
        {
            error = $"profile {Profile.Name} is not built for several functions (functions={Functions}); valid with functions > 1: profile {MitigationProfiles.None.Name}";
            return false;
        }

        if (Functions > 1 && !Attach.IsDefault)
        {
            error = $"{Attach.Label} is not built for several functions (functions={Functions}); valid with functions > 1: the default attachment (no {string.Join("/", Attachment.Axes)} term)";
            return false;
        }

        if (Functions > 1 && Caller == CallerContext.Rolled)
        {
            error = $"caller rolled calls one function from one call site; several functions (functions={Functions}) are called from the unrolled or busy sequence";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Throws the <see cref="TryValidate"/> reason as bad input.</summary>
    public CellKey Validate() => TryValidate(out string? error) ? this : throw new UsageException(error!);

    /// <summary>
    /// Parses <c>strategy/args/handler/mode</c> followed by any <c>/axis=value</c> terms of
    /// <see cref="CellKeyTerms"/> (each at most once, in any order); false with a one-line reason when a
    /// part is unknown or malformed.
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
                string[] pair = term.Split('=', 2);
                if (pair.Length != 2 || CellKeyTerms.Find(pair[0]) is not CellKeyTerm axis || !seen.Add(pair[0]))
                    throw new UsageException($"'{term}' is not one axis=value term; valid axes, each at most once: {CellKeyTerms.ValidAxes}");
                parsed = axis.With(parsed, pair[1]);
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
