namespace HookBench.Uprobes;

/// <summary>
/// A probe location the way the kernel names it: a file and a byte offset in it (not a virtual
/// address), because uprobes attach to the inode and apply to every private executable mapping of it.
/// The offset must be the first byte of an instruction; the kernel decodes what is there and refuses
/// what it cannot probe.
/// </summary>
public sealed record UprobeSite(string Path, ulong Offset)
{
    public override string ToString() => $"{Path}+0x{Offset:x}";
}
