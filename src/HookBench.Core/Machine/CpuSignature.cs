namespace HookBench.Machine;

/// <summary>
/// Family, model and stepping decoded from CPUID leaf 1 EAX the way the kernel does (x86_family() and
/// x86_model() in arch/x86/lib/cpu.c), so they match /proc/cpuinfo and the kernel's model tables: the
/// extended family is added only when the base family is 0xF, and the extended model is prefixed once the
/// family is 6 or more. For every x86-64 CPU this equals the rule in Intel's SDM Vol. 2A (CPUID, "Version
/// Information") and AMD's APM Vol. 3 (CPUID Fn0000_0001_EAX), whose base family is always 6 or 0xF.
/// </summary>
public readonly record struct CpuSignature(int Family, int Model, int Stepping)
{
    public static CpuSignature Decode(uint eax)
    {
        int family = (int)((eax >> 8) & 0xF);
        if (family == 0xF)
            family += (int)((eax >> 20) & 0xFF);
        int model = (int)((eax >> 4) & 0xF);
        if (family >= 0x6)
            model |= (int)((eax >> 16) & 0xF) << 4;
        return new CpuSignature(family, model, (int)(eax & 0xF));
    }

    /// <summary>This CPU's signature (CPUID leaf 1).</summary>
    public static CpuSignature Current() => Decode(Cpuid.Query(1).Eax);
}
