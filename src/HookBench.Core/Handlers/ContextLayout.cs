namespace HookBench.Handlers;

/// <summary>What the handler's context pointer points at.</summary>
public enum ContextKind
{
    /// <summary>No context: the handler runs with the target's registers.</summary>
    None,

    /// <summary>A <c>struct pt_regs</c> / <c>ftrace_regs</c> on the trampoline's stack.</summary>
    PtRegs,

    /// <summary>An array of saved arguments (the BPF program's ctx), optionally followed by the return value.</summary>
    ArgsArray,
}

/// <summary>
/// Where a handler finds argument <c>i</c> and the return value relative to its context pointer.
/// For <see cref="ContextKind.PtRegs"/> the offsets follow from the calling convention and
/// <see cref="Abi.PtRegs"/>; for <see cref="ContextKind.ArgsArray"/> the trampoline builder says.
/// </summary>
public sealed record ContextLayout(ContextKind Kind, IReadOnlyList<int> ArgumentOffsets, int? ReturnValueOffset)
{
    public static ContextLayout None { get; } = new(ContextKind.None, [], null);

    public static ContextLayout PtRegs { get; } = new(ContextKind.PtRegs, [], null);
}
