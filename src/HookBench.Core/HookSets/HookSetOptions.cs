using HookBench.Abi;
using HookBench.Cells;
using HookBench.Handlers;
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

    /// <summary>What sits between the trampoline and the program: ops-list's K ops, direct's P programs and their bookkeeping.</summary>
    public Attachment Attach { get; init; } = Attachment.Default;

    /// <summary>Test builds only: the first callback calls the target again from inside the hook (the recursion guards' probe).</summary>
    internal bool Reenter { get; init; }

    /// <summary>Validation builds: targets record a witness, handlers record what they saw and clobber volatiles.</summary>
    public bool Instrumented { get; init; }

    internal TrampolineMutation Mutation { get; init; }

    internal int InjectedLatency { get; init; }

    public override string ToString() =>
        $"{Strategy.Name} {Handler.Name()} args={ArgCount} {Abi.Name} {Alignment.Name()}" + (Attach.IsDefault ? string.Empty : $" {Attach.Label}");

    /// <summary>Whether this combination can be built; <paramref name="error"/> is a one-line reason naming the valid choices.</summary>
    public bool TryValidate(out string? error)
    {
        error = null;
        if (ArgCount is < 0 or > MaxArgs)
            error = $"args must be 0..{MaxArgs}; got {ArgCount}";
        else if (Strategy.RefusedHandlers.TryGetValue(Handler, out string? why))
        {
            var valid = HandlerKinds.All.Where(h => !Strategy.RefusedHandlers.ContainsKey(h)).Select(h => h.Name());
            error = $"strategy {Strategy.Name} refuses handler {Handler.Name()}: {why}; valid handlers for {Strategy.Name}: {string.Join(", ", valid)}";
        }
        else if (Alignment == StackAlignment.CAbi && !Strategy.SupportsAlignment)
            error = $"strategy {Strategy.Name} has no trampoline to pad the stack; valid alignment for it: {StackAlignment.Kernel.Name()}";
        else if (Strategy.Trampoline is TrampolineSpec spec && !spec.TryValidate(out error))
            error = $"strategy {Strategy.Name}: {error}";
        else
            Attach.TryValidate(Strategy, out error);

        return error is null;
    }

    /// <summary>Refuses combinations that cannot be built, with the <see cref="TryValidate"/> reason.</summary>
    public void EnsureValid()
    {
        if (!TryValidate(out string? error))
            throw new UsageException(error!);
    }
}
