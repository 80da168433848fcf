using HookBench.Bpf;
using HookBench.Cells;
using HookBench.Emission;
using HookBench.Ftrace;
using HookBench.Handlers;
using HookBench.Kernel;
using HookBench.Mitigations;
using HookBench.Native;
using HookBench.Sites;
using HookBench.Strategies;
using HookBench.Targets;
using HookBench.Trampolines;

namespace HookBench.HookSets;

/// <summary>
/// Hook sets whose hook calls several callbacks: ops-list's K registered ops (through an emitted
/// ftrace_ops_list_func) and direct's P programs (with enter/exit bookkeeping and a metadata lookup).
/// Emission order: target (after its padding, for a padding lookup), the K or P handlers, the kernel
/// runtime they need, the ops or program data, then the trampoline.
/// </summary>
public static partial class HookSetBuilder
{
    /// <summary>What the common part of <see cref="EmitInto"/> already emitted: the thunks, the target and its site, the facts so far.</summary>
    sealed record ChainTarget(
        EmittedBlob Target, WitnessSlots? Witness, Site Site, ulong OpsPointer, DataSlot? MetadataBlock, PathFacts Facts, ThunkSet Thunks);

    /// <summary>Whether the hook calls more than the one handler of the thread's strategies.</summary>
    static bool CallsSeveral(HookSetOptions options) =>
        Attachment.TakesOps(options.Strategy) || (Attachment.TakesPrograms(options.Strategy) && !options.Attach.IsDefault);

    /// <summary>
    /// The default arena holds up to eight callbacks with their data; more get a larger one. The kernel finds
    /// probed code by inode and offset, in a private mapping: kernel-probe sets are always file-backed.
    /// </summary>
    static CodeArena CreateArena(HookSetOptions options)
    {
        var backing = options.Strategy.IsKernelProbe ? ArenaBacking.File : options.Backing;
        return Math.Max(options.Attach.Ops, options.Attach.Progs) <= 8
            ? CodeArena.Create(backing: backing, addressHint: options.AddressHint)
            : CodeArena.Create(codeBytes: 48 * CodeArena.PageSize, dataBytes: 24 * CodeArena.PageSize, backing: backing, addressHint: options.AddressHint);
    }

    /// <summary>
    /// For a padding lookup: the 64-byte blob whose last 8 bytes, just before the target's entry, point at the
    /// function's metadata (allocated now, filled once the programs exist). Null for every other cell.
    /// </summary>
    static (EmittedBlob Blob, DataSlot Metadata)? EmitFunctionPadding(CodeImage image, HookSetOptions options)
    {
        if (!Attachment.TakesPrograms(options.Strategy) || options.Attach.Lookup != MetadataLookup.Padding)
            return null;
        var metadata = FunctionMetadata.Allocate(image.Data, options.Attach.Progs);
        var blob = image.Emit($"target{options.ArgCount}-padding", BlobKind.Target, asm => FunctionPadding.Emit(asm, metadata.Address));
        if (blob.Length != FunctionPadding.BlobBytes || image.NextAddress != blob.Address + FunctionPadding.BlobBytes)
            throw new InvalidOperationException("the padding blob must end exactly where the target begins");
        return (blob, metadata);
    }

    static HookSet EmitChain(CodeImage image, HookSetOptions options, ChainTarget emitted)
    {
        var strategy = options.Strategy;
        var attach = options.Attach;
        var abi = options.Abi;
        int n = options.ArgCount;
        bool opsList = Attachment.TakesOps(strategy);
        if (emitted.MetadataBlock is null && attach.Lookup == MetadataLookup.Padding && !opsList)
            throw new InvalidOperationException("a padding lookup needs the padding emitted before the target");
        if (options.Reenter && !GuardsRecursion(options))
            throw new InvalidOperationException($"{options}: without a recursion guard a re-entering callback recurses until the stack overflows");

        TrampolineSpec spec = strategy.Trampoline ?? throw new InvalidOperationException($"{strategy.Name} has no trampoline");
        if (options.Alignment == StackAlignment.CAbi)
            spec = spec.With(TrampolineFlags.AlignStack);
        ContextLayout context = opsList ? TrampolineBuilder.ContextFor(spec, n) : TrampolineBuilder.ContextFor(spec, n, attach.Bpf);
        int count = opsList ? attach.Ops : attach.Progs;
        var thunks = emitted.Thunks;
        var handlers = Enumerable.Range(0, count)
            .Select(i => EmitHandler(image, options, context, HandlerRole.Entry, null, thunks, i, options.Reenter && i == 0 ? emitted.Target.Address : null))
            .ToList();

        var facts = emitted.Facts;
        bool needsKernel = opsList || attach.Bpf.WrapsPrograms;
        KernelState? state = null;
        ulong reschedule = 0;
        if (needsKernel)
        {
            state = KernelState.Allocate(image.Data);
            state.Initialize(image.Arena);
            var kernelState = state;
            reschedule = image.Emit("__preempt_schedule", BlobKind.Runtime, asm => KernelCode.EmitReschedule(asm, kernelState, thunks)).Address;
        }

        var request = new TrampolineRequest(spec, abi, n, emitted.Site, handlers[0].Blob.Address)
        {
            OpsPointer = emitted.OpsPointer,
            Thunks = thunks,
            Mutation = options.Mutation,
            InjectedLatency = options.InjectedLatency,
        };
        IReadOnlyList<(int Index, ulong Owner, bool Runs)> members;
        IReadOnlyList<BpfProgram> programs = [];
        int listSurplus = 0;
        if (opsList)
        {
            var list = FtraceOpsList.Build(image, emitted.Site.Address, [.. handlers.Select(h => h.Blob.Address)], attach.MatchingOps);
            IReadOnlyList<PathFact> pinned = [];
            var listRequest = request;
            var listFunction = image.Emit("ftrace_ops_list_func", BlobKind.Runtime,
                asm => { (pinned, listSurplus) = TrampolineBuilder.BuildOpsListFunction(asm, listRequest, list, state!, reschedule); });
            facts.Add(listFunction, pinned);
            // With the list function in use, function_trace_op is &ftrace_list_end (update_ftrace_function).
            request = request with { EntryHandler = listFunction.Address, OpsPointer = list.ListEnd };
            members = [.. list.Ops.Select(o => (o.Index, o.Address, o.Matches))];
        }
        else
        {
            programs = [.. handlers.Select((h, i) => BpfProgram.Build(image, i, h.Blob.Address))];
            var runtime = attach.Bpf.WrapsPrograms
                ? BpfRuntimeEmitter.Emit(image, abi, attach.Bpf, state!, reschedule, thunks, programs.Count, facts,
                    skipRecursionRelease: options.Mutation == TrampolineMutation.SkipRecursionRelease)
                : null;
            var metadata = attach.Lookup == MetadataLookup.Const
                ? null
                : FunctionMetadata.Build(image, attach.Lookup, emitted.Site.Address, programs, emitted.MetadataBlock);
            request = request with
            {
                Bpf = new BpfAttachment(programs, attach.Bpf, attach.Lookup)
                {
                    Runtime = runtime, Metadata = metadata, SiteAfterPadding = (int)(emitted.Site.Address - emitted.Target.Address),
                },
            };
            members = [.. programs.Select(p => (p.Index, p.Address, true))];
        }

        TrampolineLayout? built = null;
        var trampoline = image.Emit($"{strategy.Name}-trampoline", BlobKind.Trampoline, asm =>
        {
            built = TrampolineBuilder.Build(asm, request);
            return built.DataLabel;
        });
        var layout = built! with { CallDepthSurplus = built!.CallDepthSurplus + listSurplus };
        facts.Add(trampoline, layout.PathFacts);
        thunks.AddIndirectFacts(facts);
        var chain = members
            .Select(m => new ChainedHandler(m.Index,
                new AttachedHandler(handlers[m.Index].Blob, handlers[m.Index].Slots, handlers[m.Index].Observation, layout.HandlerEntryRspMod16),
                m.Owner, m.Runs))
            .ToList();
        return new HookSet(options, image, emitted.Site)
        {
            Target = emitted.Target, EntryPoint = emitted.Target.Address, Thunks = thunks, TargetWitness = emitted.Witness,
            OpsPointer = request.OpsPointer, PathFacts = facts,
            Trampoline = trampoline, Layout = layout, Entry = chain[0].Handler, Chain = chain, Kernel = state, Programs = programs,
            SiteDestination = trampoline.Address,
        };
    }

    /// <summary>Whether a re-entered hook stops: ftrace's list function always guards; BPF only with the recursion step.</summary>
    static bool GuardsRecursion(HookSetOptions options) =>
        Attachment.TakesOps(options.Strategy) || options.Attach.Bpf.Has(BpfSteps.Recursion);
}
