namespace HookBench.Sites;

/// <summary>
/// What a patchable site is, as data: the bytes a target is emitted with, the bytes that route it to a
/// destination, how the destination is entered, and where the traced body resumes. Patching, the
/// trampolines, the executed-path walk, the validator and the disassembler all ask the site kind instead
/// of assuming "a 5-byte NOP at target+0".
/// </summary>
public abstract class SiteKind
{
    public abstract string Name { get; }

    /// <summary>Bytes the site spans, in the original and in every routed form.</summary>
    public abstract int Length { get; }

    /// <summary>The unhooked bytes, as the target is emitted.</summary>
    public abstract IReadOnlyList<byte> Original { get; }

    public abstract SiteEntry Entry { get; }

    /// <summary>The bytes that make the site at <paramref name="site"/> go to <paramref name="destination"/>.</summary>
    public abstract byte[] Routed(ulong site, ulong destination);

    /// <summary>Where the traced body continues after the site: the first byte past it.</summary>
    public ulong Resume(ulong site) => site + (ulong)Length;

    public override string ToString() => Name;
}
