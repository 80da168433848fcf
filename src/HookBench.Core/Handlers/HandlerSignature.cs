namespace HookBench.Handlers;

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
