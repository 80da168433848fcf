namespace HookBench.Handlers;

/// <summary>The stand-ins for the attached callback or BPF program.</summary>
public enum HandlerKind
{
    /// <summary>Returns at once: the cost of the hook path alone.</summary>
    Empty,

    /// <summary>Increments a per-hook 64-bit counter, like the BPF trigger benchmark's program.</summary>
    Counter,

    /// <summary>Reads every argument from what the strategy hands it (the regs struct or the args array) into a sink.</summary>
    Args,
}
