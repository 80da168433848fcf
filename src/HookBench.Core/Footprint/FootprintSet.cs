using HookBench.Emission;
using HookBench.HookSets;
using HookBench.Native;
using HookBench.Targets;

namespace HookBench.Footprint;

/// <summary>
/// M hooked functions in one arena, as <see cref="FootprintSetBuilder"/> left them: each target with its
/// own site and seed, the hook code in the strategy's many-function shape, the lookup data of the shared
/// shape, the order a pass calls them in, and the path facts of one pass. Harnesses add their blobs to
/// <see cref="Image"/> before <see cref="Seal"/>.
/// </summary>
public sealed class FootprintSet : IDisposable
{
    internal FootprintSet(HookSetOptions options, FootprintShape shape, CodeImage image, IReadOnlyList<FootprintFunction> functions, PathFacts facts)
    {
        Options = options;
        Shape = shape;
        Image = image;
        Functions = functions;
        PathFacts = facts;
        PassOrder = FootprintOrder.Pass(functions.Count);
        PassCallees = [.. PassOrder.Select(i => functions[i].Target.Address)];
    }

    public HookSetOptions Options { get; }
    public FootprintShape Shape { get; }
    public CodeImage Image { get; }
    public CodeArena Arena => Image.Arena;
    public IReadOnlyList<FootprintFunction> Functions { get; }

    /// <summary>The one handler every hook calls (a BPF program attached to all M, an ftrace callback for all M).</summary>
    public AttachedHandler? Entry { get; init; }
    public AttachedHandler? Exit { get; init; }

    /// <summary>The shared shape's one trampoline and its lookup callback.</summary>
    public EmittedBlob? SharedTrampoline { get; init; }
    public EmittedBlob? Lookup { get; init; }
    public FtraceHash? Hash { get; init; }

    /// <summary>Validation builds of the shared shape: the hash entry the last lookup matched.</summary>
    public DataSlot? LookupMatched { get; init; }

    /// <summary>The <c>struct ftrace_ops *</c> the ftrace trampolines pass their callback.</summary>
    public required ulong OpsPointer { get; init; }

    /// <summary>Function indices in the order one pass of the driver calls them.</summary>
    public IReadOnlyList<int> PassOrder { get; }

    /// <summary>The targets one pass calls, in order.</summary>
    public IReadOnlyList<ulong> PassCallees { get; }

    /// <summary>Where control goes at the transfers the decoder cannot resolve, for one pass with the sites attached.</summary>
    public PathFacts PathFacts { get; }

    public int LookupDataBytes => Hash?.DataBytes ?? 0;

    public bool IsAttached { get; private set; }

    public IEnumerable<EmittedBlob> Blobs => Image.Blobs;

    /// <summary>What function <paramref name="index"/> returns for <paramref name="arguments"/>.</summary>
    public ulong Reference(int index, IReadOnlyList<ulong> arguments) => TargetEmitter.Reference(Functions[index].Seed, arguments);

    public void Seal() => Arena.Seal();

    /// <summary>Routes every site to its destination (a no-op for the unhooked baseline strategy).</summary>
    public void Attach()
    {
        if (IsAttached)
            return;
        foreach (var function in Functions)
        {
            if (function.Destination is ulong destination)
                function.Patcher.Attach(destination);
        }

        IsAttached = true;
    }

    public void Detach()
    {
        if (!IsAttached)
            return;
        foreach (var function in Functions)
        {
            if (function.Destination is ulong destination)
                function.Patcher.Detach(destination);
        }

        IsAttached = false;
    }

    public void Dispose() => Arena.Dispose();
}
