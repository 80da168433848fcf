namespace HookBench.Bpf;

/// <summary>
/// A named set of <see cref="BpfSteps"/>: what the BPF trampoline does around each program, as one kernel
/// release did it. Any step on means the per-program sequence of the v6.x generator (invoke_bpf_prog:
/// cookie into run_ctx, call __bpf_prog_enter*, skip the program on 0, call __bpf_prog_exit*) in its
/// frame (arguments stored, rbx saved, nr_regs recorded); no step means the thread's form, which calls
/// the programs directly.
/// </summary>
public sealed record BpfProfile(string Name, BpfSteps Steps, string Origin)
{
    /// <summary>The thread's trampoline (22 Oct 2019): push the arguments, call the program, pop them.</summary>
    public static BpfProfile Thread2019 { get; } = new("bpf-2019", BpfSteps.None,
        "the thread's per-function trampoline (22 Oct 2019): no per-program bookkeeping");

    /// <summary>Linux 6.17: __bpf_prog_enter_recur calls migrate_disable(), an out-of-line function in kernel/sched/core.c.</summary>
    public static BpfProfile Linux617 { get; } = new("bpf-6.17",
        BpfSteps.Recursion | BpfSteps.MigrateDisable | BpfSteps.RcuReadLock | BpfSteps.RunCtx,
        "Linux 6.17 __bpf_prog_enter_recur/__bpf_prog_exit_recur: recursion check, rcu_read_lock, out-of-line migrate_disable, run_ctx; stats off");

    /// <summary>Linux 6.18: migrate_disable() inline (378b7708194f, "sched: Make migrate_{en,dis}able() inline").</summary>
    public static BpfProfile Linux618 { get; } = new("bpf-6.18",
        BpfSteps.Recursion | BpfSteps.MigrateDisable | BpfSteps.MigrateInline | BpfSteps.RcuReadLock | BpfSteps.RunCtx,
        "Linux 6.18 (378b7708194f): as 6.17 with migrate_disable/migrate_enable inlined; stats off");

    /// <summary>Linux 6.18 with bpf_stats_enabled (sysctl kernel.bpf_stats_enabled=1).</summary>
    public static BpfProfile Linux618Stats { get; } = new("bpf-6.18+stats",
        Linux618.Steps | BpfSteps.Stats,
        "Linux 6.18 with run-time stats on: the start time from the TSC, count and time accumulated per program");

    public static IReadOnlyList<BpfProfile> All { get; } = [Thread2019, Linux617, Linux618, Linux618Stats];

    public static string ValidNames => string.Join(", ", All.Select(p => p.Name));

    public static BpfProfile Parse(string name) => NamedValues.Parse(name, All, p => p.Name, "bpf profile");

    public bool Has(BpfSteps step) => (Steps & step) == step;

    /// <summary>Whether the trampoline wraps each program in __bpf_prog_enter/exit calls.</summary>
    public bool WrapsPrograms => Steps != BpfSteps.None;

    public override string ToString() => Name;
}
