using HookBench.Uprobes;
using Xunit;

namespace HookBench.Tests.Uprobes;

/// <summary>Kernel-probe tests run where the kernel allows them and skip with the refusal's one line elsewhere.</summary>
static class KernelProbeSkips
{
    public static void RequireLinuxX64() =>
        Skip.IfNot(OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64,
            "kernel uprobes are Linux x86-64 only");

    /// <summary>The value, or a skip that says which facility is unavailable, why and how to enable it.</summary>
    public static T Require<T>(KernelOutcome<T> outcome) where T : class
    {
        Skip.If(!outcome.IsAvailable, outcome.Unavailable?.Line);
        return outcome.Value;
    }
}
