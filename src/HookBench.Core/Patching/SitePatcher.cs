using HookBench.Native;
using HookBench.Sites;

namespace HookBench.Patching;

/// <summary>
/// Rewrites a site between its original bytes and the bytes that route it to a destination, as its
/// <see cref="SiteKind"/> defines them. Like the kernel's <c>ftrace_make_call</c>/<c>ftrace_make_nop</c>
/// (which go through <c>ftrace_modify_code_direct</c>), it reads the old bytes first and refuses to write
/// when they are not what it expects.
/// </summary>
public sealed class SitePatcher(CodeArena arena, Site site)
{
    public Site Site => site;

    public IReadOnlyList<byte> CurrentBytes => arena.Read(site.Address, site.Length);

    /// <summary>Whether the site holds its original (unhooked) bytes.</summary>
    public bool IsOriginal => CurrentBytes.SequenceEqual(site.Kind.Original);

    /// <summary>Whether the site routes to <paramref name="destination"/>.</summary>
    public bool RoutesTo(ulong destination) => CurrentBytes.SequenceEqual(site.RoutedTo(destination));

    /// <summary>Original → routed to <paramref name="destination"/>.</summary>
    public void Attach(ulong destination)
    {
        byte[] routed = site.RoutedTo(destination);
        Expect(site.Kind.Original, $"the original {site.Kind.Name} bytes");
        arena.Patch(site.Address, routed);
    }

    /// <summary>Routed to <paramref name="destination"/> → original.</summary>
    public void Detach(ulong destination)
    {
        Expect(site.RoutedTo(destination), $"{site.Kind.Name} to 0x{destination:X}");
        arena.Patch(site.Address, [.. site.Kind.Original]);
    }

    void Expect(IReadOnlyList<byte> expected, string what)
    {
        byte[] actual = arena.Read(site.Address, site.Length);
        if (!actual.SequenceEqual(expected))
            throw new SiteMismatchException(
                $"site at 0x{site.Address:X} holds {Convert.ToHexString(actual)}, expected {Convert.ToHexString([.. expected])} ({what}); refusing to patch");
    }
}
