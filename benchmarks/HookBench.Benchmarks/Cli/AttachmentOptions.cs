using System.CommandLine;
using HookBench.Bpf;
using HookBench.Cells;

namespace HookBench.Cli;

/// <summary>
/// The options of the <see cref="Attachment"/> axes: <c>--ops</c> and <c>--match</c> (ops-list),
/// <c>--progs</c>, <c>--bpf</c> and <c>--lookup</c> (direct). With lists (run), their cross product is
/// taken and each strategy keeps the axes it takes; single values (disasm) name one attachment.
/// </summary>
public sealed class AttachmentOptions
{
    AttachmentOptions(bool lists)
    {
        string many = lists ? "comma list of " : string.Empty;
        Ops = new Option<string>("--ops") { Description = $"ops-list: ftrace_ops registered (K), {many}1..{Attachment.MaxOps} (default 1; other strategies ignore it)" };
        Match = new Option<string>("--match") { Description = $"ops-list: fraction of the K ops that trace the function, {many}decimals in 0..1 such as 1, 0.5, 0.125 (default 1)" };
        Progs = new Option<string>("--progs") { Description = $"direct: BPF programs on the trampoline (P), {many}1..{Attachment.MaxProgs} (default 1)" };
        Bpf = new Option<string>("--bpf") { Description = $"direct: enter/exit bookkeeping, {many}{BpfProfile.ValidNames} (default {BpfProfile.Thread2019.Name})" };
        Lookup = new Option<string>("--lookup") { Description = $"direct: how the trampoline finds its programs, {many}{MetadataLookups.ValidNames} (default {MetadataLookup.Const.Name()})" };
    }

    public Option<string> Ops { get; }
    public Option<string> Match { get; }
    public Option<string> Progs { get; }
    public Option<string> Bpf { get; }
    public Option<string> Lookup { get; }

    public IReadOnlyList<Option<string>> All => [Ops, Match, Progs, Bpf, Lookup];

    /// <summary>Options taking comma lists (run).</summary>
    public static AttachmentOptions Lists() => new(lists: true);

    /// <summary>Options taking one value each (disasm).</summary>
    public static AttachmentOptions OneEach() => new(lists: false);

    public void AddTo(Command command)
    {
        foreach (var option in All)
            command.Options.Add(option);
    }

    public bool AnyGiven(ParseResult parse) => All.Any(o => parse.GetValue(o) is not null);

    /// <summary>The cross product of the given lists (absent options keep their defaults).</summary>
    public IReadOnlyList<Attachment> ParseAll(ParseResult parse)
    {
        IReadOnlyList<T> List<T>(Option<string> option, Func<string, string, T> parseOne, T fallback) =>
            parse.GetValue(option) is string text ? CellAxes.ParseList(text, option.Name, t => parseOne(t, option.Name)) : [fallback];

        var defaults = Attachment.Default;
        return
        [
            .. from ops in List(Ops, Attachment.ParseOps, defaults.Ops)
               from match in List(Match, Attachment.ParseMatch, defaults.Match)
               from progs in List(Progs, Attachment.ParseProgs, defaults.Progs)
               from bpf in List(Bpf, (t, _) => BpfProfile.Parse(t), defaults.Bpf)
               from lookup in List(Lookup, (t, _) => MetadataLookups.Parse(t), defaults.Lookup)
               select new Attachment { Ops = ops, Match = match, Progs = progs, Bpf = bpf, Lookup = lookup },
        ];
    }

    /// <summary>One attachment from single values.</summary>
    public Attachment ParseOne(ParseResult parse) => ParseAll(parse) switch
    {
        [var one] => one,
        _ => throw new UsageException("give one value each for --ops, --match, --progs, --bpf and --lookup here"),
    };
}
