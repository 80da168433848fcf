namespace HookBench.Native;

/// <summary>
/// The file-backed arena's own surface: where the kernel can probe its code, and writing through the alias.
/// <para>
/// <b>Uprobes and the private execute view.</b> The execute view is a private mapping: as long as no one
/// writes to it, its pages are the memfd's page-cache pages, and a write through the shared alias is
/// what the next instruction fetch sees. When the kernel installs a uprobe in it, it writes an int3
/// into a new anonymous copy of the page and maps that copy instead (kernel/events/uprobes.c:
/// uprobe_write_opcode; on Linux 6.18 a probed nop5 is then rewritten into a call to the uprobe
/// trampoline, arch/x86/kernel/uprobes.c). From then on that page is this process's private
/// copy-on-write page, and writes through the alias no longer reach the code threads execute. So a
/// hook set that is being uprobed must not be patched through the alias. When the last uprobe on the
/// page goes, the kernel maps the page-cache page again only if the copy is byte-for-byte equal to it
/// and nothing else holds a reference to it (kernel/events/uprobes.c: __uprobe_write,
/// orig_page_is_identical); on Linux 6.18.44 under KVM it kept the copy every time, even when the
/// probe was never hit. Treat a hook set that has been uprobed as no longer patchable and build a
/// new one. <see cref="Patch"/> and <see cref="PatchAtomic"/> compare both views before and after
/// writing and refuse, undoing their write, when they disagree, so a patch never silently misses.
/// </para>
/// </summary>
public sealed unsafe partial class CodeArena
{
    /// <summary>The memfd holding the code (file-backed arenas only); closed on exec and with the arena.</summary>
    public int CodeFileDescriptor => RequireFile().Descriptor;

    /// <summary>A path to the memfd's inode that perf_event_open's uprobe PMU (and other processes) can resolve: /proc/PID/fd/N.</summary>
    public string CodeFilePath => RequireFile().Path;

    /// <summary>Start of the writable alias; tests read its protection in /proc/self/maps.</summary>
    internal ulong AliasBase => (ulong)RequireFile().Alias;

    /// <summary>The file offset of a code address: what a uprobe on that instruction is attached to.</summary>
    public ulong CodeFileOffset(ulong codeAddress)
    {
        RequireFile();
        RequireRange(codeAddress, 1, CodeBase, CodeLength, "code");
        return codeAddress - CodeBase;   // the execute view maps the file from offset 0
    }

    /// <summary>True when [address, address + length) lies within one aligned 8-byte word, so <see cref="PatchAtomic"/> can write it.</summary>
    public static bool FitsOneAtomicStore(ulong address, int length) =>
        length is > 0 and <= 8 && (address & 7) + (ulong)length <= 8;

    /// <summary>
    /// Rewrites up to 8 bytes that lie within one aligned 8-byte word with a single 8-byte store through
    /// the alias (read the word, splice the bytes in, store it), for sites other threads may be
    /// executing. An aligned 8-byte store is atomic for data (Intel SDM Vol. 3A, "Guaranteed Atomic
    /// Operations"). For instruction fetch x86 promises less, which is why the kernel patches live text
    /// with the int3 protocol (arch/x86/kernel/alternative.c: text_poke_bp); in practice a fetch of
    /// bytes inside one aligned 8-byte word sees all old or all new bytes, and both are valid code.
    /// Follow it with <see cref="CoreSync.SerializeAllCores"/> before relying on the new code.
    /// </summary>
    public void PatchAtomic(ulong address, ReadOnlySpan<byte> bytes)
    {
        ThrowIfDisposed();
        var file = RequireFile();
        if (!_sealed)
            throw new InvalidOperationException("Seal the arena before patching it.");
        RequireRange(address, bytes.Length, CodeBase, CodeLength, "code");
        if (!FitsOneAtomicStore(address, bytes.Length))
            throw new ArgumentException($"0x{address:X}+{bytes.Length} does not lie within one aligned 8-byte word; an atomic patch cannot write it.", nameof(bytes));

        ulong word = address & ~7UL;
        ref ulong executed = ref *(ulong*)word;
        ref ulong alias = ref *(ulong*)file.At(word - CodeBase);
        ulong before = Volatile.Read(ref alias);
        if (Volatile.Read(ref executed) != before)
            throw Diverged(address);
        ulong after = before;
        bytes.CopyTo(new Span<byte>((byte*)&after + (address - word), bytes.Length));
        Volatile.Write(ref alias, after);
        if (Volatile.Read(ref executed) != after)
        {
            Volatile.Write(ref alias, before);
            throw Diverged(address);
        }
    }

    /// <summary>A plain copy through the alias, checked against the execute view before and after.</summary>
    void PatchThroughAlias(ulong address, ReadOnlySpan<byte> bytes)
    {
        var executed = new ReadOnlySpan<byte>((void*)address, bytes.Length);
        var alias = new Span<byte>(WritablePointer(address), bytes.Length);
        if (!executed.SequenceEqual(alias))
            throw Diverged(address);
        byte[] before = alias.ToArray();
        bytes.CopyTo(alias);
        if (!executed.SequenceEqual(bytes))
        {
            before.CopyTo(alias);
            throw Diverged(address);
        }
    }

    static InvalidOperationException Diverged(ulong address) => new(
        $"the code page at 0x{address & ~(ulong)(PageSize - 1):X} no longer follows the arena's file: the kernel gave this process a "
        + "private copy (a uprobe is, or was, installed in it); nothing was patched; patch it after the uprobe is removed");

    CodeFile RequireFile()
    {
        ThrowIfDisposed();
        return _file ?? throw new InvalidOperationException("An anonymous arena has no file; create it with ArenaBacking.File.");
    }
}
