namespace HookBench.Measurement;

/// <summary>
/// One repetition: a baseline and a hooked measurement taken back to back, and when. <paramref name="Round"/>
/// is the run's round it was taken in; every round a cell measures on a fresh placement of its code, so the
/// round also names the placement, and repetitions cluster by it.
/// </summary>
public readonly record struct RepetitionSample(double BaselineNs, double HookedNs, long WindowStart, long WindowEnd, int Round = 0);
