using System.Numerics;
using HookBench.Emission;
using HookBench.Native;

namespace HookBench.Footprint;

/// <summary>
/// ftrace's filter hash (kernel/trace/ftrace.c) holding the hooked functions' ips, built the way
/// <c>ftrace_set_filter_ips()</c> builds it, so the shared caller's lookup walks the chains the kernel's
/// would for these addresses:
/// <list type="bullet">
/// <item>the ips are added in order to a hash of FTRACE_HASH_DEFAULT_BITS (10) bits
/// (<c>ftrace_set_hash_ips</c>: <c>alloc_and_copy_ftrace_hash</c>, then <c>add_hash_entry</c> per ip);</item>
/// <item>moving it into the ops resizes it (<c>ftrace_hash_move</c> → <c>dup_hash</c>): "use around half the size
/// (max bit of it)", <c>bits = fls(count / 2)</c>, at most FTRACE_HASH_MAX_BITS (12), walking the old buckets
/// in order and each chain from its head;</item>
/// <item>every insertion is <c>hlist_add_head</c> into bucket <c>hash_long(ip, size_bits)</c>, which on 64-bit is
/// <c>hash_64(ip, bits) = ip * GOLDEN_RATIO_64 &gt;&gt; (64 - bits)</c> (include/linux/hash.h).</item>
/// </list>
/// </summary>
public sealed class FtraceHash
{
    /// <summary>include/linux/hash.h.</summary>
    public const ulong GoldenRatio64 = 0x61C8864680B583EB;

    /// <summary>FTRACE_HASH_DEFAULT_BITS: the hash new entries are first added to.</summary>
    public const int DefaultBits = 10;

    /// <summary>FTRACE_HASH_MAX_BITS: "Don't allocate too much".</summary>
    public const int MaxBits = 12;

    /// <summary><c>struct ftrace_func_entry</c>: <c>struct hlist_node hlist</c> (next, pprev), <c>ip</c>, <c>direct</c>.</summary>
    public const int EntrySize = 32, EntryNext = 0, EntryPprev = 8, EntryIp = 16, EntryDirect = 24;

    /// <summary><c>struct ftrace_hash</c>: <c>size_bits</c>, <c>buckets</c>, <c>count</c>, <c>flags</c> (the rcu_head after them is not read).</summary>
    public const int HeaderSlots = 4, SizeBits = 0, Buckets = 8, Count = 16, Flags = 24;

    readonly List<int>[] _chains;
    readonly int[] _position;

    /// <summary>Builds the hash of <paramref name="ips"/>, added in the order given.</summary>
    public FtraceHash(IReadOnlyList<ulong> ips)
    {
        Ips = ips;
        Bits = BitsFor(ips.Count);
        var staging = Chains(Enumerable.Range(0, ips.Count), DefaultBits);
        _chains = Chains(staging.SelectMany(chain => chain), Bits);
        _position = new int[ips.Count];
        foreach (var chain in _chains)
        {
            for (int p = 0; p < chain.Count; p++)
                _position[chain[p]] = p;
        }
    }

    public IReadOnlyList<ulong> Ips { get; }

    /// <summary><c>size_bits</c> after <c>dup_hash</c>.</summary>
    public int Bits { get; }

    public int BucketCount => 1 << Bits;

    /// <summary>The bucket's entries from its head, as indices into <see cref="Ips"/>.</summary>
    public IReadOnlyList<int> Chain(int bucket) => _chains[bucket];

    /// <summary>How many entries a lookup of <c>Ips[entry]</c> passes before it matches (0 = the bucket's head).</summary>
    public int ChainPosition(int entry) => _position[entry];

    /// <summary>Bytes of the buckets and entries a lookup may read.</summary>
    public int DataBytes => 8 * BucketCount + EntrySize * Ips.Count;

    /// <summary><c>fls(count / 2)</c> capped at FTRACE_HASH_MAX_BITS.</summary>
    public static int BitsFor(int count) => Math.Min(MaxBits, 32 - BitOperations.LeadingZeroCount((uint)(count / 2)));

    /// <summary><c>hash_64()</c>; a hash of 0 bits has one bucket.</summary>
    public static ulong Hash64(ulong value, int bits) => bits == 0 ? 0 : unchecked(value * GoldenRatio64) >> (64 - bits);

    /// <summary>
    /// Writes the hash into data slots: the header, the bucket heads and the entries (each entry's
    /// <c>pprev</c> points at the slot that points to it, as hlist keeps it).
    /// </summary>
    public void Write(CodeArena arena, DataSlot header, DataSlot buckets, DataSlot entries)
    {
        if (header.Count < HeaderSlots || buckets.Count < BucketCount || entries.Count < Ips.Count * EntrySize / 8)
            throw new ArgumentException("the slots are too small for this hash");
        ulong Entry(int index) => entries.Address + (ulong)(index * EntrySize);
        arena.WriteUInt64(header.Address + SizeBits, (ulong)Bits);
        arena.WriteUInt64(header.Address + Buckets, buckets.Address);
        arena.WriteUInt64(header.Address + Count, (ulong)Ips.Count);
        arena.WriteUInt64(header.Address + Flags, 0);
        for (int b = 0; b < BucketCount; b++)
        {
            var chain = _chains[b];
            arena.WriteUInt64(buckets[b], chain.Count == 0 ? 0 : Entry(chain[0]));
            for (int p = 0; p < chain.Count; p++)
            {
                ulong entry = Entry(chain[p]);
                arena.WriteUInt64(entry + EntryNext, p + 1 < chain.Count ? Entry(chain[p + 1]) : 0);
                arena.WriteUInt64(entry + EntryPprev, p == 0 ? buckets[b] : Entry(chain[p - 1]) + EntryNext);
                arena.WriteUInt64(entry + EntryIp, Ips[chain[p]]);
                arena.WriteUInt64(entry + EntryDirect, 0);
            }
        }
    }

    /// <summary>Adds the entries in order with <c>hlist_add_head</c>: each bucket lists its entries newest first.</summary>
    List<int>[] Chains(IEnumerable<int> order, int bits)
    {
        var chains = Enumerable.Range(0, 1 << bits).Select(_ => new List<int>()).ToArray();
        foreach (int entry in order)
            chains[Hash64(Ips[entry], bits)].Insert(0, entry);
        return chains;
    }
}
