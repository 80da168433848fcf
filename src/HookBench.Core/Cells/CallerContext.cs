namespace HookBench.Cells;

/// <summary>
/// The code around each measured call: what the caller does besides calling. The measurement mode says
/// how calls depend on each other (independent, chained through the result, or fenced one at a time);
/// the caller context says what else the caller runs, so the two compose (a rolled loop can be measured
/// in every mode).
/// </summary>
public enum CallerContext
{
    /// <summary>16 calls per loop iteration, straight-line, arguments set before each call: the loop every older result used.</summary>
    Unrolled,

    /// <summary>
    /// A counted loop making one call per iteration, with loop-carried work: the induction variable is
    /// the first argument and the results are summed. gcc 12 -O2 compiles
    /// <c>for (i = 0; i &lt; n; i++) sum += f(i, b);</c> to exactly this body
    /// (<c>mov rdi, rbx; mov esi, b; add rbx, 1; call f; add rbp, rax; cmp r12, rbx; jne</c>).
    /// </summary>
    Rolled,

    /// <summary>
    /// The unrolled loop with a fixed amount of independent ALU work after every call (three short
    /// chains of single-cycle instructions that start afresh after each call), so the hook competes
    /// with other work for the same execution resources instead of running on an otherwise idle core.
    /// </summary>
    Busy,
}
