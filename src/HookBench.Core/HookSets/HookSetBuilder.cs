using HookBench.Emission;
using HookBench.Handlers;
using HookBench.Native;
using HookBench.Sites;
using HookBench.Strategies;
using HookBench.Targets;
using HookBench.Trampolines;

namespace HookBench.HookSets;

/// <summary>
/// Emits a hook set in dependency order — target, replacement, handlers, trampoline — so every blob is
/// assembled knowing the final addresses it calls. The result is not sealed yet: harnesses go next.
/// </summary>
public static class HookSetBuilder
{
    public static HookSet Emit(HookSetOptions options)
    {
        options.EnsureValid();
        var arena = CodeArena.Create();
        try
        {
            return EmitInto(new CodeImage(arena), options);
        }
        catch
        {
            arena.Dispose();
            throw;
        }
    }

    /// <summary>Emits and seals: ready to attach and run.</summary>
    public static HookSet Build(HookSetOptions options)
    {
        var set = Emit(options);
        set.Seal();
        return set;
    }

    static HookSet EmitInto(CodeImage image, HookSetOptions options)
    {
        var strategy = options.Strategy;
        var abi = options.Abi;
        int n = options.ArgCount;
        var data = image.Data;

        ulong opsPointer = data.Allocate("ftrace_ops", 8).Address;
        var targetWitness = options.Instrumented ? WitnessSlots.Allocate(data, "target", n) : null;
        var target = image.Emit($"target{n}", BlobKind.Target,
            asm => TargetEmitter.Emit(asm, strategy.Site, abi, n, TargetEmitter.TargetSeed, targetWitness));
        var site = new Site(strategy.Site, target.Address);

        WitnessSlots? replacementWitness = null;
        EmittedBlob? replacement = null;
        if (strategy.Redirects)
        {
            replacementWitness = options.Instrumented ? WitnessSlots.Allocate(data, "replacement", n) : null;
            replacement = image.Emit($"replacement{n}", BlobKind.Target,
                asm => TargetEmitter.Emit(asm, strategy.Site, abi, n, TargetEmitter.ReplacementSeed, replacementWitness));
        }

        var facts = new PathFacts();
        if (strategy.Route == SiteRoute.Unpatched)
        {
            return new HookSet(options, image, site)
            {
                Target = target, Replacement = replacement, TargetWitness = targetWitness, ReplacementWitness = replacementWitness,
                OpsPointer = opsPointer, PathFacts = facts,
            };
        }

        TrampolineSpec? spec = strategy.Trampoline;
        if (spec is not null && options.Alignment == StackAlignment.CAbi)
            spec = spec.With(TrampolineFlags.AlignStack);
        ContextLayout context = spec is null ? ContextLayout.None : TrampolineBuilder.ContextFor(spec, n);

        var (entryBlob, entrySlots, entryObservation) = EmitHandler(image, options, context, HandlerRole.Entry, replacement?.Address);
        (EmittedBlob Blob, HandlerSlots Slots, ObservationSlots? Observation)? exit = strategy.HasExitHandler
            ? EmitHandler(image, options, context, HandlerRole.Exit, null)
            : null;

        if (spec is null)
        {
            // The site calls the handler: it is entered one call below the target's entry, where RSP ≡ 8.
            return new HookSet(options, image, site)
            {
                Target = target, TargetWitness = targetWitness, OpsPointer = opsPointer, PathFacts = facts,
                Entry = new AttachedHandler(entryBlob, entrySlots, entryObservation, EntryRspMod16: 0),
                SiteDestination = entryBlob.Address,
            };
        }

        var request = new TrampolineRequest(spec, abi, n, site, entryBlob.Address)
        {
            ExitHandler = exit?.Blob.Address,
            OpsPointer = opsPointer,
            RedirectTarget = replacement?.Address,
            Mutation = options.Mutation,
            InjectedLatency = options.InjectedLatency,
        };
        TrampolineLayout? built = null;
        var trampoline = image.Emit($"{strategy.Name}-trampoline", BlobKind.Trampoline, asm =>
        {
            built = TrampolineBuilder.Build(asm, request);
            return built.DataLabel;
        });
        var layout = built!;
        facts.Add(trampoline, layout.PathFacts);
        return new HookSet(options, image, site)
        {
            Target = target, Replacement = replacement, TargetWitness = targetWitness, ReplacementWitness = replacementWitness,
            OpsPointer = opsPointer, PathFacts = facts, Trampoline = trampoline, Layout = layout,
            Entry = new AttachedHandler(entryBlob, entrySlots, entryObservation, layout.HandlerEntryRspMod16),
            Exit = exit is { } e ? new AttachedHandler(e.Blob, e.Slots, e.Observation, layout.ExitHandlerEntryRspMod16
                ?? throw new InvalidOperationException("the trampoline documents no exit-handler alignment")) : null,
            SiteDestination = trampoline.Address,
        };
    }

    internal static (EmittedBlob Blob, HandlerSlots Slots, ObservationSlots? Observation) EmitHandler(
        CodeImage image, HookSetOptions options, ContextLayout context, HandlerRole role, ulong? redirectTo)
    {
        string owner = role == HandlerRole.Entry ? "handler" : "exit_handler";
        var slots = HandlerSlots.Allocate(image.Data, owner, options.ArgCount);
        var observation = options.Instrumented ? ObservationSlots.Allocate(image.Data, owner) : null;
        var spec = new HandlerSpec(options.Handler, options.Strategy.Signature, role, options.Abi, options.ArgCount, context, slots)
        {
            RedirectTo = redirectTo,
            Observation = observation,
            ClobberVolatiles = options.Instrumented && options.Strategy.Signature != HandlerSignature.InPlace,
        };
        string name = role == HandlerRole.Entry ? $"{options.Handler.Name()}-handler" : $"{options.Handler.Name()}-exit-handler";
        var blob = image.Emit(name, BlobKind.Handler, asm => HandlerEmitter.Emit(asm, spec));
        return (blob, slots, observation);
    }
}
