using HookBench.Emission;
using HookBench.Native;

namespace HookBench.Kernel;

/// <summary>
/// The kernel state that the emitted ftrace and BPF runtime code reads and writes, as data slots: the
/// fields of <c>current</c> (<c>struct task_struct</c>) and the per-CPU variables the kernel reaches
/// through <c>%gs</c>. HookBench measures on one pinned thread, so one slot each stands in for both
/// kinds: per thread is per CPU here. The emitted code reaches them the way the kernel does: a
/// per-CPU value with one RIP-relative access (<c>incl %gs:__preempt_count</c>), a task field through
/// the <c>current_task</c> pointer, the runqueue through <c>this_cpu_off</c>.
/// </summary>
public sealed record KernelState(DataSlot CurrentTask, DataSlot Task, DataSlot PreemptCount, DataSlot ThisCpuOff, DataSlot RunQueue, DataSlot ReschedCalls)
{
    /// <summary>
    /// __preempt_count with preemption enabled on x86: PREEMPT_NEED_RESCHED (bit 31) is kept inverted so
    /// that a decrement reaching 0 means "reschedule now" (arch/x86/include/asm/preempt.h). Nothing here
    /// asks for a reschedule, so every preempt_enable() leaves 0x80000000 and never branches.
    /// </summary>
    public const ulong PreemptEnabled = 0x8000_0000;

    /// <summary>Byte offsets of the task_struct fields the emitted code touches, within <see cref="Task"/>.</summary>
    public const int TraceRecursion = 0, MigrationDisabled = 8, BpfCtx = 16, CpusPtr = 24, CpusMask = 32;

    /// <summary>Byte offset of <c>rq->nr_pinned</c> within <see cref="RunQueue"/> (this_rq_pinned()).</summary>
    public const int RqNrPinned = 0;

    /// <summary>What <c>current->bpf_ctx</c> holds between hooked calls: a recognisable outer run context.</summary>
    public const ulong OuterRunCtx = 0x0B0F_C7C7_0000_0001;

    public static KernelState Allocate(DataBlock data) => new(
        data.Allocate("current_task"),
        data.Allocate("task", 5),
        data.Allocate("__preempt_count"),
        data.Allocate("this_cpu_off"),
        data.Allocate("runqueues", 1),
        data.Allocate("__preempt_schedule.calls"));

    /// <summary>Writes the state of a thread outside any hook: preemption enabled, nothing pinned, no recursion bit.</summary>
    public void Initialize(CodeArena arena)
    {
        arena.WriteUInt64(CurrentTask.Address, Task.Address);
        arena.WriteUInt64(Task.Address + TraceRecursion, 0);
        arena.WriteUInt64(Task.Address + MigrationDisabled, 0);
        arena.WriteUInt64(Task.Address + BpfCtx, OuterRunCtx);
        // p->cpus_ptr == &p->cpus_mask: no affinity change pending, so migrate_enable() takes its fast path.
        arena.WriteUInt64(Task.Address + CpusPtr, Task.Address + CpusMask);
        arena.WriteUInt64(PreemptCount.Address, PreemptEnabled);
        arena.WriteUInt64(ThisCpuOff.Address, RunQueue.Address);
        arena.WriteUInt64(RunQueue.Address + RqNrPinned, 0);
    }

    /// <summary>Every field that a balanced hook leaves as <see cref="Initialize"/> wrote it, by name, with the value read now.</summary>
    public IEnumerable<(string Field, ulong Seen, ulong Expected)> Balance(CodeArena arena)
    {
        yield return ("current->trace_recursion", arena.ReadUInt64(Task.Address + TraceRecursion), 0);
        yield return ("current->migration_disabled", arena.ReadUInt64(Task.Address + MigrationDisabled), 0);
        yield return ("current->bpf_ctx", arena.ReadUInt64(Task.Address + BpfCtx), OuterRunCtx);
        yield return ("__preempt_count", arena.ReadUInt64(PreemptCount.Address), PreemptEnabled);
        yield return ("this_rq()->nr_pinned", arena.ReadUInt64(RunQueue.Address + RqNrPinned), 0);
        yield return ("__preempt_schedule calls", arena.ReadUInt64(ReschedCalls.Address), 0);
    }
}
