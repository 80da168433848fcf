using HookBench.Abi;
using HookBench.Handlers;
using HookBench.Native;
using HookBench.Strategies;
using HookBench.Trampolines;

namespace HookBench.HookSets;

/// <summary>One combination to emit: strategy × handler × argument count × calling convention × alignment.</summary>
public sealed record HookSetOptions(
    Strategy Strategy,
    HandlerKind Handler,
    int ArgCount,
    CallingConvention Abi,
    StackAlignment Alignment = StackAlignment.Kernel)
{
    public const int MaxArgs = 6;

    /// <summary>Validation builds: targets record a witness, handlers record what they saw and clobber volatiles.</summary>
    public bool Instrumented { get; init; }

    /// <summary>What the arena's code pages are made of; <see cref="ArenaBacking.File"/> (Linux) allows live patching and uprobes.</summary>
    public ArenaBacking Backing { get; init; } = ArenaBacking.Anonymous;

    internal TrampolineMutation Mutation { get; init; }

    internal int InjectedLatency { get; init; }

    public override string ToString() =>
        $"{Strategy.Name} {Handler.Name()} args={ArgCount} {Abi.Name} {Alignment.Name()}";

    /// <summary>Refuses combinations that cannot be built, with a one-line reason naming the valid choices.</summary>
    public void EnsureValid()
    {
        if (ArgCount is < 0 or > MaxArgs)
            throw new UsageException($"args must be 0..{MaxArgs}; got {ArgCount}");
        if (Strategy.RefusedHandlers.TryGetValue(Handler, out string? why))
        {
            var valid = HandlerKinds.All.Where(h => !Strategy.RefusedHandlers.ContainsKey(h)).Select(h => h.Name());
            throw new UsageException($"strategy {Strategy.Name} refuses handler {Handler.Name()}: {why}; valid handlers for {Strategy.Name}: {string.Join(", ", valid)}");
        }

        if (Alignment == StackAlignment.CAbi && !Strategy.SupportsAlignment)
            throw new UsageException($"strategy {Strategy.Name} has no trampoline to pad the stack; valid alignment for it: {StackAlignment.Kernel.Name()}");
    }

    public bool IsValid()
    {
        try
        {
            EnsureValid();
            return true;
        }
        catch (UsageException)
        {
            return false;
        }
    }
}
