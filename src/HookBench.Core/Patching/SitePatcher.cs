using HookBench.Native;
using HookBench.Sites;

namespace HookBench.Patching;

/// <summary>
/// Rewrites a site between its original bytes and the bytes that route it to a destination, as its
/// <see cref="SiteKind"/> defines them. Like the kernel's <c>ftrace_make_call</c>/<c>ftrace_make_nop</c>
/// (which go through <c>ftrace_modify_code_direct</c>), it reads the old bytes first and refuses to write
/// when they are not what it expects.
/// In a file-backed arena a site that lies within one aligned 8-byte word (every target's, since blobs
/// are 64-byte aligned) is rewritten live: one atomic store through the writable alias, then a core
/// sync, as the kernel ends each text patch with text_poke_sync. Other threads may run the target
/// meanwhile and execute either the old or the new instruction.
/// </summary>
public sealed class SitePatcher(CodeArena arena, Site site)
{
    public Site Site => site;

    public IReadOnlyList<byte> CurrentBytes => arena.Read(site.Address, site.Length);

    /// <summary>Whether the site holds its original (unhooked) bytes.</summary>
    public bool IsOriginal => CurrentBytes.SequenceEqual(site.Kind.Original);

    /// <summary>Whether the site routes to <paramref name="destination"/>.</summary>
    public bool RoutesTo(ulong destination) => CurrentBytes.SequenceEqual(site.RoutedTo(destination));

    /// <summary>True when patches of this site are live-safe (file-backed arena, one aligned 8-byte word).</summary>
    public bool PatchesAtomically =>
        arena.Backing == ArenaBacking.File && CodeArena.FitsOneAtomicStore(site.Address, site.Length);

    /// <summary>Original → routed to <paramref name="destination"/>.</summary>
    public void Attach(ulong destination)
    {
        byte[] routed = site.RoutedTo(destination);
        Expect(site.Kind.Original, $"the original {site.Kind.Name} bytes");
        Write(routed);
    }

    /// <summary>Routed to <paramref name="destination"/> → original.</summary>
    public void Detach(ulong destination)
    {
        Expect(site.RoutedTo(destination), $"{site.Kind.Name} to 0x{destination:X}");
        Write([.. site.Kind.Original]);
    }

    void Write(byte[] bytes)
    {
        if (!PatchesAtomically)
        {
            arena.Patch(site.Address, bytes);
            return;
        }

        arena.PatchAtomic(site.Address, bytes);
        CoreSync.SerializeAllCores();
    }

    void Expect(IReadOnlyList<byte> expected, string what)
    {
        byte[] actual = arena.Read(site.Address, site.Length);
        if (!actual.SequenceEqual(expected))
            throw new SiteMismatchException(
                $"site at 0x{site.Address:X} holds {Convert.ToHexString(actual)}, expected {Convert.ToHexString([.. expected])} ({what}); refusing to patch");
    }
}
