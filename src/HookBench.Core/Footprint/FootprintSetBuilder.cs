using HookBench.Emission;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Mitigations;
using HookBench.Native;
using HookBench.Patching;
using HookBench.Sites;
using HookBench.Strategies;
using HookBench.Targets;
using HookBench.Trampolines;

namespace HookBench.Footprint;

/// <summary>
/// Emits M hooked functions and their hooks into one arena, in dependency order: all targets first
/// (contiguous, 64-byte aligned: the densest text a kernel could have), then the handler(s), then the hook
/// code of the strategy's shape: one shared trampoline and its lookup, a trampoline per function (packed
/// after the targets, as the BPF trampolines share pages since bpf_prog_pack), or nothing more for
/// direct-call. The result is not sealed: the driver and probes go next.
/// </summary>
public static class FootprintSetBuilder
{
    /// <summary>Odd, so every function gets its own seed and so its own result.</summary>
    const ulong SeedStride = 0x9E3779B97F4A7C15;

    public static ulong SeedOf(int index) => unchecked(TargetEmitter.TargetSeed + (ulong)index * SeedStride);

    public static FootprintSet Emit(HookSetOptions options, int functions)
    {
        options.EnsureValid();
        if (functions < 2)
            throw new ArgumentOutOfRangeException(nameof(functions), functions, "a footprint set hooks at least two functions; one is a HookSet");
        if (!FootprintBudget.TryCheck(functions, out string? error))
            throw new UsageException(error!);
        if (options.Alignment != StackAlignment.Kernel)
            throw new UsageException($"footprint sets are built with the kernel's stack alignment; valid alignment with functions > 1: {StackAlignment.Kernel.Name()}");
        var shape = FootprintShapes.For(options.Strategy);
        var arena = CodeArena.Create((int)FootprintBudget.CodeBytes(functions), (int)FootprintBudget.DataBytes(functions), addressHint: options.AddressHint);
        try
        {
            return new Builder(new CodeImage(arena), options, functions).Build(shape);
        }
        catch
        {
            arena.Dispose();
            throw;
        }
    }

    /// <summary>Emits and seals: ready to attach and run (tests; measurement and validation add their loops first).</summary>
    public static FootprintSet Build(HookSetOptions options, int functions)
    {
        var set = Emit(options, functions);
        set.Seal();
        return set;
    }

    sealed class Builder
    {
        readonly CodeImage _image;
        readonly HookSetOptions _options;
        readonly ulong _ops;
        readonly IReadOnlyList<int> _pass;
        readonly int[] _occurrences;
        readonly List<(EmittedBlob Blob, Site Site, ulong Seed, WitnessSlots? Witness)> _targets = [];
        readonly PathFacts _facts = new();

        public Builder(CodeImage image, HookSetOptions options, int functions)
        {
            _image = image;
            _options = options;
            _ops = image.Data.Allocate("ftrace_ops", FtraceOps.Slots).Address;
            _pass = FootprintOrder.Pass(functions);
            _occurrences = new int[functions];
            foreach (int index in _pass)
                _occurrences[index]++;
            int n = options.ArgCount;
            for (int i = 0; i < functions; i++)
            {
                ulong seed = SeedOf(i);
                var witness = options.Instrumented ? WitnessSlots.Allocate(image.Data, $"target{i}", n) : null;
                // Footprint sets are built with profile none only (CellKey refuses others for functions > 1), so no thunks.
                Iced.Intel.Label site = default;
                var blob = image.Emit($"target{n}.{i}", BlobKind.Target,
                    asm => { site = TargetEmitter.Emit(asm, options.Strategy.Site, options.Strategy.Target, options.Abi, n, seed, witness, ThunkSet.None).Site; });
                _targets.Add((blob, new Site(options.Strategy.Site, blob.LabelAddress(site)), seed, witness));
            }
        }

        Strategy Strategy => _options.Strategy;
        int Count => _targets.Count;

        public FootprintSet Build(FootprintShape shape) => shape switch
        {
            FootprintShape.Unhooked => Set(shape, i => Function(i, null)),
            FootprintShape.DirectCall => DirectCall(),
            FootprintShape.PerFunction => PerFunction(),
            _ => Shared(),
        };

        FootprintFunction Function(int i, ulong? destination, EmittedBlob? trampoline = null) =>
            new(i, _targets[i].Blob, _targets[i].Site, new SitePatcher(_image.Arena, _targets[i].Site), _targets[i].Seed, _targets[i].Witness)
            {
                Destination = destination,
                Trampoline = trampoline,
            };

        FootprintSet Set(
            FootprintShape shape, Func<int, FootprintFunction> function, AttachedHandler? entry = null, AttachedHandler? exit = null,
            (EmittedBlob Trampoline, EmittedBlob Lookup, FtraceHash Hash, DataSlot? Matched)? shared = null) =>
            new(_options, shape, _image, [.. Enumerable.Range(0, Count).Select(function)], _facts)
            {
                OpsPointer = _ops,
                Entry = entry,
                Exit = exit,
                SharedTrampoline = shared?.Trampoline,
                Lookup = shared?.Lookup,
                Hash = shared?.Hash,
                LookupMatched = shared?.Matched,
            };

        (EmittedBlob Blob, HandlerSlots Slots, ObservationSlots? Observation) Handler(ContextLayout context, HandlerRole role) =>
            HookSetBuilder.EmitHandler(_image, _options, context, role, null, ThunkSet.None);

        /// <summary>Every site calls the one handler: entered one call below each target's entry, RSP ≡ 8 − 8.</summary>
        FootprintSet DirectCall()
        {
            var (blob, slots, observation) = Handler(ContextLayout.None, HandlerRole.Entry);
            return Set(FootprintShape.DirectCall, i => Function(i, blob.Address), new AttachedHandler(blob, slots, observation, EntryRspMod16: 0));
        }

        /// <summary>A trampoline per function, each calling the one program (a BPF program attached to M functions).</summary>
        FootprintSet PerFunction()
        {
            var spec = Strategy.Trampoline!;
            var context = TrampolineBuilder.ContextFor(spec, _options.ArgCount);
            var entry = Handler(context, HandlerRole.Entry);
            var exit = Strategy.HasExitHandler ? Handler(context, HandlerRole.Exit) : ((EmittedBlob Blob, HandlerSlots Slots, ObservationSlots? Observation)?)null;
            var trampolines = new EmittedBlob[Count];
            TrampolineLayout? layout = null;
            for (int i = 0; i < Count; i++)
            {
                var request = Request(spec, _targets[i].Site, entry.Blob.Address) with { ExitHandler = exit?.Blob.Address };
                trampolines[i] = _image.Emit($"{Strategy.Name}-trampoline.{i}", BlobKind.Trampoline, asm =>
                {
                    layout = TrampolineBuilder.Build(asm, request);
                    return layout.DataLabel;
                });
                _facts.Add(trampolines[i], Repeated(layout!.PathFacts, _occurrences[i]));
            }

            return Set(FootprintShape.PerFunction, i => Function(i, trampolines[i].Address, trampolines[i]),
                new AttachedHandler(entry.Blob, entry.Slots, entry.Observation, layout!.HandlerEntryRspMod16),
                exit is { } e ? new AttachedHandler(e.Blob, e.Slots, e.Observation, layout.ExitHandlerEntryRspMod16!.Value) : null);
        }

        /// <summary>
        /// One trampoline for every site, whose callback looks the ip up in the ops' filter hash before it
        /// calls the handler (<see cref="FtraceListFunc"/>).
        /// </summary>
        FootprintSet Shared()
        {
            var spec = Strategy.Trampoline!;
            var abi = _options.Abi;
            var entry = Handler(TrampolineBuilder.ContextFor(spec, _options.ArgCount), HandlerRole.Entry);
            var hash = new FtraceHash([.. _targets.Select(t => t.Site.Address)]);
            var matched = _options.Instrumented ? _image.Data.Allocate("lookup.matched") : (DataSlot?)null;
            FtraceListFuncLabels? labels = null;
            var lookup = _image.Emit("ftrace_ops_list_func", BlobKind.Handler, asm => labels = FtraceListFunc.Emit(asm, abi, hash.Bits, matched));
            _facts.Add(lookup, LookupFacts(labels!, hash, entry.Blob.Address));

            TrampolineLayout? layout = null;
            var request = Request(spec, _targets[0].Site, lookup.Address);
            var trampoline = _image.Emit($"{Strategy.Name}-trampoline", BlobKind.Trampoline, asm =>
            {
                layout = TrampolineBuilder.Build(asm, request);
                return layout.DataLabel;
            });
            _facts.Add(trampoline, Repeated(layout!.PathFacts, _pass.Count));
            WriteOpsAndHash(hash, entry.Blob.Address);

            // The lookup calls the handler one call (and its own shadow space) below where the trampoline called it.
            int handlerRsp = ((layout.HandlerEntryRspMod16 - 8 - abi.ShadowSpaceBytes) % 16 + 16) % 16;
            return Set(FootprintShape.Shared, i => Function(i, trampoline.Address),
                new AttachedHandler(entry.Blob, entry.Slots, entry.Observation, handlerRsp), shared: (trampoline, lookup, hash, matched));
        }

        TrampolineRequest Request(TrampolineSpec spec, Site site, ulong entryHandler) =>
            new(spec, _options.Abi, _options.ArgCount, site, entryHandler)
            {
                OpsPointer = _ops,
                Mutation = _options.Mutation,
                InjectedLatency = _options.InjectedLatency,
            };

        /// <summary>The lookup's branches and its call, call by call in the order of one pass.</summary>
        IEnumerable<PathFact> LookupFacts(FtraceListFuncLabels labels, FtraceHash hash, ulong handler)
        {
            var empty = new List<bool>();
            var endOfChain = new List<bool>();
            var ipMatch = new List<bool>();
            foreach (int index in _pass)
            {
                empty.Add(false);
                int position = hash.ChainPosition(index);
                for (int p = 0; p <= position; p++)
                {
                    endOfChain.Add(false);
                    ipMatch.Add(p == position);
                }
            }

            return
            [
                new BranchFact(labels.EmptyFilter, empty),
                new BranchFact(labels.EndOfChain, endOfChain),
                new BranchFact(labels.IpMatch, ipMatch),
                new TransferFact(labels.CallFunc, [.. Enumerable.Repeat(handler, _pass.Count)]),
            ];
        }

        void WriteOpsAndHash(FtraceHash hash, ulong handler)
        {
            var arena = _image.Arena;
            var data = _image.Data;
            var header = data.Allocate("ftrace_hash", FtraceHash.HeaderSlots);
            var buckets = data.Allocate("ftrace_hash.buckets", hash.BucketCount);
            var entries = data.Allocate("ftrace_hash.entries", Count * FtraceHash.EntrySize / 8);
            var listEnd = data.Allocate("ftrace_list_end", FtraceOps.Slots);
            hash.Write(arena, header, buckets, entries);
            arena.WriteUInt64(_ops + FtraceOps.Func, handler);
            arena.WriteUInt64(_ops + FtraceOps.Next, listEnd.Address);
            arena.WriteUInt64(_ops + FtraceOps.LocalHash + FtraceOps.NotraceHash, 0);     // NULL: an empty notrace hash
            arena.WriteUInt64(_ops + FtraceOps.LocalHash + FtraceOps.FilterHash, header.Address);
            arena.WriteUInt64(_ops + FtraceOps.FuncHash, _ops + FtraceOps.LocalHash);
        }

        /// <summary>A builder's facts for one call, for <paramref name="times"/> calls in a row.</summary>
        static IEnumerable<PathFact> Repeated(IEnumerable<PathFact> facts, int times) => facts.Select(fact => fact switch
        {
            BranchFact branch => new BranchFact(branch.At, [.. Enumerable.Repeat(branch.Taken, times).SelectMany(t => t)]),
            TransferFact transfer => new TransferFact(transfer.At, [.. Enumerable.Repeat(transfer.Destinations, times).SelectMany(d => d)]),
            _ => fact,
        });
    }
}
