using System.Buffers.Binary;

namespace HookBench.Uprobes;

/// <summary>What the kernel has done to a probed instruction, as seen in the process's execute view.</summary>
public enum ProbedSiteKind
{
    /// <summary>The bytes are as emitted: no probe, or the probe is gone.</summary>
    Original,

    /// <summary>An int3 (0xCC) over the first byte and the rest untouched: the kernel's software breakpoint.</summary>
    Breakpoint,

    /// <summary>A nop5 rewritten into <c>call rel32</c> (0xE8): the 6.18 optimized uprobe.</summary>
    OptimizedCall,

    /// <summary>Anything else.</summary>
    Unexpected,
}

/// <summary>The state of a probed site and, for an optimized call, where the call goes.</summary>
public sealed record ProbedSiteState(ProbedSiteKind Kind, ulong? CallTarget)
{
    const byte Int3 = 0xCC;
    const byte CallRel32 = 0xE8;

    /// <summary>
    /// Compares the site's <paramref name="current"/> bytes at <paramref name="address"/> with the
    /// <paramref name="original"/> ones (x86 uprobes write UPROBE_SWBP_INSN, int3, over the first byte;
    /// arch/x86/kernel/uprobes.c swbp_optimize writes a 5-byte call over a nop5).
    /// </summary>
    public static ProbedSiteState Classify(ReadOnlySpan<byte> original, ReadOnlySpan<byte> current, ulong address)
    {
        if (current.Length != original.Length || original.Length == 0)
            throw new ArgumentException($"compare the same non-empty range: {original.Length} original bytes, {current.Length} current", nameof(current));
        if (current.SequenceEqual(original))
            return new(ProbedSiteKind.Original, null);
        if (current.Length >= 1 && current[0] == Int3 && current[1..].SequenceEqual(original[1..]))
            return new(ProbedSiteKind.Breakpoint, null);
        if (current.Length >= 5 && current[0] == CallRel32 && current[5..].SequenceEqual(original[5..]))
        {
            long displacement = BinaryPrimitives.ReadInt32LittleEndian(current[1..5]);
            return new(ProbedSiteKind.OptimizedCall, unchecked(address + 5 + (ulong)displacement));
        }

        return new(ProbedSiteKind.Unexpected, null);
    }

    public override string ToString() => CallTarget is ulong target ? $"{Kind} → 0x{target:x}" : Kind.ToString();
}
