using HookBench.Native;
using HookBench.Targets;

namespace HookBench.Patching;

/// <summary>The site did not hold the bytes a patch expected; nothing was written.</summary>
public sealed class SiteMismatchException(string message) : InvalidOperationException(message);

/// <summary>
/// Rewrites a 5-byte site between the NOP and <c>call rel32</c>. Like the kernel's
/// <c>ftrace_make_call</c>/<c>ftrace_make_nop</c> (which go through <c>ftrace_modify_code_direct</c>),
/// it reads the old bytes first and refuses to write when they are not what it expects.
/// In a file-backed arena a site that lies within one aligned 8-byte word (every target's, since
/// blobs are 64-byte aligned) is rewritten live: one atomic store through the writable alias, then a
/// core sync, as the kernel ends each text patch with text_poke_sync. Other threads may run the
/// target meanwhile and execute either the old or the new instruction.
/// </summary>
public sealed class SitePatcher(CodeArena arena, ulong site)
{
    const byte CallOpcode = 0xE8;

    public ulong Site => site;

    public IReadOnlyList<byte> CurrentBytes => arena.Read(site, TargetEmitter.SiteLength);

    /// <summary>NOP → <c>call destination</c>.</summary>
    public void Attach(ulong destination)
    {
        byte[] call = CallBytes(site, destination);
        Expect(TargetEmitter.Nop5, "the 5-byte NOP");
        Write(call);
    }

    /// <summary><c>call destination</c> → NOP.</summary>
    public void Detach(ulong destination)
    {
        Expect(CallBytes(site, destination), $"call 0x{destination:X}");
        Write([.. TargetEmitter.Nop5]);
    }

    /// <summary>True when patches of this site are live-safe (file-backed arena, one aligned 8-byte word).</summary>
    public bool PatchesAtomically =>
        arena.Backing == ArenaBacking.File && CodeArena.FitsOneAtomicStore(site, TargetEmitter.SiteLength);

    /// <summary><c>E8 rel32</c> with rel32 = destination − (site + 5).</summary>
    public static byte[] CallBytes(ulong site, ulong destination)
    {
        long rel = (long)destination - (long)(site + TargetEmitter.SiteLength);
        if (rel is < int.MinValue or > int.MaxValue)
            throw new InvalidOperationException($"0x{destination:X} is out of call rel32 reach of the site at 0x{site:X}");
        var bytes = new byte[TargetEmitter.SiteLength];
        bytes[0] = CallOpcode;
        BitConverter.TryWriteBytes(bytes.AsSpan(1), (int)rel);
        return bytes;
    }

    void Write(byte[] bytes)
    {
        if (!PatchesAtomically)
        {
            arena.Patch(site, bytes);
            return;
        }

        arena.PatchAtomic(site, bytes);
        CoreSync.SerializeAllCores();
    }

    void Expect(IReadOnlyList<byte> expected, string what)
    {
        byte[] actual = arena.Read(site, TargetEmitter.SiteLength);
        if (!actual.SequenceEqual(expected))
            throw new SiteMismatchException(
                $"site at 0x{site:X} holds {Convert.ToHexString(actual)}, expected {Convert.ToHexString([.. expected])} ({what}); refusing to patch");
    }
}
