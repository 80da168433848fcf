namespace HookBench.Strategies;

/// <summary>Who calls the attached callbacks once the site has reached the trampoline.</summary>
public enum CallbackDispatch
{
    /// <summary>The trampoline calls the handler (or each BPF program) itself.</summary>
    Trampoline,

    /// <summary>
    /// The trampoline calls ftrace_ops_list_func, which walks every registered ftrace_ops, tests each one's
    /// filter for this ip and calls the matching ones through an indirect call (several users on one function).
    /// </summary>
    OpsList,
}
