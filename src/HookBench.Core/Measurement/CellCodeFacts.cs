using HookBench.Results;

namespace HookBench.Measurement;

/// <summary>What a cell's code is, beside its timings: hook code footprint, the caller's own work, and a footprint pass.</summary>
public sealed record CellCodeFacts(int HookCodeBytes, double CallerInstructionsPerCall, FootprintResult? Footprint);
