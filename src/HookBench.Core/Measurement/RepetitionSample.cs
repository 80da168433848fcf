namespace HookBench.Measurement;

/// <summary>One repetition: a baseline and a hooked measurement taken back to back, and when.</summary>
public readonly record struct RepetitionSample(double BaselineNs, double HookedNs, long WindowStart, long WindowEnd);
