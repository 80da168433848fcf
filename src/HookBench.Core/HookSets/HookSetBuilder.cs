using HookBench.Emission;
using HookBench.Handlers;
using HookBench.Mitigations;
using HookBench.Native;
using HookBench.Sites;
using HookBench.Strategies;
using HookBench.Targets;
using HookBench.Trampolines;
using HookBench.Uprobes;

namespace HookBench.HookSets;

/// <summary>
/// Emits a hook set in dependency order — target, replacement, handlers, trampoline — so every blob is
/// assembled knowing the final addresses it calls. The result is not sealed yet: harnesses go next.
/// </summary>
public static partial class HookSetBuilder
{
    public static HookSet Emit(HookSetOptions options)
    {
        options.EnsureValid();
        var arena = CreateArena(options);
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
        image.Skip(options.CodeOffset);
        var strategy = options.Strategy;
        var abi = options.Abi;
        int n = options.ArgCount;
        var data = image.Data;

        ulong opsPointer = data.Allocate("ftrace_ops", 8).Address;
        var facts = new PathFacts();
        TrampolineSpec? spec = strategy.Trampoline;
        if (spec is not null && options.Alignment == StackAlignment.CAbi)
            spec = spec.With(TrampolineFlags.AlignStack);

        // The thunks first: everything after jumps to them. The indirect calls on a hook path, all through rax:
        // ORIG_STACK's call of the body, the list function's op->func, a lookup trampoline's bpf_func.
        Iced.Intel.Register[] indirect = spec?.Effective.Has(TrampolineFlags.ShareIpModify) == true || CallsSeveral(options)
            ? [Iced.Intel.Register.RAX] : [];
        var thunks = ThunkSet.Emit(image, facts, options.Profile, indirect);

        var targetWitness = options.Instrumented ? WitnessSlots.Allocate(data, "target", n) : null;
        int? bodyCounter = options.ThreadCounters ? ThreadCounters.BodyRuns : null;
        var padding = EmitFunctionPadding(image, options);
        var (target, function, siteAddress, labels) = EmitTarget(image, $"target{n}", strategy, options, TargetEmitter.TargetSeed, targetWitness, thunks, bodyCounter, options.SiteOffset);
        var site = new Site(strategy.Site, siteAddress);

        WitnessSlots? replacementWitness = null;
        EmittedBlob? replacement = null;
        ulong? replacementFunction = null;
        if (strategy.Redirects)
        {
            replacementWitness = options.Instrumented ? WitnessSlots.Allocate(data, "replacement", n) : null;
            (replacement, replacementFunction, _, _) = EmitTarget(image, $"replacement{n}", strategy, options, TargetEmitter.ReplacementSeed, replacementWitness, thunks, bodyCounter);
        }

        if (strategy.Probe is KernelProbeSpec probe)
        {
            return new HookSet(options, image, site)
            {
                Target = target, EntryPoint = target.Address, Thunks = thunks, TargetWitness = targetWitness, OpsPointer = opsPointer, PathFacts = facts,
                Probe = ProbePointOf(probe, target, labels, facts),
            };
        }

        if (CallsSeveral(options))
            return EmitChain(image, options, new ChainTarget(target, targetWitness, site, opsPointer, padding?.Metadata, facts, thunks));

        if (strategy.Route == SiteRoute.Unpatched)
        {
            return new HookSet(options, image, site)
            {
                Target = target, EntryPoint = target.Address, Thunks = thunks, Replacement = replacement,
                TargetWitness = targetWitness, ReplacementWitness = replacementWitness, OpsPointer = opsPointer, PathFacts = facts,
            };
        }

        ContextLayout context = spec is null ? ContextLayout.None : TrampolineBuilder.ContextFor(spec, n);

        var (entryBlob, entrySlots, entryObservation) = EmitHandler(image, options, context, HandlerRole.Entry, replacementFunction, thunks);
        (EmittedBlob Blob, HandlerSlots Slots, ObservationSlots? Observation)? exit = strategy.HasExitHandler
            ? EmitHandler(image, options, context, HandlerRole.Exit, null, thunks)
            : null;

        if (spec is null)
        {
            // The site calls the handler: it is entered one call below the target's entry, where RSP ≡ 8.
            return new HookSet(options, image, site)
            {
                Target = target, EntryPoint = target.Address, Thunks = thunks, TargetWitness = targetWitness, OpsPointer = opsPointer, PathFacts = facts,
                Entry = new AttachedHandler(entryBlob, entrySlots, entryObservation, EntryRspMod16: 0),
                SiteDestination = entryBlob.Address,
            };
        }

        var request = new TrampolineRequest(spec, abi, n, site, entryBlob.Address)
        {
            ExitHandler = exit?.Blob.Address,
            OpsPointer = opsPointer,
            RedirectTarget = replacementFunction,
            Thunks = thunks,
            ModifiedReturn = options.ModifiedReturn,
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
        thunks.AddIndirectFacts(facts);

        // Each copy is assembled for its own address from the same request, so it behaves like the first.
        EmittedBlob[] spares = [.. Enumerable.Range(1, options.SpareTrampolines).Select(i => image.Emit(
            $"{strategy.Name}-trampoline-{i}", BlobKind.Trampoline, asm => TrampolineBuilder.Build(asm, request).DataLabel))];
        return new HookSet(options, image, site)
        {
            Target = target, EntryPoint = target.Address, Thunks = thunks, Replacement = replacement, TargetWitness = targetWitness, ReplacementWitness = replacementWitness,
            OpsPointer = opsPointer, PathFacts = facts, Trampoline = trampoline, Layout = layout, SpareTrampolines = spares,
            Entry = new AttachedHandler(entryBlob, entrySlots, entryObservation, layout.HandlerEntryRspMod16),
            Exit = exit is { } e ? new AttachedHandler(e.Blob, e.Slots, e.Observation, layout.ExitHandlerEntryRspMod16
                ?? throw new InvalidOperationException("the trampoline documents no exit-handler alignment")) : null,
            SiteDestination = trampoline.Address,
        };
    }

    /// <summary>A traced function (or its livepatch replacement): the blob, where the function starts and where its site is, and its labels.</summary>
    static (EmittedBlob Blob, ulong Function, ulong Site, TargetLabels Labels) EmitTarget(
        CodeImage image, string name, Strategy strategy, HookSetOptions options, ulong seed, WitnessSlots? witness, ThunkSet thunks,
        int? bodyCounter, int startOffset = 0)
    {
        TargetLabels? labels = null;
        var blob = image.Emit(name, BlobKind.Target, asm =>
        {
            labels = TargetEmitter.Emit(asm, strategy.Site, strategy.Target, options.Abi, options.ArgCount, seed, witness, thunks, bodyCounter);
            return labels.DataStart;
        }, startOffset);
        return (blob, blob.LabelAddress(labels!.Function), blob.LabelAddress(labels.Site), labels);
    }

    /// <summary>
    /// Where the kernel probe goes and the path facts of a probed call: the probed instruction is where the
    /// kernel takes over (a trap or, optimized, a call and a system call), so the call's instruction count is
    /// not static; the walk counts the emitted instructions that still run in user space around it.
    /// </summary>
    static KernelProbePoint ProbePointOf(KernelProbeSpec probe, EmittedBlob target, TargetLabels labels, PathFacts facts)
    {
        Iced.Intel.Label at = probe.Instruction switch
        {
            ProbedInstruction.Site => labels.Site,
            ProbedInstruction.FramePush => labels.FramePush ?? throw new InvalidOperationException("a probe on push rbp needs the frame-pointer target"),
            ProbedInstruction.BodyLea => labels.BodyLea ?? throw new InvalidOperationException("a probe on the lea needs the frame-pointer target"),
            _ => throw new ArgumentOutOfRangeException(nameof(probe), probe.Instruction, "Site, FramePush or BodyLea"),
        };
        string reason = $"{probe.EventName}: the kernel runs this part ({probe.KernelPath})";
        var probed = facts.With(target, [new NotStaticFact(at, reason) { ResumesAfter = true }]);
        return new KernelProbePoint(probe, target.LabelAddress(at), probed);
    }

    /// <summary>Emits one handler; <paramref name="index"/> numbers it among several callbacks, <paramref name="reenter"/> makes it call that target again.</summary>
    internal static (EmittedBlob Blob, HandlerSlots Slots, ObservationSlots? Observation) EmitHandler(
        CodeImage image, HookSetOptions options, ContextLayout context, HandlerRole role, ulong? redirectTo, ThunkSet thunks, int? index = null, ulong? reenter = null)
    {
        string owner = (role == HandlerRole.Entry ? "handler" : "exit_handler") + index;
        var slots = HandlerSlots.Allocate(image.Data, owner, options.ArgCount);
        var observation = options.Instrumented ? ObservationSlots.Allocate(image.Data, owner) : null;
        var spec = new HandlerSpec(options.Handler, options.Strategy.Signature, role, options.Abi, options.ArgCount, context, slots)
        {
            RedirectTo = redirectTo,
            Observation = observation,
            ClobberVolatiles = options.Instrumented && options.Strategy.Signature != HandlerSignature.InPlace,
            Reenter = reenter,
            ReturnValue = options.Strategy.ModifiesReturn && role == HandlerRole.Entry ? options.ModifiedReturn : null,
            Thunks = thunks,
            CounterAtFirstArgument = options.ThreadCounters && role == HandlerRole.Entry ? ThreadCounters.HandlerRuns : null,
        };
        string name = (role == HandlerRole.Entry ? $"{options.Handler.Name()}-handler" : $"{options.Handler.Name()}-exit-handler") + index;
        var blob = image.Emit(name, BlobKind.Handler, asm => HandlerEmitter.Emit(asm, spec));
        return (blob, slots, observation);
    }
}
