namespace HookBench.Cells;

/// <summary>Names of the timing loop's shapes.</summary>
public static class LoopShapes
{
    public static IReadOnlyList<LoopShape> All { get; } = Enum.GetValues<LoopShape>();

    public static string Name(this LoopShape shape) => shape == LoopShape.Unrolled ? "unrolled" : "managed-shaped";

    public static LoopShape Parse(string name) => NamedValues.Parse(name, All, Name, "loop");

    public static string ValidNames => string.Join(", ", All.Select(Name));
}
