using HookBench.Emission;

namespace HookBench.Bpf;

/// <summary>
/// One attached program as the trampoline and __bpf_prog_enter/exit see it: a <c>struct bpf_prog</c>
/// stand-in holding <c>bpf_func</c> (the JITed code: an emitted handler), <c>active</c> (a pointer to its
/// per-CPU recursion counter) and <c>stats</c> (a pointer to its per-CPU <c>bpf_prog_stats</c>: cnt,
/// nsecs, misses), and the cookie of its link.
/// </summary>
public sealed record BpfProgram(int Index, ulong Address, ulong Function, ulong Cookie, DataSlot Active, DataSlot Stats)
{
    /// <summary>Byte offsets in the struct bpf_prog stand-in.</summary>
    public const int BpfFuncOffset = 0, ActiveOffset = 8, StatsOffset = 16;

    /// <summary>Byte offsets in struct bpf_prog_stats.</summary>
    public const int StatsCountOffset = 0, StatsNanosecondsOffset = 8, StatsMissesOffset = 16;

    /// <summary>Writes program <paramref name="index"/> around the code at <paramref name="function"/>; its cookie is index + 1.</summary>
    public static BpfProgram Build(CodeImage image, int index, ulong function)
    {
        var data = image.Data;
        var prog = data.Allocate($"bpf_prog{index}", 3);
        var active = data.Allocate($"bpf_prog{index}.active");
        var stats = data.Allocate($"bpf_prog{index}.stats", 3);
        image.Arena.WriteUInt64(prog.Address + BpfFuncOffset, function);
        image.Arena.WriteUInt64(prog.Address + ActiveOffset, active.Address);
        image.Arena.WriteUInt64(prog.Address + StatsOffset, stats.Address);
        return new BpfProgram(index, prog.Address, function, (ulong)index + 1, active, stats);
    }
}
