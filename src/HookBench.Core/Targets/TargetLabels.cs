using Iced.Intel;

namespace HookBench.Targets;

/// <summary>Where a traced function's parts are, as labels of the assembler that emitted it.</summary>
/// <param name="Function">The first instruction (ENDBR under IBT).</param>
/// <param name="Site">The patchable site.</param>
public sealed record TargetLabels(Label Function, Label Site)
{
    /// <summary>The prologue's <c>push rbp</c> (frame-pointer shape only).</summary>
    public Label? FramePush { get; init; }

    /// <summary>The body's RIP-relative <c>lea</c> (frame-pointer shape only).</summary>
    public Label? BodyLea { get; init; }

    /// <summary>Where data follows the code (the frame-pointer shape's seed constant), or null.</summary>
    public Label? DataStart { get; init; }
}
