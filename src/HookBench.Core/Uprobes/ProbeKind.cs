namespace HookBench.Uprobes;

/// <summary>Where a kernel uprobe fires.</summary>
public enum ProbeKind
{
    /// <summary>A uprobe: on reaching the probed instruction.</summary>
    Entry,

    /// <summary>
    /// A uretprobe: on return from the function whose entry is probed. The kernel swaps the return
    /// address for its trampoline at entry; since 6.11 the trampoline returns through the uretprobe
    /// syscall instead of a trap (ff474a78cef5).
    /// </summary>
    Return,
}
