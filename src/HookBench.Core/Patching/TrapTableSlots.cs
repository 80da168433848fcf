using HookBench.Emission;

namespace HookBench.Patching;

/// <summary>
/// The trap handler's data, in the emulator's data page (read-write, never executable): the in-flight
/// emulations it searches, the code ranges it may restart in, the handler it chains to, and counters.
/// Entries are (site, destination, pushed return), 24 bytes, sorted by site for a binary search, as the
/// kernel keeps text_poke_array sorted ("We hard rely on the text_poke_array.vec being ordered").
/// </summary>
public sealed record TrapTableSlots(
    DataSlot InFlight,
    DataSlot Emulated,
    DataSlot Restarted,
    DataSlot Chained,
    DataSlot Previous,
    DataSlot Count,
    DataSlot Ranges,
    DataSlot DefaultAction,
    DataSlot Entries)
{
    public const int EntryBytes = 24;
    public const int SiteOffset = 0, DestinationOffset = 8, PushedReturnOffset = 16;

    /// <summary>Code ranges (start, end) the handler may restart a stale trap in; an empty slot is (0, 0).</summary>
    public const int RangeSlots = 64;

    public static TrapTableSlots Allocate(DataBlock data, int capacity) => new(
        data.Allocate("trap.in_flight", 1, alignment: 64),
        data.Allocate("trap.emulated", 1, alignment: 64),
        data.Allocate("trap.restarted"),
        data.Allocate("trap.chained"),
        data.Allocate("trap.previous_handler", 1, alignment: 64),
        data.Allocate("trap.count"),
        data.Allocate("trap.ranges", 2 * RangeSlots),
        // The kernel's struct sigaction for rt_sigaction(2): handler, flags, restorer, mask; all zero is SIG_DFL.
        data.Allocate("trap.default_action", 4),
        data.Allocate("trap.entries", 3 * capacity, alignment: 64));

    public ulong Entry(int index) => Entries.Address + (ulong)(index * EntryBytes);

    public ulong Range(int index) => Ranges.Address + (ulong)(index * 16);
}
