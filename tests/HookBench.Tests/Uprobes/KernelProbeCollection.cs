using Xunit;

namespace HookBench.Tests.Uprobes;

/// <summary>
/// Kernel-probe tests run one at a time: each probe is private to its own memfd, but the first-hit
/// work (the XOL area, the 6.18 trampoline page) is per process and the figures must not overlap.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelProbeCollection
{
    public const string Name = "kernel probes";
}
