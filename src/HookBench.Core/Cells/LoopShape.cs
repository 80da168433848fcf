namespace HookBench.Cells;

/// <summary>The shape of the native timing loop.</summary>
public enum LoopShape
{
    /// <summary>16 direct <c>call rel32</c> per iteration, straight-line (nanoBench-style): the default.</summary>
    Unrolled,

    /// <summary>
    /// What RyuJIT emits for BenchmarkDotNet's loop through <c>delegate* unmanaged[SuppressGCTransition]</c>:
    /// one indirect <c>call reg</c> per iteration, the result folded into a sink, the runtime's GC poll
    /// (<c>cmp dword [mem], 0; jne</c>) and the loop branch. Used to explain where the two harnesses differ.
    /// </summary>
    ManagedShaped,
}
