using Xunit;

namespace HookBench.Tests.Patching;

/// <summary>
/// Tests that install SIGTRAP dispositions or patch with the int3 protocol. A signal has one
/// disposition per process, so these run alone, never beside each other or any other test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SigtrapCollection
{
    public const string Name = "SIGTRAP";
}
