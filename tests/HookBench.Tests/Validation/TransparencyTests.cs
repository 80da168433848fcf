using HookBench.Validation;
using Xunit;

namespace HookBench.Tests.Validation;

public class TransparencyTests
{
    [Fact]
    public void Every_buildable_case_is_transparent()
    {
        var failures = ValidationCases.All()
            .Select(c => TransparencyValidator.Validate(c))
            .Where(r => !r.Passed)
            .Select(r => $"{r.Case}: {string.Join("; ", r.Failures)}")
            .ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }
}
