using HookBench.Emission;
using HookBench.Uprobes;

namespace HookBench.HookSets;

/// <summary>
/// Where a kernel-probe hook set is probed: the instruction's address in the execute view, and the path
/// facts of a call while the probe is on (a <see cref="NotStaticFact"/> at that instruction). The set's
/// own <see cref="HookSet.PathFacts"/> describe the unprobed call.
/// </summary>
public sealed record KernelProbePoint(KernelProbeSpec Spec, ulong Address, PathFacts ProbedPathFacts);
