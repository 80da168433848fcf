using HookBench.Emission;
using HookBench.Mitigations;
using Iced.Intel;

namespace HookBench.Kernel;

/// <summary>
/// Emits the small kernel primitives the ftrace and BPF runtime code is built from, reaching
/// <see cref="KernelState"/> as the kernel reaches its per-CPU and task fields.
/// </summary>
public static class KernelCode
{
    /// <summary>preempt_disable(): <c>incl %gs:__preempt_count</c> (arch/x86/include/asm/preempt.h, __preempt_count_add).</summary>
    public static void PreemptDisable(Assembler asm, KernelState state) =>
        asm.AddInstruction(Instruction.Create(Code.Inc_rm32, RipRelative.At(state.PreemptCount.Address)));

    /// <summary>
    /// preempt_enable(): <c>if (unlikely(__preempt_count_dec_and_test())) __preempt_schedule();</c> — a
    /// decrement and a <c>je</c> to a cold call of <paramref name="reschedule"/>. The count never reaches 0
    /// here (see <see cref="KernelState.PreemptEnabled"/>), so the branch is recorded as not taken each of
    /// the <paramref name="timesPerCall"/> times the code runs per hooked call. Returns the label of the
    /// instruction that follows, bound to whatever is emitted next (other cold paths may jump there).
    /// </summary>
    public static Label PreemptEnable(Assembler asm, KernelState state, ulong reschedule, ThunkSet thunks, ColdPaths cold, ICollection<PathFact> facts, int timesPerCall)
    {
        asm.AddInstruction(Instruction.Create(Code.Dec_rm32, RipRelative.At(state.PreemptCount.Address)));
        var back = asm.CreateLabel("preempt_enabled");
        var call = cold.Add("preempt_schedule", () =>
        {
            EmitCall(asm, thunks, reschedule);
            asm.jmp(back);
        });
        var at = asm.CreateLabel("preempt_count_dec_and_test");
        asm.Label(ref at);
        facts.Add(new BranchFact(at, Never(timesPerCall)));
        asm.je(call);
        asm.Label(ref back);
        return back;
    }

    /// <summary><c>current</c>: <c>mov reg, %gs:current_task</c>.</summary>
    public static void LoadCurrent(Assembler asm, KernelState state, Register destination) =>
        asm.LoadRip(destination, state.CurrentTask.Address);

    /// <summary>The stand-in for __preempt_schedule(): counts calls, so a reschedule that should never happen shows up in validation.</summary>
    public static void EmitReschedule(Assembler asm, KernelState state, ThunkSet thunks)
    {
        thunks.EmitEndbr(asm);                              // SYM_FUNC_START(preempt_schedule_thunk), arch/x86/entry/thunk.S
        asm.IncRip(state.ReschedCalls.Address);
        thunks.EmitReturn(asm);
    }

    /// <summary>
    /// A direct call from kernel C code, as the profile compiles it: under call-depth tracking callthunks.c
    /// sends it through the callee's accounting thunk (the same <c>sarq $5</c>, emitted here before the call).
    /// </summary>
    public static void EmitCall(Assembler asm, ThunkSet thunks, ulong function)
    {
        thunks.EmitCallAccounting(asm);
        asm.call(function);
    }

    /// <summary>Pins a branch's outcomes per hooked call, in order, to the next instruction emitted.</summary>
    public static void Branch(Assembler asm, ICollection<PathFact> facts, string name, IReadOnlyList<bool> taken)
    {
        var at = asm.CreateLabel(name);
        asm.Label(ref at);
        facts.Add(new BranchFact(at, taken));
    }

    /// <summary>A branch that is not taken on any of its <paramref name="times"/> runs.</summary>
    public static IReadOnlyList<bool> Never(int times) => [.. Enumerable.Repeat(false, times)];

    /// <summary>A branch that is taken on every one of its <paramref name="times"/> runs.</summary>
    public static IReadOnlyList<bool> Always(int times) => [.. Enumerable.Repeat(true, times)];
}
