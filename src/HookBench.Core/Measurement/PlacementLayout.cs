namespace HookBench.Measurement;

/// <summary>
/// Where one placement puts a cell's two copies (baseline and hooked): which virtual pages each arena asks for,
/// how far into its page the code starts, and where in its page the harness stack's top sits. Each of these
/// decides aliasing the hook's cost depends on (branch-predictor and cache sets, 4K store/load aliasing), and
/// left alone each is fixed for a whole process: the kernel maps arenas next to each other from a per-process
/// random base and starts the main thread's stack at a per-process random offset. So every placement chooses
/// them, and an interval over placements contains their effect. Layouts are a pure function of the run's seed,
/// the cell and the placement index: the same seed gives every run the same placements, so two runs of the same
/// code measure the same population of layouts.
/// </summary>
public readonly record struct PlacementLayout(int Index, int CodeOffset, int StackOffset, ulong BaselineAddress, ulong HookedAddress)
{
    /// <summary>The layout <c>disasm</c> shows and tests use: code at the arena's start, the stack's top at its page's end, arenas wherever the system maps them.</summary>
    public static PlacementLayout Default { get; } = new(0, 0, 0, 0, 0);

    /// <summary>Arenas are asked for in [<see cref="LowestAddress"/>, LowestAddress + <see cref="AddressSpan"/>): far above the executable, heap and libraries of a 47-bit address space, below the stack.</summary>
    public const ulong LowestAddress = 0x1000_0000_0000;

    public const ulong AddressSpan = 0x4000_0000_0000;

    public static PlacementLayout For(int seed, string cell, int index)
    {
        // A stable hash (string.GetHashCode is randomized per process): FNV-1a over the cell key.
        uint hash = 2166136261;
        foreach (char c in cell)
            hash = (hash ^ c) * 16777619;
        var random = new Random(HashCode.Combine(seed, (int)hash, index) & int.MaxValue);
        return new PlacementLayout(index, CodeOffsetOf(index), StackOffsetOf(index), RandomPage(random), RandomPage(random));
    }

    /// <summary>
    /// A leading pad of a different number of 64-byte lines, stepping by 23 lines (prime to 64) so consecutive
    /// placements spread over every line offset of a 4 KiB page. Placement 0 is the layout <c>disasm</c> shows.
    /// </summary>
    public static int CodeOffsetOf(int index) => index * 23 % 64 * 64;

    /// <summary>
    /// The harness stack's top: a different 16-byte slot of its page, stepping by 101 slots (prime to 256) so
    /// consecutive placements spread over the page, and over the stack-to-data offsets that decide 4K aliasing.
    /// </summary>
    public static int StackOffsetOf(int index) => index * 101 % 256 * 16;

    static ulong RandomPage(Random random) => LowestAddress + (ulong)random.NextInt64((long)(AddressSpan / Native.CodeArena.PageSize)) * Native.CodeArena.PageSize;
}
