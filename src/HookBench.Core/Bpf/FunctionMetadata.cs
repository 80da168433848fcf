using HookBench.Emission;
using HookBench.Ftrace;

namespace HookBench.Bpf;

/// <summary>
/// What a trampoline shared by many functions looks up per call to learn what to run for the function
/// that called it: the number of programs, then (program, cookie) pairs. Where the pointer to it is kept
/// depends on the <see cref="MetadataLookup"/>: an entry of a hash table keyed by the function's ip, or
/// the 8 bytes of padding just before the function's entry.
/// </summary>
public sealed class FunctionMetadata
{
    /// <summary>Byte offsets: the count, then the entries; in an entry, the program and its cookie.</summary>
    public const int CountOffset = 0, EntriesOffset = 8, EntrySize = 16, EntryProgramOffset = 0, EntryCookieOffset = 8;

    /// <summary>Other functions in the hash table besides the traced one.</summary>
    public const int OtherFunctions = 15;

    FunctionMetadata(ulong address, FtraceHash? table, ulong? tableReference, LookupWalk? walk)
    {
        Address = address;
        Table = table;
        TableReference = tableReference;
        Walk = walk;
    }

    /// <summary>The metadata block.</summary>
    public ulong Address { get; }

    /// <summary>The hash table, for <see cref="MetadataLookup.Hash"/>.</summary>
    public FtraceHash? Table { get; }

    /// <summary>The global variable holding the table's address.</summary>
    public ulong? TableReference { get; }

    /// <summary>What the lookup of the traced ip does in <see cref="Table"/>.</summary>
    public LookupWalk? Walk { get; }

    /// <summary>
    /// Writes the metadata of <paramref name="programs"/> and, for <see cref="MetadataLookup.Hash"/>, a table
    /// of the ftrace_hash shape (hash_64 buckets) keyed by ip whose entries' <c>direct</c> field points at
    /// each function's metadata. The traced ip is added last, so its bucket walk finds it at the first node.
    /// </summary>
    /// <summary>Allocates the metadata block of <paramref name="programs"/> programs (before the programs exist, for a pointer to it).</summary>
    public static DataSlot Allocate(DataBlock data, int programs) => data.Allocate("func_md", 1 + 2 * programs);

    /// <param name="block">The block from <see cref="Allocate"/> if it was allocated already.</param>
    public static FunctionMetadata Build(CodeImage image, MetadataLookup lookup, ulong ip, IReadOnlyList<BpfProgram> programs, DataSlot? block = null)
    {
        var arena = image.Arena;
        block ??= Allocate(image.Data, programs.Count);
        var md = block.Value;
        if (md.Count != 1 + 2 * programs.Count)
            throw new ArgumentException($"the metadata block has room for {(md.Count - 1) / 2} programs, not {programs.Count}", nameof(block));
        arena.WriteUInt64(md.Address + CountOffset, (ulong)programs.Count);
        for (int i = 0; i < programs.Count; i++)
        {
            ulong entry = md.Address + EntriesOffset + (ulong)(i * EntrySize);
            arena.WriteUInt64(entry + EntryProgramOffset, programs[i].Address);
            arena.WriteUInt64(entry + EntryCookieOffset, programs[i].Cookie);
        }

        if (lookup != MetadataLookup.Hash)
            return new FunctionMetadata(md.Address, null, null, null);
        var others = image.Data.Allocate("func_md.others", 1);
        List<ulong> ips = [.. Enumerable.Range(1, OtherFunctions).Select(i => ip + 0x40 * (ulong)i), ip];
        List<ulong> values = [.. Enumerable.Repeat(others.Address, OtherFunctions), md.Address];
        var table = FtraceHash.Build(image, "func_md_table", ips, values);
        var reference = image.Data.Allocate("func_md_table_ptr");
        arena.WriteUInt64(reference.Address, table.Address);
        return new FunctionMetadata(md.Address, table, reference.Address, table.Walk(ip));
    }
}
