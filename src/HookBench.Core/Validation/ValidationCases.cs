using HookBench.Abi;
using HookBench.Bpf;
using HookBench.Cells;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Strategies;

namespace HookBench.Validation;

public static class ValidationCases
{
    /// <summary>Every buildable combination, optionally for one strategy: each strategy's representative <see cref="Shapes"/> included.</summary>
    public static IEnumerable<HookSetOptions> All(Strategy? only = null)
    {
        foreach (var strategy in only is null ? StrategyCatalog.All : [only])
        foreach (var attach in Shapes(strategy))
        foreach (var handler in HandlerKinds.All)
        foreach (var abi in CallingConvention.All)
        foreach (var alignment in StackAlignments.All)
        foreach (int n in ArgCounts(attach))
        {
            var options = new HookSetOptions(strategy, handler, n, abi, alignment) { Attach = attach, Instrumented = true };
            if (options.TryValidate(out _))
                yield return options;
        }
    }

    /// <summary>
    /// The attachments validated for a strategy. ops-list: one op, none or all of eight matching and the
    /// spreads between, and 32 ops with two matching (the thread's production case); direct: 1 and 3 programs
    /// under every bookkeeping profile and lookup, and BPF_MAX_TRAMP_LINKS (38) programs under the two ends of
    /// the profiles. Other strategies take the default only.
    /// </summary>
    public static IReadOnlyList<Attachment> Shapes(Strategy strategy)
    {
        if (Attachment.TakesOps(strategy))
        {
            return
            [
                Attachment.Default, new() { Match = 0 }, new() { Ops = 2, Match = 0.5m },
                new() { Ops = 8, Match = 0 }, new() { Ops = 8, Match = 0.125m }, new() { Ops = 8, Match = 0.5m }, new() { Ops = 8 },
                new() { Ops = 32, Match = 0.0625m },
            ];
        }

        if (!Attachment.TakesPrograms(strategy))
            return [Attachment.Default];
        var shapes = new List<Attachment>();
        foreach (int progs in new[] { 1, 3 })
        foreach (var profile in BpfProfile.All)
        foreach (var lookup in MetadataLookups.All)
            shapes.Add(new Attachment { Progs = progs, Bpf = profile, Lookup = lookup });
        foreach (var profile in new[] { BpfProfile.Thread2019, BpfProfile.Linux618Stats })
        foreach (var lookup in MetadataLookups.All)
            shapes.Add(new Attachment { Progs = Attachment.MaxProgs, Bpf = profile, Lookup = lookup });
        return shapes;
    }

    /// <summary>
    /// The recursion-guard cases (<see cref="RecursionGuardValidator"/>): every shape whose hook guards against
    /// re-entry and has a callback that runs (ops-list with a matching op; direct with the recursion step),
    /// with the counter handler under both conventions at 2 arguments.
    /// </summary>
    public static IEnumerable<HookSetOptions> Reentrant(Strategy? only = null)
    {
        foreach (var strategy in only is null ? StrategyCatalog.All : [only])
        foreach (var attach in Shapes(strategy))
        foreach (var abi in CallingConvention.All)
        {
            bool guarded = Attachment.TakesOps(strategy) ? attach.MatchingOps > 0
                : Attachment.TakesPrograms(strategy) && attach.Bpf.Has(BpfSteps.Recursion);
            if (guarded)
                yield return new HookSetOptions(strategy, HandlerKind.Counter, 2, abi) { Attach = attach, Instrumented = true };
        }
    }

    /// <summary>Argument counts validated for a shape: all of them, or 2 and 6 for the largest program counts.</summary>
    static IEnumerable<int> ArgCounts(Attachment attach) =>
        attach.Progs > 8 ? [2, HookSetOptions.MaxArgs] : Enumerable.Range(0, HookSetOptions.MaxArgs + 1);
}
