using System.Globalization;
using HookBench.Bpf;
using HookBench.Handlers;
using HookBench.Strategies;

namespace HookBench.Cells;

/// <summary>
/// The cell axes that say what sits between the trampoline and the program: for <c>ops-list</c>, how many
/// ftrace_ops are registered (<see cref="Ops"/>, K) and which fraction of them trace this function
/// (<see cref="Match"/>); for <c>direct</c>, how many BPF programs the trampoline calls
/// (<see cref="Progs"/>, P), the bookkeeping around each (<see cref="Bpf"/>) and how the trampoline finds
/// them (<see cref="Lookup"/>). Every default is the thread's single handler, so keys of cells without
/// these axes read as they always did; a key names an axis (<c>/ops=8</c>) only when it is not the default.
/// </summary>
public sealed record Attachment
{
    /// <summary>The most ops a cell registers.</summary>
    public const int MaxOps = 64;

    /// <summary>BPF_MAX_TRAMP_LINKS (include/linux/bpf.h): the most programs one trampoline calls.</summary>
    public const int MaxProgs = 38;

    public const string OpsAxis = "ops", MatchAxis = "match", ProgsAxis = "progs", BpfAxis = "bpf", LookupAxis = "lookup";

    /// <summary>The axis names, in the order keys write them.</summary>
    public static IReadOnlyList<string> Axes { get; } = [OpsAxis, MatchAxis, ProgsAxis, BpfAxis, LookupAxis];

    public static Attachment Default { get; } = new();

    /// <summary>K: ftrace_ops registered (ops-list).</summary>
    public int Ops { get; init; } = 1;

    /// <summary>The fraction of the K ops whose filter holds this function (ops-list); K × match must be whole.</summary>
    public decimal Match { get; init; } = 1m;

    /// <summary>P: programs on the function's BPF trampoline (direct).</summary>
    public int Progs { get; init; } = 1;

    /// <summary>The per-program bookkeeping profile (direct).</summary>
    public BpfProfile Bpf { get; init; } = BpfProfile.Thread2019;

    /// <summary>How the trampoline finds its programs (direct).</summary>
    public MetadataLookup Lookup { get; init; } = MetadataLookup.Const;

    /// <summary>How many of the K ops trace this function.</summary>
    public int MatchingOps => (int)(Ops * Match);

    public bool IsDefault => Equals(Default);

    /// <summary>
    /// Whether the BPF axes apply: a BPF trampoline that calls fentry programs only. A trampoline that runs the
    /// body itself (BPF_TRAMP_F_CALL_ORIG: fexit, fmod_ret, either in jmp mode) keeps its one program.
    /// </summary>
    public static bool TakesPrograms(Strategy strategy) =>
        strategy.Signature == HandlerSignature.BpfProgram && strategy.Route == SiteRoute.Trampoline && !strategy.CallsOriginal;

    /// <summary>Whether the ops axes apply: a strategy that walks ftrace's ops list.</summary>
    public static bool TakesOps(Strategy strategy) => strategy.Dispatch == CallbackDispatch.OpsList;

    /// <summary>The text of <paramref name="axis"/>'s value, as a key writes it.</summary>
    public string TextOf(string axis) => axis switch
    {
        OpsAxis => Invariant(Ops),
        MatchAxis => FormatMatch(Match),
        ProgsAxis => Invariant(Progs),
        BpfAxis => Bpf.Name,
        LookupAxis => Lookup.Name(),
        _ => throw new ArgumentException($"unknown axis '{axis}'; valid: {string.Join(", ", Axes)}", nameof(axis)),
    };

    /// <summary>
    /// Whether <paramref name="strategy"/> with this attachment calls its callbacks through an indirect call:
    /// ftrace's list function (<c>op->func</c>), or a trampoline that looks its programs up (<c>bpf_func</c>).
    /// </summary>
    public bool CallsIndirectly(Strategy strategy) =>
        TakesOps(strategy) || (TakesPrograms(strategy) && Lookup != MetadataLookup.Const);

    /// <summary>The non-default axes as (name, value), in key order.</summary>
    public IEnumerable<(string Axis, string Value)> Terms() =>
        Axes.Where(a => TextOf(a) != Default.TextOf(a)).Select(a => (a, TextOf(a)));

    /// <summary>The key's tail: <c>/axis=value</c> per non-default axis, or empty.</summary>
    public string Suffix => string.Concat(Terms().Select(t => $"{CellKey.Separator}{t.Axis}={t.Value}"));

    /// <summary>The axes for people: <c>ops=8 match=0.125</c>, or empty.</summary>
    public string Label => string.Join(' ', Terms().Select(t => $"{t.Axis}={t.Value}"));

    /// <summary>
    /// The axes from the names a result file carries (which may come from another build), as (name, value text)
    /// for <see cref="CellKey.Format"/>: null where the file has none.
    /// </summary>
    public static IEnumerable<(string Axis, string? Value)> TermsOf(int? ops, decimal? match, int? progs, string? bpf, string? lookup) =>
    [
        (OpsAxis, ops is int k ? Invariant(k) : null),
        (MatchAxis, match is decimal m ? FormatMatch(m) : null),
        (ProgsAxis, progs is int p ? Invariant(p) : null),
        (BpfAxis, bpf),
        (LookupAxis, lookup),
    ];

    /// <summary>The key tail of <see cref="TermsOf"/>: each axis written when it is present and not its default's text.</summary>
    public static string SuffixOf(int? ops, decimal? match, int? progs, string? bpf, string? lookup) =>
        string.Concat(TermsOf(ops, match, progs, bpf, lookup)
            .Where(t => t.Value is not null && t.Value != Default.TextOf(t.Axis))
            .Select(t => $"{CellKey.Separator}{t.Axis}={t.Value}"));

    /// <summary>This attachment with <paramref name="axis"/> set from text; bad input is a <see cref="UsageException"/> naming the valid values.</summary>
    public Attachment With(string axis, string value) => axis switch
    {
        OpsAxis => this with { Ops = ParseOps(value) },
        MatchAxis => this with { Match = ParseMatch(value) },
        ProgsAxis => this with { Progs = ParseProgs(value) },
        BpfAxis => this with { Bpf = BpfProfile.Parse(value) },
        LookupAxis => this with { Lookup = MetadataLookups.Parse(value) },
        _ => throw new UsageException($"unknown axis '{axis}'; valid: {string.Join(", ", Axes)}"),
    };

    /// <summary>
    /// The attachment as <paramref name="strategy"/> takes it: axes that do not apply to it are reset to
    /// their defaults (so a selection like <c>--ops 1,8</c> leaves min-regs measured once).
    /// </summary>
    public Attachment For(Strategy strategy) => this with
    {
        Ops = TakesOps(strategy) ? Ops : Default.Ops,
        Match = TakesOps(strategy) ? Match : Default.Match,
        Progs = TakesPrograms(strategy) ? Progs : Default.Progs,
        Bpf = TakesPrograms(strategy) ? Bpf : Default.Bpf,
        Lookup = TakesPrograms(strategy) ? Lookup : Default.Lookup,
    };

    /// <summary>Whether <paramref name="strategy"/> can be built with this attachment; the error is one line naming what is valid.</summary>
    public bool TryValidate(Strategy strategy, out string? error)
    {
        error = FirstProblem(strategy);
        return error is null;
    }

    string? FirstProblem(Strategy strategy)
    {
        if (Ops is < 1 or > MaxOps)
            return $"ops must be 1..{MaxOps}; got {Ops}";
        if (Match is < 0 or > 1)
            return $"match must be a fraction in 0..1; got {FormatMatch(Match)}";
        if (Ops * Match != decimal.Truncate(Ops * Match))
            return $"match {FormatMatch(Match)} of {Ops} ops is {FormatMatch(Ops * Match)} ops; pick a fraction that makes ops × match whole (e.g. {FormatMatch(1m / Ops)} for one op)";
        if (Progs is < 1 or > MaxProgs)
            return $"progs must be 1..{MaxProgs} (BPF_MAX_TRAMP_LINKS); got {Progs}";
        bool opsSet = Ops != Default.Ops || Match != Default.Match;
        if (opsSet && !TakesOps(strategy))
            return $"{OpsAxis} and {MatchAxis} apply to {string.Join(", ", StrategyCatalog.All.Where(TakesOps).Select(s => s.Name))} only; strategy {strategy.Name} takes ops=1, match=1";
        bool programsSet = Progs != Default.Progs || Bpf != Default.Bpf || Lookup != Default.Lookup;
        if (programsSet && !TakesPrograms(strategy))
            return $"{ProgsAxis}, {BpfAxis} and {LookupAxis} apply to {string.Join(", ", StrategyCatalog.All.Where(TakesPrograms).Select(s => s.Name))} only; strategy {strategy.Name} takes progs=1, bpf={Default.Bpf.Name}, lookup={Default.Lookup.Name()}";
        return null;
    }

    public static int ParseOps(string text, string option = OpsAxis) => ParseCount(text, option, MaxOps);

    public static int ParseProgs(string text, string option = ProgsAxis) => ParseCount(text, option, MaxProgs);

    static int ParseCount(string text, string option, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && n <= max
            ? n
            : throw new UsageException($"{option} must be an integer in 1..{max}; got '{text}'");

    /// <summary>A fraction written as a decimal (1, 0.5, 0.125).</summary>
    public static decimal ParseMatch(string text, string option = MatchAxis) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal m) && m <= 1
            ? m
            : throw new UsageException($"{option} must be a fraction in 0..1 written as a decimal (1, 0.5, 0.125); got '{text}'");

    public static string FormatMatch(decimal match) => match.ToString("0.############", CultureInfo.InvariantCulture);

    static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    public override string ToString() => IsDefault ? "default" : Label;
}
