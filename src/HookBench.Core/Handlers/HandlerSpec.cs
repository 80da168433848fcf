using HookBench.Abi;
using HookBench.Mitigations;

namespace HookBench.Handlers;

/// <summary>Everything <see cref="HandlerEmitter"/> needs to emit one handler.</summary>
public sealed record HandlerSpec(
    HandlerKind Kind,
    HandlerSignature Signature,
    HandlerRole Role,
    CallingConvention Abi,
    int ArgCount,
    ContextLayout Context,
    HandlerSlots Slots)
{
    /// <summary>ipmodify: the address the handler writes to regs->ip (a livepatch replacement).</summary>
    public ulong? RedirectTo { get; init; }

    /// <summary>Validation builds: record what the handler saw.</summary>
    public ObservationSlots? Observation { get; init; }

    /// <summary>
    /// Validation builds: after its work, overwrite every register and flag the calling convention lets a
    /// callee clobber, as compiled C may, so the trampoline's saves are what keeps the target correct.
    /// </summary>
    public bool ClobberVolatiles { get; init; }

    /// <summary>Recursion-guard tests only: after its work the handler calls this traced function again.</summary>
    internal ulong? Reenter { get; init; }

    /// <summary>fmod_ret programs: the value the program returns in rax (0 lets the original run); null for the others.</summary>
    public ulong? ReturnValue { get; init; }

    /// <summary>The profile's thunks: ENDBR at entry and the return through x86_return_thunk, as the BPF JIT emits them.</summary>
    public ThunkSet Thunks { get; init; } = ThunkSet.None;

    /// <summary>
    /// The counter handler increments the qword at this offset from the target's first argument (a
    /// per-thread block, see HookSets.ThreadCounters) instead of its own shared slot.
    /// </summary>
    public int? CounterAtFirstArgument { get; init; }
}
