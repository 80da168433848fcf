using HookBench.Emission;
using HookBench.Mitigations;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Kernel;

/// <summary>
/// migrate_disable() and migrate_enable() as include/linux/sched.h defines them since 378b7708194f
/// ("sched: Make migrate_{en,dis}able() inline", Linux 6.18), on their outermost (not nested) path:
/// a per-task counter set and cleared under a preempt guard, the runqueue's nr_pinned counted, and on
/// enable the check that no affinity change is pending. The same body is what the out-of-line
/// functions of kernel/sched/core.c ran before. Every branch runs <c>runs</c> times per hooked call.
/// </summary>
public static class MigrateCode
{
    /// <summary>
    /// __migrate_disable(), outermost path: p = current; p->migration_disabled is 0, so under a preempt guard
    /// this_rq_pinned()++ and p->migration_disabled = 1. Uses rax and <paramref name="temp"/>.
    /// </summary>
    public static void EmitDisable(Assembler asm, KernelState state, ulong reschedule, ThunkSet thunks, int runs, Register temp, ColdPaths cold, ICollection<PathFact> facts)
    {
        var t = temp.R64();
        var t32 = new AssemblerRegister32(temp.GetFullRegister32());
        Label done = default;
        KernelCode.LoadCurrent(asm, state, Register.RAX);
        asm.movzx(t32, __word_ptr[rax + KernelState.MigrationDisabled]);
        asm.test(t32, t32);
        var nested = cold.Add("migrate_disable_nested", () =>
        {
            asm.inc(__word_ptr[rax + KernelState.MigrationDisabled]);
            asm.jmp(done);
        });
        KernelCode.Branch(asm, facts, "migration_disabled", KernelCode.Never(runs));
        asm.jnz(nested);
        KernelCode.PreemptDisable(asm, state);            // guard(preempt)()
        asm.LoadRip(temp, state.ThisCpuOff.Address);
        asm.inc(__dword_ptr[t + KernelState.RqNrPinned]);  // this_rq_pinned()++
        asm.mov(__word_ptr[rax + KernelState.MigrationDisabled], 1);
        done = KernelCode.PreemptEnable(asm, state, reschedule, thunks, cold, facts, runs);
    }

    /// <summary>
    /// __migrate_enable(), outermost path: p->migration_disabled is 1, so under a preempt guard check that
    /// p->cpus_ptr is still &amp;p->cpus_mask, clear the counter and this_rq_pinned()--.
    /// </summary>
    public static void EmitEnable(Assembler asm, KernelState state, ulong reschedule, ThunkSet thunks, int runs, Register temp, ColdPaths cold, ICollection<PathFact> facts)
    {
        var t = temp.R64();
        var t32 = new AssemblerRegister32(temp.GetFullRegister32());
        Label done = default;
        var checkedAffinity = asm.CreateLabel("cpus_ptr_checked");
        KernelCode.LoadCurrent(asm, state, Register.RAX);
        asm.movzx(t32, __word_ptr[rax + KernelState.MigrationDisabled]);
        asm.cmp(t32, 1);
        var nested = cold.Add("migrate_enable_nested", () =>
        {
            asm.dec(__word_ptr[rax + KernelState.MigrationDisabled]);
            asm.jmp(done);
        });
        KernelCode.Branch(asm, facts, "migration_nested", KernelCode.Never(runs));
        asm.ja(nested);
        KernelCode.PreemptDisable(asm, state);            // guard(preempt)()
        asm.lea(t, __qword_ptr[rax + KernelState.CpusMask]);
        asm.cmp(__qword_ptr[rax + KernelState.CpusPtr], t);
        var slow = cold.Add("___migrate_enable", () =>
        {
            // ___migrate_enable() puts cpus_ptr back to &cpus_mask; nothing here ever moves it.
            asm.mov(__qword_ptr[rax + KernelState.CpusPtr], t);
            asm.jmp(checkedAffinity);
        });
        KernelCode.Branch(asm, facts, "cpus_ptr_changed", KernelCode.Never(runs));
        asm.jne(slow);
        asm.Label(ref checkedAffinity);
        asm.mov(__word_ptr[rax + KernelState.MigrationDisabled], 0);
        asm.LoadRip(temp, state.ThisCpuOff.Address);
        asm.dec(__dword_ptr[t + KernelState.RqNrPinned]);  // this_rq_pinned()--
        done = KernelCode.PreemptEnable(asm, state, reschedule, thunks, cold, facts, runs);
    }
}
