using HookBench.Abi;
using HookBench.Bpf;
using HookBench.Cells;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Mitigations;
using HookBench.Strategies;

namespace HookBench.Validation;

public static class ValidationCases
{
    /// <summary>What the validation's fmod_ret program returns to skip the body: recognisable, and not what any target computes.</summary>
    public const ulong SkippingReturn = 0x5EED_F00D;

    /// <summary>
    /// The profiles the attached shapes (every <see cref="Shapes"/> entry but the default) are validated under
    /// when no profile is chosen: none, and this machine's. The two axis families are independent in the
    /// builder (profiles change how each call, return and entry is compiled; shapes change how many there
    /// are), so the full cross product would multiply the run for little; tests cover ops-list under every profile.
    /// </summary>
    public static IReadOnlyList<MitigationProfile> AttachProfiles => [MitigationProfiles.None, MitigationProfiles.Host];

    /// <summary>
    /// Every buildable combination, optionally for one strategy and some profiles: strategy × profile × handler
    /// × ABI × alignment × args 0..6, and for fmod_ret strategies both a program that lets the original run
    /// and one that skips it; each strategy's representative <see cref="Shapes"/> included, under
    /// <see cref="AttachProfiles"/> (or the chosen profiles).
    /// </summary>
    public static IEnumerable<HookSetOptions> All(Strategy? only = null, IReadOnlyList<MitigationProfile>? profiles = null)
    {
        foreach (var strategy in only is null ? StrategyCatalog.All : [only])
        foreach (var profile in profiles ?? MitigationProfiles.Every)
        foreach (var attach in Shapes(strategy).Where(a => a.IsDefault || profiles is not null || AttachProfiles.Contains(profile)))
        foreach (var handler in HandlerKinds.All)
        foreach (var abi in CallingConvention.All)
        foreach (var alignment in StackAlignments.All)
        foreach (int n in ArgCounts(attach))
        foreach (ulong modified in strategy.ModifiesReturn ? new[] { 0UL, SkippingReturn } : [0UL])
        {
            var options = new HookSetOptions(strategy, handler, n, abi, alignment)
            {
                Attach = attach, Instrumented = true, Profile = profile, ModifiedReturn = modified,
            };
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
    /// with the counter handler under both conventions at 2 arguments, under <see cref="AttachProfiles"/> (or the chosen profiles).
    /// </summary>
    public static IEnumerable<HookSetOptions> Reentrant(Strategy? only = null, IReadOnlyList<MitigationProfile>? profiles = null)
    {
        foreach (var strategy in only is null ? StrategyCatalog.All : [only])
        foreach (var profile in profiles ?? AttachProfiles)
        foreach (var attach in Shapes(strategy))
        foreach (var abi in CallingConvention.All)
        {
            bool guarded = Attachment.TakesOps(strategy) ? attach.MatchingOps > 0
                : Attachment.TakesPrograms(strategy) && attach.Bpf.Has(BpfSteps.Recursion);
            var options = new HookSetOptions(strategy, HandlerKind.Counter, 2, abi) { Attach = attach, Instrumented = true, Profile = profile };
            if (guarded && options.TryValidate(out _))
                yield return options;
        }
    }

    /// <summary>Argument counts validated for a shape: all of them, or 2 and 6 for the largest program counts.</summary>
    static IEnumerable<int> ArgCounts(Attachment attach) =>
        attach.Progs > 8 ? [2, HookSetOptions.MaxArgs] : Enumerable.Range(0, HookSetOptions.MaxArgs + 1);
}
