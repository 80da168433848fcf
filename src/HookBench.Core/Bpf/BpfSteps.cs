namespace HookBench.Bpf;

/// <summary>
/// The steps of the kernel's per-program bookkeeping around a BPF program in a trampoline
/// (__bpf_prog_enter_recur / __bpf_prog_exit_recur, kernel/bpf/trampoline.c), each one switchable.
/// </summary>
[Flags]
public enum BpfSteps
{
    /// <summary>No bookkeeping: the trampoline calls the program directly (the thread's form, 2019).</summary>
    None = 0,

    /// <summary><c>this_cpu_inc_return(*(prog->active)) != 1</c> skips a program re-entered on this CPU; the exit decrements.</summary>
    Recursion = 1 << 0,

    /// <summary>migrate_disable() / migrate_enable(): a per-task counter, the runqueue's nr_pinned, under a preempt guard.</summary>
    MigrateDisable = 1 << 1,

    /// <summary>migrate_disable() inlined into the enter/exit functions (378b7708194f, Linux 6.18) instead of called.</summary>
    MigrateInline = 1 << 2,

    /// <summary>rcu_read_lock() / rcu_read_unlock() in the preempt-count form (non-preemptible RCU: preempt_disable()).</summary>
    RcuReadLock = 1 << 3,

    /// <summary>Run-time stats (bpf_stats_enabled): the start time from the TSC, then count and nanoseconds accumulated.</summary>
    Stats = 1 << 4,

    /// <summary>The cookie stored in the trampoline's bpf_tramp_run_ctx, current->bpf_ctx saved, set and restored.</summary>
    RunCtx = 1 << 5,
}
