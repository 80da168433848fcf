using HookBench.Native;

namespace HookBench.Patching;

/// <summary>
/// Waits until every caller thread has passed a quiescent point, so code no thread can newly enter can
/// be freed or reused: the user-space form of synchronize_rcu_tasks, which the kernel waits on (or defers
/// to, with call_rcu_tasks) before it frees a trampoline a task may still be running (kernel/bpf/trampoline.c,
/// kernel/trace/ftrace.c; text_poke_copy's comment in arch/x86/kernel/alternative.c names the same
/// pairing). Start a grace period after the site that led into the code is unpatched and the cores are
/// synced: a call that entered before is then the only way in, and it has returned once its thread has
/// passed a quiescent point or has been seen outside any call.
/// </summary>
public sealed class GracePeriod(CodeArena arena, IReadOnlyList<QuiescentPoint> callers)
{
    /// <summary>A grace period that begins now: each caller's quiescent-point count at this moment.</summary>
    public GraceToken Start() => new([.. callers.Select(c => arena.ReadUInt64(c.Passes))]);

    /// <summary>Whether every caller has passed <paramref name="passes"/> quiescent points since <paramref name="token"/>, or is outside any call now.</summary>
    public bool HasElapsed(GraceToken token, int passes = 1)
    {
        for (int i = 0; i < callers.Count; i++)
        {
            if (!HasPassed(i, token, passes))
                return false;
        }

        return true;
    }

    /// <summary>Blocks until <see cref="HasElapsed"/>, yielding the CPU (never sleeping) while it waits.</summary>
    public void WaitFor(GraceToken token, int passes = 1)
    {
        for (int i = 0; i < callers.Count; i++)
        {
            var spin = new SpinWait();
            while (!HasPassed(i, token, passes))
                spin.SpinOnce(sleep1Threshold: -1);   // a caller we wait for may need this CPU
        }
    }

    /// <summary>synchronize_rcu_tasks: start a grace period and wait for it.</summary>
    public void Synchronize() => WaitFor(Start());

    bool HasPassed(int caller, GraceToken token, int passes) =>
        arena.ReadUInt64(callers[caller].Active) == 0
        || arena.ReadUInt64(callers[caller].Passes) - token.Passes[caller] >= (ulong)passes;
}

/// <summary>The callers' quiescent-point counts when a grace period started.</summary>
public sealed record GraceToken(IReadOnlyList<ulong> Passes);
