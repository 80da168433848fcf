using HookBench.Emission;

namespace HookBench.Ftrace;

/// <summary>
/// ftrace's global list of registered ops as data, for <c>ftrace_ops_list_func</c> to walk:
/// <c>ftrace_ops_list</c> points at the first ops, each ops' <c>next</c> at the following one, and the last
/// at <c>ftrace_list_end</c> (kernel/trace/ftrace.c, add_ftrace_ops). Each ops has its own filter hash
/// (<c>ops->func_hash = &amp;ops->local_hash</c>, ftrace_ops_init) of <see cref="FilterFunctions"/>
/// functions, and the notrace hash is EMPTY_HASH, as for a kprobe or a function tracer filtered to a few
/// functions. The ops whose filters hold the traced ip are spread evenly over the list.
/// </summary>
/// <remarks>
/// The filters are built so that the bucket walk for the traced ip is the shortest there is: the ip is
/// the first node of its bucket when an ops matches (it is added last, and hlist_add_head puts it
/// first), and its bucket is empty when the ops does not (the other functions are picked outside it).
/// A longer chain adds one compare-and-follow per node; <see cref="FtraceHash.Walk"/> says what each
/// walk does, and the path facts follow it.
/// </remarks>
public sealed class FtraceOpsList
{
    /// <summary>Byte offsets in the struct ftrace_ops stand-in.</summary>
    public const int FuncOffset = 0, NextOffset = 8, FlagsOffset = 16, PrivateOffset = 24, FuncHashOffset = 32;

    /// <summary>struct ftrace_ops_hash inside the ops (local_hash): filter_hash, then notrace_hash.</summary>
    public const int LocalHashOffset = 40, FilterHashInOpsHash = 0, NotraceHashInOpsHash = 8;

    const int OpsSlots = 7;

    /// <summary>FTRACE_OPS_FL_* bits (include/linux/ftrace.h).</summary>
    public const int FlagEnabled = 1 << 0, FlagSaveRegs = 1 << 2, FlagStub = 1 << 5, FlagInitialized = 1 << 6, FlagRcu = 1 << 14;

    /// <summary>Functions in each ops' filter hash: four, so the hash has fls(4 / 2) = 2 bits and hash_64 picks the bucket.</summary>
    public const int FilterFunctions = 4;

    /// <summary>Distance between the made-up addresses of the other filtered functions.</summary>
    const ulong FunctionSpacing = 0x40;

    FtraceOpsList(ulong listHead, ulong listEnd, ulong listEndReference, IReadOnlyList<FtraceOp> ops)
    {
        ListHead = listHead;
        ListEnd = listEnd;
        ListEndReference = listEndReference;
        Ops = ops;
    }

    /// <summary>The <c>ftrace_ops_list</c> variable: the first registered ops.</summary>
    public ulong ListHead { get; }

    /// <summary><c>&amp;ftrace_list_end</c>, the stub ops that ends the list.</summary>
    public ulong ListEnd { get; }

    /// <summary>
    /// A slot holding <c>&amp;ftrace_list_end</c>. The kernel compares with it as an immediate (kernel addresses
    /// fit a sign-extended imm32); a user-space address does not, so the emitted compare reads it from memory:
    /// one instruction either way.
    /// </summary>
    public ulong ListEndReference { get; }

    /// <summary>The registered ops in list order.</summary>
    public IReadOnlyList<FtraceOp> Ops { get; }

    public IEnumerable<FtraceOp> Matching => Ops.Where(o => o.Matches);

    /// <summary>
    /// Whether ops <paramref name="index"/> of <paramref name="ops"/> traces the function when
    /// <paramref name="matching"/> of them do: the matching ones are spread evenly (i·M mod K &lt; M).
    /// </summary>
    public static bool Matches(int index, int ops, int matching) => (long)index * matching % ops < matching;

    /// <summary>
    /// Writes the list: one ops per callback, in list order, the ops <see cref="Matches"/> picks filtering
    /// <paramref name="ip"/> and the others filtering other functions only.
    /// </summary>
    public static FtraceOpsList Build(CodeImage image, ulong ip, IReadOnlyList<ulong> callbacks, int matching)
    {
        int k = callbacks.Count;
        if (k == 0 || matching < 0 || matching > k)
            throw new ArgumentOutOfRangeException(nameof(matching), $"{matching} matching of {k} ops");
        var data = image.Data;
        var arena = image.Arena;
        var empty = FtraceHash.Build(image, "EMPTY_HASH", []);
        var head = data.Allocate("ftrace_ops_list");
        var end = data.Allocate("ftrace_list_end", OpsSlots);
        var endReference = data.Allocate("&ftrace_list_end");
        arena.WriteUInt64(endReference.Address, end.Address);
        WriteOps(image, end.Address, callback: 0, FlagStub | FlagInitialized, empty.Address, empty.Address, next: 0);

        int bits = FtraceHash.SizeBitsFor(FilterFunctions);
        ulong function = ip;
        var slots = Enumerable.Range(0, k).Select(i => data.Allocate($"ftrace_ops{i}", OpsSlots)).ToList();
        var ops = new List<FtraceOp>();
        for (int i = 0; i < k; i++)
        {
            bool matches = Matches(i, k, matching);
            var filtered = new List<ulong>();
            while (filtered.Count < FilterFunctions - (matches ? 1 : 0))
            {
                function += FunctionSpacing;
                if (matches || FtraceHash.Key(function, bits) != FtraceHash.Key(ip, bits))
                    filtered.Add(function);
            }

            if (matches)
                filtered.Add(ip);
            var filter = FtraceHash.Build(image, $"ftrace_ops{i}.filter_hash", filtered);
            ulong next = i + 1 < k ? slots[i + 1].Address : end.Address;
            WriteOps(image, slots[i].Address, callbacks[i], FlagEnabled | FlagInitialized, filter.Address, empty.Address, next);
            ops.Add(new FtraceOp(i, slots[i].Address, callbacks[i], matches, filter.Walk(ip)));
        }

        if (ops.Count(o => o.Matches) != matching)
            throw new InvalidOperationException($"the spread picked {ops.Count(o => o.Matches)} matching ops, not {matching}");
        arena.WriteUInt64(head.Address, slots[0].Address);
        return new FtraceOpsList(head.Address, end.Address, endReference.Address, ops);
    }

    static void WriteOps(CodeImage image, ulong ops, ulong callback, int flags, ulong filterHash, ulong notraceHash, ulong next)
    {
        var arena = image.Arena;
        arena.WriteUInt64(ops + FuncOffset, callback);
        arena.WriteUInt64(ops + NextOffset, next);
        arena.WriteUInt64(ops + FlagsOffset, (ulong)flags);
        arena.WriteUInt64(ops + PrivateOffset, 0);
        arena.WriteUInt64(ops + FuncHashOffset, ops + LocalHashOffset);
        arena.WriteUInt64(ops + LocalHashOffset + FilterHashInOpsHash, filterHash);
        arena.WriteUInt64(ops + LocalHashOffset + NotraceHashInOpsHash, notraceHash);
    }
}
