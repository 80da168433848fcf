using Xunit;

namespace HookBench.Tests.Measurement;

/// <summary>Tests that time code or watch the runtime run alone, not beside other test classes.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}
