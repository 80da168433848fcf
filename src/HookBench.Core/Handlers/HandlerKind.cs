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

/// <summary>How the hook path calls the handler.</summary>
public enum HandlerSignature
{
    /// <summary><c>handler(ip, parent_ip, ops, regs)</c>, ftrace_func_t.</summary>
    FtraceCallback,

    /// <summary><c>handler(ctx)</c> where ctx points at the saved arguments, a JITed BPF program.</summary>
    BpfProgram,

    /// <summary>Called from the site itself with the target's own registers (Andy's "call it directly").</summary>
    InPlace,
}

/// <summary>Entry handlers run before the body; exit handlers (fexit) after it, and see the return value.</summary>
public enum HandlerRole
{
    Entry,
    Exit,
}

public static class HandlerKinds
{
    public static IReadOnlyList<HandlerKind> All { get; } = Enum.GetValues<HandlerKind>();

    public static string Name(this HandlerKind kind) => kind.ToString().ToLowerInvariant();

    public static HandlerKind Parse(string name) => NamedValues.Parse(name, All, Name, "handler");

    public static string ValidNames => string.Join(", ", All.Select(Name));
}
