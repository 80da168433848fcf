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
    /// Its arena, code offset and harness stack follow <paramref name="layout"/> (the copy chosen by
    /// <paramref name="hooked"/>); a footprint set keeps its code at its arena's start (its pass already spans many
    /// pages and every line offset of them), so for it a placement is other pages and another stack slot.
    /// </summary>
    public static MeasuredCode Prepare(CellSpec spec, PlacementLayout layout, bool hooked)
    {
        var key = spec.Key;
        if (spec.Loop != LoopShape.Unrolled && (key.Functions > 1 || key.Caller != CallerContext.Unrolled))
            throw new UsageException($"--loop {spec.Loop.Name()} replaces the unrolled loop of one function; it does not combine with {key.Text}; valid with --loop: functions 1 and caller {CallerContext.Unrolled.Name()}");
        return key.Functions > 1 ? Footprint.FootprintCode.Prepare(spec, layout, hooked) : OneFunctionCode.Prepare(spec, layout, hooked);
    }


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
