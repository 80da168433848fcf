using HookBench.Emission;
using HookBench.Native;

namespace HookBench.Patching;

/// <summary>
/// The process's SIGTRAP handler for the int3 patch protocol and the table it reads: a user-space
/// counterpart of the kernel's smp_text_poke_int3_handler and text_poke_array
/// (arch/x86/kernel/alternative.c). There is one per process, because a signal has one disposition.
/// The handler is emitted code in the emulator's own arena (see <see cref="TrapHandlerEmitter"/>); it
/// acts only on int3s at sites listed as in flight, or at sites of registered arenas whose int3 is
/// already gone, and passes every other SIGTRAP to the handler it replaced (the .NET runtime's).
/// <para>
/// Table discipline (all under one lock, as the kernel patches under text_mutex): <see cref="Publish"/>
/// writes the entries, then the count (x86 keeps stores in order, so a handler that reads the count sees
/// whole entries), and only then do int3s go in. <see cref="Retire"/> runs after the last int3 is gone
/// and the cores are synced: it zeroes the count, fences, and waits for handlers in flight to leave, as
/// smp_text_poke_batch_finish waits for text_poke_array_refs, so no handler still reads entries a later
/// batch overwrites.
/// </para>
/// </summary>
public sealed class TrapEmulator
{
    /// <summary>Sites one protocol run can cover; larger batches are split, as the kernel flushes a full vector.</summary>
    public const int Capacity = 4096;

    static readonly Lazy<TrapEmulator> LazyShared = new(() => new TrapEmulator(), LazyThreadSafetyMode.ExecutionAndPublication);

    readonly CodeArena _arena;
    readonly TrapTableSlots _table;
    readonly Lock _gate = new();
    readonly Dictionary<CodeArena, int> _rangeSlots = [];
    SignalAction? _replaced;

    TrapEmulator()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("the int3 patch protocol's SIGTRAP handler is Linux-only");
        _arena = CodeArena.Create(CodeArena.PageSize, 4 * CodeArena.PageSize + Capacity * TrapTableSlots.EntryBytes);
        var image = new CodeImage(_arena);
        _table = TrapTableSlots.Allocate(image.Data, Capacity);
        HandlerAddress = image.Emit("sigtrap-handler", BlobKind.Harness, asm => TrapHandlerEmitter.Emit(asm, _table)).Address;
        _arena.Seal();
    }

    /// <summary>The one emulator of this process (its code and table are never freed).</summary>
    public static TrapEmulator Shared => LazyShared.Value;

    /// <summary>The first instruction of the emitted handler.</summary>
    public ulong HandlerAddress { get; }

    public bool IsInstalled
    {
        get
        {
            lock (_gate)
                return _replaced is not null;
        }
    }

    /// <summary>The disposition the handler replaced and chains to; null while not installed.</summary>
    public SignalAction? Replaced
    {
        get
        {
            lock (_gate)
                return _replaced;
        }
    }

    public TrapCounts Counts => new(
        _arena.ReadUInt64(_table.Emulated.Address), _arena.ReadUInt64(_table.Restarted.Address), _arena.ReadUInt64(_table.Chained.Address));

    /// <summary>Sites the current protocol run lists (0 between runs).</summary>
    public int InFlightSites => (int)_arena.ReadUInt64(_table.Count.Address);

    /// <summary>Installs the handler unless it is installed already.</summary>
    public void EnsureInstalled()
    {
        lock (_gate)
        {
            if (_replaced is null)
                InstallLocked();
        }
    }

    /// <summary>
    /// Installs the handler in front of the current SIGTRAP disposition. It runs with that disposition's
    /// mask and its SA_ONSTACK, SA_RESTART and SA_NODEFER flags, so the handler it chains to runs under
    /// the conditions it asked for.
    /// </summary>
    public void Install()
    {
        lock (_gate)
        {
            if (_replaced is not null)
                throw new InvalidOperationException("the SIGTRAP emulator is installed already");
            InstallLocked();
        }
    }

    /// <summary>
    /// Puts back the disposition the handler replaced. Refuses when someone installed another handler
    /// over ours since, because restoring ours' predecessor would silently drop theirs.
    /// </summary>
    public void Uninstall()
    {
        lock (_gate)
        {
            if (_replaced is null)
                return;
            var current = SignalActions.Get(SignalActions.SigTrap);
            if (current.Handler != HandlerAddress)
                throw new InvalidOperationException($"another SIGTRAP handler ({current}) was installed over the emulator; it stays");
            SignalActions.Set(SignalActions.SigTrap, _replaced);
            _replaced = null;
        }
    }

    void InstallLocked()
    {
        var previous = SignalActions.Get(SignalActions.SigTrap);
        _arena.WriteUInt64(_table.Previous.Address, previous.Handler);
        ulong inherited = previous.Flags & (SignalAction.SaOnStack | SignalAction.SaRestart | SignalAction.SaNoDefer);
        var replaced = SignalActions.Set(SignalActions.SigTrap, new SignalAction(HandlerAddress, SignalAction.SaSigInfo | inherited, previous.Mask));
        if (replaced.Handler != previous.Handler)
        {
            SignalActions.Set(SignalActions.SigTrap, replaced);
            throw new InvalidOperationException($"the SIGTRAP disposition changed while the emulator was being installed ({previous} → {replaced})");
        }

        _replaced = previous;
    }

    /// <summary>
    /// Lets the handler restart stale traps in <paramref name="arena"/>'s code until the arena is disposed
    /// (a trap taken before a patch finished may reach the handler long after the table moved on).
    /// </summary>
    internal void Register(CodeArena arena)
    {
        lock (_gate)
        {
            if (_rangeSlots.ContainsKey(arena))
                return;
            int slot = Enumerable.Range(0, TrapTableSlots.RangeSlots).FirstOrDefault(i => !_rangeSlots.ContainsValue(i), -1);
            if (slot < 0)
                throw new InvalidOperationException($"more than {TrapTableSlots.RangeSlots} arenas are patched live at once");
            // End last: a handler that sees the new end sees the new start too.
            _arena.WriteUInt64(_table.Range(slot), arena.CodeBase);
            _arena.WriteUInt64(_table.Range(slot) + 8, arena.CodeBase + arena.CodeLength);
            _rangeSlots.Add(arena, slot);
            arena.Disposing += Forget;
        }
    }

    void Forget(CodeArena arena)
    {
        lock (_gate)
        {
            if (!_rangeSlots.Remove(arena, out int slot))
                return;
            _arena.WriteUInt64(_table.Range(slot) + 8, 0);
            _arena.WriteUInt64(_table.Range(slot), 0);
            WaitForHandlersToLeave();
        }
    }

    /// <summary>Lists the emulations of one protocol run; the caller holds the patch lock.</summary>
    internal void Publish(IReadOnlyList<Emulation> emulations)
    {
        if (emulations.Count is 0 or > Capacity)
            throw new ArgumentOutOfRangeException(nameof(emulations), emulations.Count, $"1..{Capacity} sites per protocol run");
        var sorted = emulations.OrderBy(e => e.Site).ToList();
        for (int i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Site == sorted[i - 1].Site)
                throw new ArgumentException($"the site at 0x{sorted[i].Site:X} is listed twice in one batch", nameof(emulations));
        }

        lock (_gate)
        {
            if (InFlightSites != 0)
                throw new InvalidOperationException("a protocol run is in flight already");
            for (int i = 0; i < sorted.Count; i++)
            {
                ulong entry = _table.Entry(i);
                _arena.WriteUInt64(entry + TrapTableSlots.SiteOffset, sorted[i].Site);
                _arena.WriteUInt64(entry + TrapTableSlots.DestinationOffset, sorted[i].Destination);
                _arena.WriteUInt64(entry + TrapTableSlots.PushedReturnOffset, sorted[i].PushedReturn);
            }

            _arena.WriteUInt64(_table.Count.Address, (ulong)sorted.Count);
        }
    }

    /// <summary>Empties the table once the sites hold no int3 and the cores are synced.</summary>
    internal void Retire()
    {
        lock (_gate)
        {
            _arena.WriteUInt64(_table.Count.Address, 0);
            WaitForHandlersToLeave();
        }
    }

    /// <summary>
    /// Store, full fence, load (Dekker): a handler that counts itself in after this saw zero handlers in
    /// flight reads the table's new state, since its locked increment orders its later reads.
    /// </summary>
    void WaitForHandlersToLeave()
    {
        Interlocked.MemoryBarrier();
        var spin = new SpinWait();
        while (_arena.ReadUInt64(_table.InFlight.Address) != 0)
            spin.SpinOnce();
    }
}
