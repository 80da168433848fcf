namespace HookBench.Sites;

/// <summary>One patchable site: its kind and its address (the traced function's first byte).</summary>
public sealed record Site(SiteKind Kind, ulong Address)
{
    /// <summary>Where the traced body continues after the site.</summary>
    public ulong Resume => Kind.Resume(Address);

    public int Length => Kind.Length;

    public byte[] RoutedTo(ulong destination) => Kind.Routed(Address, destination);
}
