namespace HookBench.Emission;

/// <summary>A named run of 8-byte slots in the arena's data pages (read-write, never executable).</summary>
public readonly record struct DataSlot(string Name, ulong Address, int Count)
{
    public ulong this[int index] => (uint)index < (uint)Count
        ? Address + 8 * (ulong)index
        : throw new ArgumentOutOfRangeException(nameof(index), $"{Name} has {Count} slots");
}

/// <summary>Hands out data slots from the arena's data pages, in order.</summary>
public sealed class DataBlock(ulong baseAddress, ulong length)
{
    readonly List<DataSlot> _slots = [];
    ulong _used;

    public IReadOnlyList<DataSlot> Slots => _slots;

    public DataSlot Allocate(string name, int count = 1) => Allocate(name, count, alignment: 8);

    /// <summary>
    /// Slots starting at a multiple of <paramref name="alignment"/> bytes (a power of two): a cache line
    /// for data one thread writes while others write theirs, so no two threads share a line.
    /// </summary>
    public DataSlot Allocate(string name, int count, int alignment)
    {
        if (alignment < 8 || (alignment & (alignment - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "a power of two, at least 8");
        ulong start = (baseAddress + _used + (ulong)alignment - 1) & ~((ulong)alignment - 1);
        _used = start - baseAddress;
        ulong bytes = 8 * (ulong)count;
        if (_used + bytes > length)
            throw new InvalidOperationException($"data block full allocating {name}");
        var slot = new DataSlot(name, baseAddress + _used, count);
        _used += bytes;
        _slots.Add(slot);
        return slot;
    }
}
