using HookBench.Native;
using Iced.Intel;

namespace HookBench.Emission;

/// <summary>One function-sized piece of emitted code at its final address.</summary>
public sealed record EmittedBlob(string Name, BlobKind Kind, ulong Address, int Length, AssemblerResult Assembly)
{
    public ulong End => Address + (ulong)Length;

    /// <summary>Where instructions end and data begins (a per-ops trampoline's ops pointer), or null.</summary>
    public ulong? DataStart { get; init; }

    /// <summary>The kernel source the blob reproduces, for listings (the mitigation thunks carry one).</summary>
    public string? Source { get; init; }

    public ulong LabelAddress(Label label) => Assembly.GetLabelRIP(label);
}
