using HookBench.Machine;
using Xunit;

namespace HookBench.Tests.Machine;

public class CpuSignatureTests
{
    [Theory]
    [InlineData(0x00B00F21u, 26, 2, 1)]      // base family 0xF + extended 0xB; AMD family 1Ah model 02h
    [InlineData(0x00A10F11u, 25, 17, 1)]     // extended model 1: AMD family 19h model 11h
    [InlineData(0x00800F82u, 23, 8, 2)]      // AMD family 17h model 08h
    [InlineData(0x000806F8u, 6, 143, 8)]     // family 6 takes the extended model too: Intel model 8Fh
    [InlineData(0x00400F10u, 19, 1, 0)]      // Intel's family 19 (0xF + 4)
    [InlineData(0x00010F2Au, 15, 0x12, 0xA)] // family 0xF with extended family 0
    [InlineData(0x00010533u, 5, 3, 3)]       // family 5: the extended model bits are ignored
    public void Leaf_1_eax_decodes_to_family_model_and_stepping(uint eax, int family, int model, int stepping) =>
        Assert.Equal(new CpuSignature(family, model, stepping), CpuSignature.Decode(eax));

    [Theory]
    [InlineData("AuthenticAMD", "AMD")]
    [InlineData("GenuineIntel", "Intel")]
    [InlineData("HygonGenuine", "Hygon")]
    [InlineData("  Shanghai  ", "Zhaoxin")]
    [InlineData("SomeNewCpu\0\0", "SomeNewCpu")]
    [InlineData("\0\0\0\0\0\0\0\0\0\0\0\0", "unknown")]
    public void Vendor_signatures_map_to_names(string signature, string vendor) =>
        Assert.Equal(vendor, CpuVendors.FromSignature(signature));

    [Fact]
    public void This_cpu_reads_the_same_as_the_kernel_reports_in_proc_cpuinfo()
    {
        if (!File.Exists("/proc/cpuinfo"))
            return;
        var fields = File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Length > 0)
            .Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim()).ToDictionary(g => g.Key, g => g.First()[1].Trim());
        Assert.Equal(new CpuSignature(int.Parse(fields["cpu family"]), int.Parse(fields["model"]), int.Parse(fields["stepping"])), CpuSignature.Current());
        Assert.Equal(CpuVendors.FromSignature(fields["vendor_id"]), CpuVendors.OfThisCpu());
    }
}
