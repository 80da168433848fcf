using HookBench.Emission;
using HookBench.Handlers;
using HookBench.Native;
using HookBench.Patching;
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
        var arena = CodeArena.Create(backing: options.Backing);
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
        var set = new HookSet(options, image);
        var strategy = options.Strategy;
        var abi = options.Abi;
        int n = options.ArgCount;
        var data = image.Data;

        set.OpsPointer = data.Allocate("ftrace_ops", 8).Address;
        if (options.Instrumented)
            set.TargetWitness = WitnessSlots.Allocate(data, "target", n);
        set.Target = image.Emit($"target{n}", BlobKind.Target,
            asm => TargetEmitter.Emit(asm, abi, n, TargetEmitter.TargetSeed, set.TargetWitness));
        set.Site = new SitePatcher(image.Arena, set.Target.Address);

        if (strategy.Redirects)
        {
            if (options.Instrumented)
                set.ReplacementWitness = WitnessSlots.Allocate(data, "replacement", n);
            set.Replacement = image.Emit($"replacement{n}", BlobKind.Target,
                asm => TargetEmitter.Emit(asm, abi, n, TargetEmitter.ReplacementSeed, set.ReplacementWitness));
        }

        if (strategy.Route == SiteRoute.Unpatched)
            return set;

        TrampolineSpec? spec = strategy.Trampoline;
        if (spec is not null && options.Alignment == StackAlignment.CAbi)
            spec = spec.With(TrampolineFlags.AlignStack);
        ContextLayout context = spec is null ? ContextLayout.None : TrampolineBuilder.ContextFor(spec, n);

        (set.EntryHandler, set.EntrySlots, set.EntryObservation) = EmitHandler(image, options, context, HandlerRole.Entry, set.Replacement?.Address);
        if (strategy.HasExitHandler)
            (set.ExitHandler, set.ExitSlots, set.ExitObservation) = EmitHandler(image, options, context, HandlerRole.Exit, null);

        if (spec is null)
        {
            // The site calls the handler: it is entered one call below the target's entry.
            set.SiteDestination = set.EntryHandler.Address;
            set.HandlerEntryRspMod16 = 0;
            return set;
        }

        var request = new TrampolineRequest(spec, abi, n, set.Target.Address, set.EntryHandler.Address)
        {
            ExitHandler = set.ExitHandler?.Address,
            OpsPointer = set.OpsPointer,
            Mutation = options.Mutation,
            InjectedLatency = options.InjectedLatency,
        };
        TrampolineLayout? layout = null;
        set.Trampoline = image.Emit($"{strategy.Name}-trampoline", BlobKind.Trampoline, asm =>
        {
            layout = TrampolineBuilder.Build(asm, request);
            return layout.DataLabel;
        });
        set.Layout = layout;
        set.HandlerEntryRspMod16 = layout!.HandlerEntryRspMod16;
        set.SiteDestination = set.Trampoline.Address;
        return set;
    }

    static (EmittedBlob, HandlerSlots, ObservationSlots?) EmitHandler(
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
