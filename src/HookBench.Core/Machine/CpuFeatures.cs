namespace HookBench.Machine;

/// <summary>The CPU features the timing loop depends on, read with CPUID.</summary>
public static class CpuFeatures
{
    /// <summary>CPUID 0x80000001:EDX[27]: the loop's closing timestamp read.</summary>
    public static bool HasRdtscp => MaxExtendedLeaf >= 0x80000001 && (Cpuid.Query(0x80000001).Edx & (1u << 27)) != 0;

    /// <summary>CPUID 0x80000007:EDX[8]: the TSC ticks at a constant rate in every P-, C- and T-state.</summary>
    public static bool HasInvariantTsc => MaxExtendedLeaf >= 0x80000007 && (Cpuid.Query(0x80000007).Edx & (1u << 8)) != 0;

    static uint MaxExtendedLeaf => Cpuid.Query(0x80000000).Eax;

    /// <summary>Refuses a CPU the timing loop cannot run on, with a one-line reason.</summary>
    public static void EnsureTimingSupported()
    {
        if (!HasRdtscp)
            throw new UsageException("this CPU has no RDTSCP, which the timing loop uses to close each measurement; HookBench needs an x86-64 CPU with RDTSCP (any since about 2008)");
    }
}
