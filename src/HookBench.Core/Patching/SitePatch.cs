using HookBench.Sites;

namespace HookBench.Patching;

/// <summary>One site's rewrite: the bytes it must hold now and the bytes it will hold.</summary>
public sealed record SitePatch(Site Site, IReadOnlyList<byte> From, IReadOnlyList<byte> To)
{
    public ulong Address => Site.Address;

    /// <summary>Original → routed to <paramref name="destination"/> (ftrace_make_call).</summary>
    public static SitePatch Attach(Site site, ulong destination) => new(site, site.Kind.Original, site.RoutedTo(destination));

    /// <summary>Routed to <paramref name="destination"/> → original (ftrace_make_nop).</summary>
    public static SitePatch Detach(Site site, ulong destination) => new(site, site.RoutedTo(destination), site.Kind.Original);

    /// <summary>What a thread that meets the int3 at this site runs instead: the new instruction.</summary>
    public Emulation Emulation => Emulation.Of(Address, To);

    public override string ToString() => $"0x{Address:X}: {Convert.ToHexString([.. From])} → {Convert.ToHexString([.. To])}";
}
