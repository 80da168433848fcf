using HookBench.Emission;
using HookBench.Native;

namespace HookBench.Patching.Stress;

/// <summary>
/// The trampoline copies the stress site is attached to in turn. A detached copy is freed (overwritten
/// with int3, as text_poke_set fills unused text) and written again when the rotation comes back to it,
/// which is reuse. Under <see cref="ReclaimPolicy.Grace"/> the free is deferred until a grace period that
/// started at the detach has elapsed, as call_rcu_tasks defers it; a copy still waiting when it is needed
/// again is waited for. Under <see cref="ReclaimPolicy.Early"/> it is freed at once (negative control).
/// </summary>
sealed class TrampolinePool
{
    const byte Int3 = 0xCC;

    readonly CodeArena _arena;
    readonly GracePeriod _grace;
    readonly ReclaimPolicy _policy;
    readonly Slot[] _slots;
    int _next;

    public TrampolinePool(CodeArena arena, IReadOnlyList<EmittedBlob> copies, GracePeriod grace, ReclaimPolicy policy)
    {
        _arena = arena;
        _grace = grace;
        _policy = policy;
        _slots = [.. copies.Select(b => new Slot(b, arena.Read(b.Address, b.Length)))];
    }

    public int Frees { get; private set; }
    public int Reuses { get; private set; }

    /// <summary>Times a copy was needed before its grace period had elapsed, so the toggler waited.</summary>
    public int Waits { get; private set; }

    public int Count => _slots.Length;

    /// <summary>The next copy in the rotation, with its code in place; the caller attaches the site to it.</summary>
    public (int Slot, ulong Address) Acquire()
    {
        int index = _next;
        _next = (_next + 1) % _slots.Length;
        var slot = _slots[index];
        if (slot.Pending is GraceToken token)
        {
            if (!_grace.HasElapsed(token))
            {
                Waits++;
                _grace.WaitFor(token);
            }

            Free(slot);
        }

        if (slot.Freed)
        {
            _arena.Patch(slot.Blob.Address, slot.Code);   // reuse: no site leads here yet
            slot.Freed = false;
            Reuses++;
        }

        return (index, slot.Blob.Address);
    }

    /// <summary>The site no longer leads to <paramref name="index"/> and the cores are synced.</summary>
    public void Release(int index)
    {
        var slot = _slots[index];
        if (_policy == ReclaimPolicy.Early)
            Free(slot);
        else
            slot.Pending = _grace.Start();
    }

    /// <summary>Frees every released copy whose grace period has elapsed (never waits).</summary>
    public void Poll()
    {
        foreach (var slot in _slots)
        {
            if (slot.Pending is GraceToken token && _grace.HasElapsed(token))
                Free(slot);
        }
    }

    /// <summary>Waits out every pending grace period and frees those copies (rcu_barrier before teardown).</summary>
    public void Drain()
    {
        foreach (var slot in _slots)
        {
            if (slot.Pending is GraceToken token)
            {
                _grace.WaitFor(token);
                Free(slot);
            }
        }
    }

    void Free(Slot slot)
    {
        _arena.Patch(slot.Blob.Address, [.. Enumerable.Repeat(Int3, slot.Code.Length)]);
        slot.Pending = null;
        slot.Freed = true;
        Frees++;
    }

    sealed class Slot(EmittedBlob blob, byte[] code)
    {
        public EmittedBlob Blob { get; } = blob;
        public byte[] Code { get; } = code;
        public GraceToken? Pending { get; set; }
        public bool Freed { get; set; }
    }
}
