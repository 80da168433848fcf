using HookBench.Abi;
using HookBench.HookSets;

namespace HookBench.Measurement;

/// <summary>
/// One copy of a cell's code with its timing loops: the loop every repetition runs and, for what happens
/// once, a one-call timer. It counts the calls it makes, so a kernel probe's counter can be checked
/// against them.
/// </summary>
sealed class CellSide : IDisposable
{
    CellSide(HookSet set, TimingHarness loop, TimingHarness oneCall)
    {
        Set = set;
        Loop = loop;
        OneCall = oneCall;
    }

    public HookSet Set { get; }
    public TimingHarness Loop { get; }
    public TimingHarness OneCall { get; }

    /// <summary>Calls of the target since <see cref="ResetCalls"/> (or since it was built).</summary>
    public ulong CallsMade { get; private set; }

    public static CellSide Prepare(CellSpec spec) => Prepare(spec, spec.HookSet);

    /// <summary>The cell's code as <paramref name="options"/> place it (see <see cref="CellRunner.CodeOffset"/>), with its timers.</summary>
    public static CellSide Prepare(CellSpec spec, HookSetOptions options)
    {
        var set = HookSetBuilder.Emit(options);
        try
        {
            var loop = TimingHarness.Emit(set, CallingConvention.Host, spec.Mode, spec.Loop);
            var oneCall = TimingHarness.EmitSingleCall(set, CallingConvention.Host);
            set.Seal();
            return new CellSide(set, loop, oneCall);
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    /// <summary>TSC ticks for <paramref name="iterations"/> × <see cref="TimingHarness.Unroll"/> calls.</summary>
    public ulong Run(ulong iterations)
    {
        ulong ticks = Set.Arena.Invoke(Loop.Blob.Address, iterations);
        CallsMade += iterations * TimingHarness.Unroll;
        return ticks;
    }

    /// <summary>TSC ticks for one call.</summary>
    public ulong RunOnce()
    {
        ulong ticks = Set.Arena.Invoke(OneCall.Blob.Address, 0);
        CallsMade++;
        return ticks;
    }

    public void ResetCalls() => CallsMade = 0;

    /// <summary>Counts a call made to the target by other code than these timers (the stack probe).</summary>
    public void CountCall() => CallsMade++;

    public void Dispose() => Set.Dispose();
}
