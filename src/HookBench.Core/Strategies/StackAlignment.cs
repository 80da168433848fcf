namespace HookBench.Strategies;

/// <summary>The stack alignment a handler is entered with.</summary>
public enum StackAlignment
{
    /// <summary>What the kernel sequence gives: the kernel runs on 8-byte alignment.</summary>
    Kernel,

    /// <summary>Padded so a handler compiled for the C ABI gets RSP ≡ 8 (mod 16) at entry.</summary>
    CAbi,
}

public static class StackAlignments
{
    public static IReadOnlyList<StackAlignment> All { get; } = [StackAlignment.Kernel, StackAlignment.CAbi];

    public static string Name(this StackAlignment alignment) => alignment == StackAlignment.Kernel ? "kernel" : "c-abi";

    public static StackAlignment Parse(string name) => NamedValues.Parse(name, All, Name, "alignment");
}
