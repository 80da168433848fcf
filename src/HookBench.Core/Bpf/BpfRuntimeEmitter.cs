using HookBench.Abi;
using HookBench.Emission;
using HookBench.Kernel;
using HookBench.Mitigations;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Bpf;

/// <summary>The emitted __bpf_prog_enter_recur / __bpf_prog_exit_recur pair a wrapping trampoline calls.</summary>
public sealed record BpfRuntime(ulong Enter, ulong Exit);

/// <summary>
/// Emits __bpf_prog_enter_recur and __bpf_prog_exit_recur (kernel/bpf/trampoline.c) with the steps of a
/// <see cref="BpfProfile"/>, as functions under the hook set's calling convention, and, for an
/// out-of-line migrate_disable, the migrate_disable/migrate_enable functions they call.
/// <code>
///  enter(prog, run_ctx):  rcu_read_lock(); migrate_disable();              (6.18: the other order)
///                         run_ctx->saved_run_ctx = bpf_set_run_ctx(&amp;run_ctx->run_ctx);
///                         if (this_cpu_inc_return(*(prog->active)) != 1) { misses++; return 0; }
///                         return bpf_prog_start_time();                   NO_START_TIME (1) or the TSC
///  exit(prog, start, run_ctx):  bpf_reset_run_ctx(run_ctx->saved_run_ctx); update_prog_stats(prog, start);
///                         this_cpu_dec(*(prog->active)); migrate_enable(); rcu_read_unlock();
/// </code>
/// The stats key is a jump label (static_branch_unlikely(&amp;bpf_stats_enabled_key)): a 5-byte NOP while
/// stats are off, a jump to the out-of-line stats code while on, so both cost one instruction on the
/// straight path. migrate_disable/migrate_enable follow the outermost (not nested) path of
/// __migrate_disable/__migrate_enable in include/linux/sched.h: a per-task counter set under a preempt
/// guard, the runqueue's nr_pinned counted. rcu_read_lock is the non-preemptible-RCU form,
/// preempt_disable(). sched_clock() is read as the raw TSC.
/// </summary>
public static class BpfRuntimeEmitter
{
    /// <summary>struct bpf_tramp_run_ctx: run_ctx (empty), bpf_cookie, saved_run_ctx.</summary>
    public const int RunCtxCookieOffset = 0, RunCtxSavedOffset = 8, RunCtxSize = 16;

    /// <summary>NO_START_TIME: what the enter returns to run the program when stats are off.</summary>
    public const int NoStartTime = 1;

    static readonly byte[] JumpLabelNop = [0x0F, 0x1F, 0x44, 0x00, 0x00];

    /// <summary>
    /// Emits the runtime into <paramref name="image"/> and adds its path facts to <paramref name="facts"/>:
    /// every branch runs <paramref name="programsPerCall"/> times per hooked call, once per program.
    /// <paramref name="skipRecursionRelease"/> is the mutation that leaves prog->active raised. The functions are
    /// compiled as <paramref name="thunks"/>' profile compiles kernel C code: ENDBR at entry, calls accounted,
    /// returns through the return thunk.
    /// </summary>
    public static BpfRuntime Emit(
        CodeImage image, CallingConvention abi, BpfProfile profile, KernelState state, ulong reschedule, ThunkSet thunks,
        int programsPerCall, PathFacts facts, bool skipRecursionRelease = false)
    {
        var context = new Context(abi, profile, state, reschedule, thunks, programsPerCall);
        ulong? migrateDisable = null, migrateEnable = null;
        if (profile.Has(BpfSteps.MigrateDisable) && !profile.Has(BpfSteps.MigrateInline))
        {
            migrateDisable = EmitFunction(image, thunks, facts, "migrate_disable", (asm, f) =>
            {
                var cold = new ColdPaths(asm);
                MigrateCode.EmitDisable(asm, state, reschedule, thunks, programsPerCall, Register.RCX, cold, f);
                thunks.EmitReturn(asm);
                cold.Emit();
            });
            migrateEnable = EmitFunction(image, thunks, facts, "migrate_enable", (asm, f) =>
            {
                var cold = new ColdPaths(asm);
                MigrateCode.EmitEnable(asm, state, reschedule, thunks, programsPerCall, Register.RCX, cold, f);
                thunks.EmitReturn(asm);
                cold.Emit();
            });
        }

        ulong enter = EmitFunction(image, thunks, facts, "__bpf_prog_enter_recur", (asm, f) => EmitEnter(asm, context, migrateDisable, f));
        ulong exit = EmitFunction(image, thunks, facts, "__bpf_prog_exit_recur", (asm, f) => EmitExit(asm, context, migrateEnable, skipRecursionRelease, f));
        return new BpfRuntime(enter, exit);
    }

    sealed record Context(CallingConvention Abi, BpfProfile Profile, KernelState State, ulong Reschedule, ThunkSet Thunks, int Runs)
    {
        public Register Arg(int index) => Abi.ArgumentRegisters[index];

        /// <summary>A volatile register that holds no argument of the enter/exit functions and is not rax or rdx (rdtsc).</summary>
        public Register Temp(int index) => Abi.Volatile
            .Where(r => r != Register.RAX && r != Register.RDX && !Abi.ArgumentRegisters.Take(3).Contains(r))
            .ElementAt(index);

        public IReadOnlyList<bool> Never => KernelCode.Never(Runs);
    }

    /// <summary>One kernel C function: ENDBR under IBT (the trampoline reaches these through the pointers bpf_trampoline_enter() returns), then the body.</summary>
    static ulong EmitFunction(CodeImage image, ThunkSet thunks, PathFacts facts, string name, Action<Assembler, List<PathFact>> body)
    {
        var pinned = new List<PathFact>();
        var blob = image.Emit(name, BlobKind.Runtime, asm =>
        {
            thunks.EmitEndbr(asm);
            body(asm, pinned);
        });
        facts.Add(blob, pinned);
        return blob.Address;
    }

    static void EmitEnter(Assembler asm, Context c, ulong? migrateDisable, List<PathFact> facts)
    {
        var cold = new ColdPaths(asm);
        var epilogue = asm.CreateLabel("enter_return");
        var prog = c.Arg(0).R64();
        var runCtx = c.Arg(1).R64();
        bool callsOut = migrateDisable is not null;
        if (callsOut)
        {
            // Out of line, migrate_disable() clobbers the volatile registers: keep prog and run_ctx in callee-saved ones.
            asm.push(rbx);
            asm.push(r12);
            if (c.Abi.ShadowSpaceBytes > 0)
                asm.sub(rsp, c.Abi.ShadowSpaceBytes);
            asm.mov(rbx, prog);
            asm.mov(r12, runCtx);
            prog = rbx;
            runCtx = r12;
        }

        // 6.17: rcu_read_lock(); migrate_disable();  6.18: rcu_read_lock_dont_migrate(): migrate_disable(); rcu_read_lock();
        bool inline = c.Profile.Has(BpfSteps.MigrateInline);
        if (!inline && c.Profile.Has(BpfSteps.RcuReadLock))
            KernelCode.PreemptDisable(asm, c.State);
        if (c.Profile.Has(BpfSteps.MigrateDisable))
        {
            if (callsOut)
                KernelCode.EmitCall(asm, c.Thunks, migrateDisable!.Value);
            else
                MigrateCode.EmitDisable(asm, c.State, c.Reschedule, c.Thunks, c.Runs, c.Temp(0), cold, facts);
        }

        if (inline && c.Profile.Has(BpfSteps.RcuReadLock))
            KernelCode.PreemptDisable(asm, c.State);

        if (c.Profile.Has(BpfSteps.RunCtx))
        {
            // run_ctx->saved_run_ctx = bpf_set_run_ctx(&run_ctx->run_ctx): old = current->bpf_ctx; current->bpf_ctx = new.
            var old = c.Temp(0).R64();
            KernelCode.LoadCurrent(asm, c.State, Register.RAX);
            asm.mov(old, __qword_ptr[rax + KernelState.BpfCtx]);
            asm.mov(__qword_ptr[rax + KernelState.BpfCtx], runCtx);
            asm.mov(__qword_ptr[runCtx + RunCtxSavedOffset], old);
        }

        if (c.Profile.Has(BpfSteps.Recursion))
        {
            // this_cpu_inc_return(*(prog->active)) != 1, folded to "the old value was not 0".
            var value = c.Temp(0);
            var miss = cold.Add("recursion_miss", () =>
            {
                // bpf_prog_inc_misses_counter(prog); return 0: the trampoline skips the program.
                asm.mov(rax, __qword_ptr[prog + BpfProgram.StatsOffset]);
                asm.inc(__qword_ptr[rax + BpfProgram.StatsMissesOffset]);
                asm.xor(eax, eax);
                asm.jmp(epilogue);
            });
            asm.mov(rax, __qword_ptr[prog + BpfProgram.ActiveOffset]);
            asm.mov(new AssemblerRegister32(value.GetFullRegister32()), 1);
            asm.xadd(__dword_ptr[rax], new AssemblerRegister32(value.GetFullRegister32()));
            asm.test(new AssemblerRegister32(value.GetFullRegister32()), new AssemblerRegister32(value.GetFullRegister32()));
            KernelCode.Branch(asm, facts, "prog_active", c.Never);
            asm.jne(miss);
        }

        // return bpf_prog_start_time(): NO_START_TIME unless the stats key is on.
        EmitStatsKey(asm, cold, c, () =>
        {
            EmitSchedClock(asm);
            var fallback = c.Temp(0).R64();
            asm.mov(fallback, NoStartTime);                 // "if (unlikely(!start)) start = NO_START_TIME"
            asm.test(rax, rax);
            asm.cmovz(rax, fallback);
            asm.jmp(epilogue);
        });
        asm.mov(eax, NoStartTime);
        asm.Label(ref epilogue);
        if (callsOut)
        {
            if (c.Abi.ShadowSpaceBytes > 0)
                asm.add(rsp, c.Abi.ShadowSpaceBytes);
            asm.pop(r12);
            asm.pop(rbx);
        }

        c.Thunks.EmitReturn(asm);
        cold.Emit();
    }

    static void EmitExit(Assembler asm, Context c, ulong? migrateEnable, bool skipRecursionRelease, List<PathFact> facts)
    {
        var cold = new ColdPaths(asm);
        var prog = c.Arg(0).R64();
        var start = c.Arg(1).R64();
        var runCtx = c.Arg(2).R64();
        var temp = c.Temp(0).R64();

        if (c.Profile.Has(BpfSteps.RunCtx))
        {
            // bpf_reset_run_ctx(run_ctx->saved_run_ctx): current->bpf_ctx = old.
            asm.mov(rax, __qword_ptr[runCtx + RunCtxSavedOffset]);
            KernelCode.LoadCurrent(asm, c.State, c.Temp(0));
            asm.mov(__qword_ptr[temp + KernelState.BpfCtx], rax);
        }

        // update_prog_stats(prog, start): only when the key is on and start > NO_START_TIME.
        var afterStats = asm.CreateLabel("after_stats");
        EmitStatsKey(asm, cold, c, () =>
        {
            var begin = c.Temp(1).R64();
            var stats = c.Temp(2).R64();
            asm.cmp(start, NoStartTime);
            KernelCode.Branch(asm, facts, "stats_no_start", c.Never);
            asm.jbe(afterStats);
            asm.mov(begin, start);
            EmitSchedClock(asm);
            asm.sub(rax, begin);                            // duration = sched_clock() - start
            asm.mov(stats, __qword_ptr[prog + BpfProgram.StatsOffset]);
            asm.inc(__qword_ptr[stats + BpfProgram.StatsCountOffset]);     // u64_stats_inc(&stats->cnt)
            asm.add(__qword_ptr[stats + BpfProgram.StatsNanosecondsOffset], rax);
            asm.jmp(afterStats);
        });
        asm.Label(ref afterStats);                          // binds to the next instruction, whichever step it is

        if (c.Profile.Has(BpfSteps.Recursion) && !skipRecursionRelease)
        {
            asm.mov(rax, __qword_ptr[prog + BpfProgram.ActiveOffset]);    // this_cpu_dec(*(prog->active))
            asm.dec(__dword_ptr[rax]);
        }

        bool inline = c.Profile.Has(BpfSteps.MigrateInline);
        Action migrate = () =>
        {
            if (!c.Profile.Has(BpfSteps.MigrateDisable))
                return;
            if (inline)
            {
                MigrateCode.EmitEnable(asm, c.State, c.Reschedule, c.Thunks, c.Runs, c.Temp(0), cold, facts);
                return;
            }

            if (c.Abi.ShadowSpaceBytes > 0)
                asm.sub(rsp, c.Abi.ShadowSpaceBytes);
            KernelCode.EmitCall(asm, c.Thunks, migrateEnable!.Value);
            if (c.Abi.ShadowSpaceBytes > 0)
                asm.add(rsp, c.Abi.ShadowSpaceBytes);
        };
        Action rcu = () =>
        {
            if (c.Profile.Has(BpfSteps.RcuReadLock))
                KernelCode.PreemptEnable(asm, c.State, c.Reschedule, c.Thunks, cold, facts, c.Runs);
        };

        // 6.17: migrate_enable(); rcu_read_unlock();  6.18: rcu_read_unlock_migrate(): rcu_read_unlock(); migrate_enable();
        if (inline)
        {
            rcu();
            migrate();
        }
        else
        {
            migrate();
            rcu();
        }

        c.Thunks.EmitReturn(asm);
        cold.Emit();
    }

    /// <summary>
    /// static_branch_unlikely(&amp;bpf_stats_enabled_key): the jump label's 5-byte NOP when stats are off; when on,
    /// a jump to <paramref name="enabled"/>, emitted out of line. Either way one instruction on the straight path.
    /// </summary>
    static void EmitStatsKey(Assembler asm, ColdPaths cold, Context c, Action enabled)
    {
        if (!c.Profile.Has(BpfSteps.Stats))
        {
            asm.db(JumpLabelNop);
            return;
        }

        var code = cold.Add("bpf_stats_enabled", enabled);
        asm.jmp(code);
    }

    /// <summary>sched_clock(), read as the TSC: <c>rdtsc; shl rdx, 32; or rax, rdx</c>.</summary>
    static void EmitSchedClock(Assembler asm)
    {
        asm.rdtsc();
        asm.shl(rdx, 32);
        asm.or(rax, rdx);
    }
}
