using HookBench.Comparison;
using HookBench.Machine;
using Xunit;

namespace HookBench.Tests.Comparison;

public class HardwareCheckTests
{
    static RunOrigin Origin(string cpu, string? vendor, int? family, int? model, int? stepping, string? microcode) =>
        new("x", RunLoader.HookBenchFormat, cpu, "6.18", "Linux", "KVM", ".NET 10", CpuIdentity.Create(vendor, family, model, stepping, microcode));

    static readonly RunOrigin Zen5 = Origin("AMD EPYC", "AMD", 26, 2, 1, "0x1000065");

    [Fact]
    public void The_same_cpu_and_microcode_is_the_same_hardware()
    {
        var check = HardwareCheck.Between(Zen5, Zen5 with { Kernel = "6.19", Source = "y" });
        Assert.True(check.SameHardware);
        Assert.Empty(check.Differences);
    }

    [Fact]
    public void Another_family_and_model_is_named_with_both_microarchitectures()
    {
        var check = HardwareCheck.Between(Zen5, Origin("AMD EPYC", "AMD", 25, 17, 1, "0x1000065"));
        Assert.False(check.SameHardware);
        Assert.Equal(["family 26 model 2 (Zen 5) vs family 25 model 17 (Zen 4)"], check.Differences);
    }

    [Fact]
    public void Vendor_stepping_and_microcode_differences_are_each_listed()
    {
        Assert.Equal(["stepping 1 vs 0 of family 26 model 2 (Zen 5)"], HardwareCheck.Between(Zen5, Origin("AMD EPYC", "AMD", 26, 2, 0, "0x1000065")).Differences);
        Assert.Equal(["microcode 0x1000065 vs 0xb002147"], HardwareCheck.Between(Zen5, Origin("AMD EPYC", "AMD", 26, 2, 1, "0xb002147")).Differences);
        Assert.Equal(["AMD vs Intel", "family 26 model 2 (Zen 5) vs family 6 model 143 (Sapphire Rapids (Golden Cove))", "microcode 0x1000065 vs 0x2b000620"],
            HardwareCheck.Between(Zen5, Origin("Intel Xeon", "Intel", 6, 0x8F, 8, "0x2b000620")).Differences);
    }

    [Fact]
    public void One_microcode_revision_written_two_ways_is_the_same()
    {
        Assert.True(HardwareCheck.Between(Zen5, Origin("AMD EPYC", "AMD", 26, 2, 1, "0x01000065")).SameHardware);
    }

    [Fact]
    public void Unrecorded_fields_count_as_the_same_only_when_the_cpu_brand_vouches_for_them()
    {
        // A summary written before vendor and stepping were recorded, and a Windows run without microcode.
        var old = Origin("AMD EPYC", null, 26, 2, null, "0x1000065");
        Assert.True(HardwareCheck.Between(old, Zen5).SameHardware);
        Assert.True(HardwareCheck.Between(Zen5, Origin("AMD EPYC", "AMD", 26, 2, 1, "unknown")).SameHardware);

        var otherBrand = HardwareCheck.Between(old, Origin("AMD EPYC 9R45", "AMD", 26, 2, 1, "0x1000065"));
        Assert.False(otherBrand.SameHardware);
        Assert.Equal(["CPU 'AMD EPYC' vs 'AMD EPYC 9R45'", "vendor unknown vs AMD", "stepping unknown vs 1"], otherBrand.Differences);
    }

    [Fact]
    public void A_known_difference_is_not_excused_by_an_identical_brand()
    {
        var check = HardwareCheck.Between(Origin("AMD EPYC", null, 26, 2, null, "0x1000065"), Origin("AMD EPYC", "AMD", 25, 17, 1, "0x1000065"));
        Assert.False(check.SameHardware);
        Assert.Equal(["family 26 model 2 vs family 25 model 17 (Zen 4)"], check.Differences);
    }
}
