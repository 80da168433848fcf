using HookBench.Cells;

namespace HookBench.Measurement;

/// <summary>
/// One copy of a cell's code with the loop that times it. <see cref="CellRunner"/> measures a cell on two
/// copies emitted byte for byte alike, one left unhooked (the baseline) and one attached.
/// </summary>
public abstract class MeasuredCode : IDisposable
{
    /// <summary>
    /// Emits and seals one copy of <paramref name="spec"/>'s code: one function, or a footprint set of several.
    /// One function's code starts <paramref name="codeOffset"/> bytes into its arena (a placement, see
    /// <see cref="CellRunner.CodeOffset"/>); a footprint set stays where it is (<see cref="MovesWithPlacement"/>).
    /// </summary>
    public static MeasuredCode Prepare(CellSpec spec, int codeOffset = 0)
    {
        var key = spec.Key;
        if (spec.Loop != LoopShape.Unrolled && (key.Functions > 1 || key.Caller != CallerContext.Unrolled))
            throw new UsageException($"--loop {spec.Loop.Name()} replaces the unrolled loop of one function; it does not combine with {key.Text}; valid with --loop: functions 1 and caller {CallerContext.Unrolled.Name()}");
        return key.Functions > 1 ? Footprint.FootprintCode.Prepare(spec) : OneFunctionCode.Prepare(spec, codeOffset);
    }

    /// <summary>Whether a code offset moves this code (false: every placement would be the same, so the runner keeps one).</summary>
    public abstract bool MovesWithPlacement { get; }

    /// <summary>Calls one iteration of the timing loop makes.</summary>
    public abstract int CallsPerIteration { get; }

    /// <summary>Runs the timing loop for <paramref name="iterations"/> iterations; returns TSC ticks.</summary>
    public abstract ulong Run(ulong iterations);

    /// <summary>Routes every site to its hook (once, before anything is measured).</summary>
    public abstract void Attach();

    /// <summary>What the calls execute with the sites as they are now, counted by walking the code.</summary>
    public abstract CodeWalk Walk();

    public abstract void Dispose();
}
