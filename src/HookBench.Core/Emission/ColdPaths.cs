using Iced.Intel;

namespace HookBench.Emission;

/// <summary>
/// Code reached only by unlikely branches, placed after a function's <c>ret</c> the way a compiler moves
/// <c>unlikely()</c> blocks out of the straight-line path: a branch to <see cref="Add"/>'s label is not
/// taken on the measured path, so the hot path stays one straight run.
/// </summary>
public sealed class ColdPaths(Assembler asm)
{
    readonly List<(Label Label, Action Body)> _blocks = [];

    /// <summary>A label for a branch to jump to; <paramref name="body"/> is emitted there by <see cref="Emit"/>.</summary>
    public Label Add(string name, Action body)
    {
        var label = asm.CreateLabel(name);
        _blocks.Add((label, body));
        return label;
    }

    /// <summary>Emits every block added so far (call after the function's last hot instruction).</summary>
    public void Emit()
    {
        foreach (var (label, body) in _blocks)
        {
            var bound = label;
            asm.Label(ref bound);
            body();
        }

        _blocks.Clear();
    }
}
