namespace HookBench.Sites;

/// <summary>
/// A 5-byte site that holds the NOP <c>__fentry__</c> leaves after boot (<c>0F 1F 44 00 00</c>, x86_nops[5])
/// and is routed with a rel32 branch: <c>E8</c> (call) for ftrace's fentry call, <c>E9</c> (jmp) for the BPF
/// trampoline's jmp mode. The kernel rewrites the same bytes (ftrace_make_call, bpf_arch_text_poke).
/// </summary>
public sealed class Rel32Site : SiteKind
{
    Rel32Site(string name, SiteEntry entry, byte opcode)
    {
        Name = name;
        Entry = entry;
        _opcode = opcode;
    }

    readonly byte _opcode;

    /// <summary>NOP5 ↔ <c>call rel32</c>: ftrace's fentry site.</summary>
    public static Rel32Site FentryCall { get; } = new("fentry-call", SiteEntry.Call, 0xE8);

    /// <summary>NOP5 ↔ <c>jmp rel32</c>: the BPF trampoline's jmp mode (Linux 6.19).</summary>
    public static Rel32Site FentryJmp { get; } = new("fentry-jmp", SiteEntry.Jump, 0xE9);

    public static IReadOnlyList<byte> Nop5 { get; } = [0x0F, 0x1F, 0x44, 0x00, 0x00];

    public override string Name { get; }

    public override int Length => 5;

    public override IReadOnlyList<byte> Original => Nop5;

    public override SiteEntry Entry { get; }

    /// <summary><c>opcode rel32</c> with rel32 = destination − (site + 5).</summary>
    public override byte[] Routed(ulong site, ulong destination)
    {
        long rel = (long)destination - (long)Resume(site);
        if (rel is < int.MinValue or > int.MaxValue)
            throw new InvalidOperationException($"0x{destination:X} is out of rel32 reach of the site at 0x{site:X}");
        var bytes = new byte[Length];
        bytes[0] = _opcode;
        BitConverter.TryWriteBytes(bytes.AsSpan(1), (int)rel);
        return bytes;
    }
}
