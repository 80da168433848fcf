using HookBench.Emission;
using HookBench.Native;

namespace HookBench.Ftrace;

/// <summary>
/// A <c>struct ftrace_hash</c> as data: <c>size_bits</c>, <c>buckets</c> (hlist heads), <c>count</c> and
/// <c>flags</c>, with <c>struct ftrace_func_entry</c> nodes chained from the buckets. The bucket of an ip
/// is <c>hash_64(ip, size_bits)</c> when size_bits &gt; 0 and 0 otherwise (ftrace_hash_key() in
/// kernel/trace/ftrace.c), and a table of n entries gets <c>fls(n / 2)</c> bits (dup_hash()).
/// </summary>
public sealed class FtraceHash
{
    /// <summary>GOLDEN_RATIO_64 (include/linux/hash.h).</summary>
    public const ulong GoldenRatio64 = 0x61C8_8646_80B5_83EB;

    /// <summary>Byte offsets in struct ftrace_hash.</summary>
    public const int SizeBitsOffset = 0, BucketsOffset = 8, CountOffset = 16, FlagsOffset = 24;

    /// <summary>Byte offsets in struct ftrace_func_entry: its hlist_node (next, pprev), ip, and direct (a value kept per ip).</summary>
    public const int EntryNextOffset = 0, EntryPprevOffset = 8, EntryIpOffset = 16, EntryDirectOffset = 24;

    /// <summary>FTRACE_HASH_FL_MOD: a module filter is cached, so the hash counts as not empty.</summary>
    public const int FlagMod = 1 << 0;

    FtraceHash(ulong address, int sizeBits, IReadOnlyList<IReadOnlyList<ulong>> chains)
    {
        Address = address;
        SizeBits = sizeBits;
        _chains = chains;
    }

    readonly IReadOnlyList<IReadOnlyList<ulong>> _chains;

    /// <summary>Where the struct ftrace_hash is.</summary>
    public ulong Address { get; }

    public int SizeBits { get; }

    public int Count => _chains.Sum(c => c.Count);

    /// <summary>hash_64() on 64-bit (hash_64_generic): <c>val * GOLDEN_RATIO_64 &gt;&gt; (64 - bits)</c>.</summary>
    public static ulong Hash64(ulong value, int bits) => bits == 0 ? 0 : unchecked(value * GoldenRatio64) >> (64 - bits);

    /// <summary>ftrace_hash_key(): the bucket index of <paramref name="ip"/>.</summary>
    public static ulong Key(ulong ip, int sizeBits) => sizeBits > 0 ? Hash64(ip, sizeBits) : 0;

    /// <summary>dup_hash(): "Use around half the size (max bit of it)": bits = fls(count / 2).</summary>
    public static int SizeBitsFor(int count) => count / 2 == 0 ? 0 : 32 - int.LeadingZeroCount(count / 2);

    /// <summary>
    /// Writes a hash holding <paramref name="ips"/>, each added at the head of its bucket in order
    /// (__add_hash_entry uses hlist_add_head), so the last ip added is the first its bucket's walk meets.
    /// <paramref name="values"/>, when given, go into each entry's <c>direct</c> field.
    /// </summary>
    public static FtraceHash Build(CodeImage image, string name, IReadOnlyList<ulong> ips, IReadOnlyList<ulong>? values = null)
    {
        int bits = SizeBitsFor(ips.Count);
        var data = image.Data;
        var arena = image.Arena;
        var header = data.Allocate(name, 4);
        var buckets = data.Allocate($"{name}.buckets", 1 << bits);
        var chains = Enumerable.Range(0, 1 << bits).Select(_ => new List<ulong>()).ToList();
        var heads = new ulong[1 << bits];
        for (int i = 0; i < ips.Count; i++)
        {
            var entry = data.Allocate($"{name}.entry{i}", 4);
            int key = (int)Key(ips[i], bits);
            arena.WriteUInt64(entry.Address + EntryNextOffset, heads[key]);
            arena.WriteUInt64(entry.Address + EntryPprevOffset, buckets[key]);
            arena.WriteUInt64(entry.Address + EntryIpOffset, ips[i]);
            arena.WriteUInt64(entry.Address + EntryDirectOffset, values is null ? 0 : values[i]);
            if (heads[key] != 0)
                arena.WriteUInt64(heads[key] + EntryPprevOffset, entry.Address);
            heads[key] = entry.Address;
            chains[key].Insert(0, ips[i]);
        }

        for (int b = 0; b < heads.Length; b++)
            arena.WriteUInt64(buckets[b], heads[b]);
        arena.WriteUInt64(header.Address + SizeBitsOffset, (ulong)bits);
        arena.WriteUInt64(header.Address + BucketsOffset, buckets.Address);
        arena.WriteUInt64(header.Address + CountOffset, (ulong)ips.Count);
        arena.WriteUInt64(header.Address + FlagsOffset, 0);
        return new FtraceHash(header.Address, bits, chains);
    }

    /// <summary>What __ftrace_lookup_ip()'s bucket walk for <paramref name="ip"/> does: nodes met, and whether it found the ip.</summary>
    public LookupWalk Walk(ulong ip)
    {
        var chain = _chains[(int)Key(ip, SizeBits)];
        int at = -1;
        for (int i = 0; i < chain.Count && at < 0; i++)
        {
            if (chain[i] == ip)
                at = i;
        }

        return at >= 0 ? new LookupWalk(SizeBits, at + 1, true) : new LookupWalk(SizeBits, chain.Count, false);
    }
}

/// <summary>A lookup in a hash of <paramref name="SizeBits"/> bits: how many nodes its bucket walk met, and whether the last one held the ip.</summary>
public readonly record struct LookupWalk(int SizeBits, int NodesVisited, bool Found);
