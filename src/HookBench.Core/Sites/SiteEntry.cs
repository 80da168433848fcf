namespace HookBench.Sites;

/// <summary>How a routed site transfers control to its destination.</summary>
public enum SiteEntry
{
    /// <summary><c>call rel32</c>: the destination is entered with the return address site+length on the stack (ftrace's fentry call).</summary>
    Call,

    /// <summary>
    /// <c>jmp rel32</c>: the destination is entered with the traced function's own return address on top, so
    /// it can return straight to the caller with the return stack balanced (the BPF trampoline's jmp mode,
    /// Linux 6.19: 25e4e3565d45 and the series around it).
    /// </summary>
    Jump,
}
