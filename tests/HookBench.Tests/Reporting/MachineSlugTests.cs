using HookBench.Machine;
using HookBench.Reporting;
using HookBench.Results;
using Xunit;

namespace HookBench.Tests.Reporting;

public class MachineSlugTests
{
    static string Slug(string brand, string? vendor, int family, int model, int? stepping, string? hypervisor, int? cpus) =>
        MachineSlug.For(brand, CpuIdentity.Create(vendor, family, model, stepping, "0x1"), hypervisor, cpus);

    [Fact]
    public void A_zen_5_and_a_zen_4_vm_with_one_brand_get_different_folders()
    {
        // The published machine and the run a new user compared it with: both "AMD EPYC" under KVM with 2 vCPUs.
        Assert.Equal("amd-epyc-zen5-f26m2s1-kvm-2cpu", Slug("AMD EPYC", "AMD", 26, 2, 1, "KVM", 2));
        Assert.Equal("amd-epyc-zen4-f25m17s1-kvm-2cpu", Slug("AMD EPYC", "AMD", 25, 17, 1, "KVM", 2));
    }

    [Theory]
    [InlineData("Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz", "Intel", 6, 0x6A, 6, "Hyper-V", 4, "intel-xeon-platinum-8370c-icelake-f6m106s6-hyper-v-4cpu")]
    [InlineData("AMD EPYC 7763 64-Core Processor", "AMD", 25, 1, 1, "Hyper-V", 4, "amd-epyc-7763-zen3-f25m1s1-hyper-v-4cpu")]
    [InlineData("13th Gen Intel(R) Core(TM) i7-1365U", "Intel", 6, 0xBA, 3, null, 12, "13th-gen-intel-core-i7-1365u-raptorlake-f6m186s3-metal-12cpu")]
    [InlineData("AMD Ryzen 7 5800H with Radeon Graphics", "AMD", 25, 0x50, 0, null, 16, "amd-ryzen-7-5800h-zen3-f25m80s0-metal-16cpu")]
    [InlineData("AMD Ryzen 5 2600 Six-Core Processor", "AMD", 23, 8, 2, null, 12, "amd-ryzen-5-2600-zenplus-f23m8s2-metal-12cpu")]
    [InlineData("QEMU Virtual CPU version 2.5+", "Intel", 6, 6, 3, "KVM", 1, "intel-qemu-virtual-version-2-5-f6m6s3-kvm-1cpu")]
    [InlineData("Some CPU", "Hygon", 24, 0, 1, "Xen", null, "hygon-some-f24m0s1-xen")]
    public void Slugs_name_vendor_brand_microarchitecture_signature_hypervisor_and_cpu_count(
        string brand, string vendor, int family, int model, int stepping, string? hypervisor, int? cpus, string expected) =>
        Assert.Equal(expected, Slug(brand, vendor, family, model, stepping, hypervisor, cpus));

    [Fact]
    public void What_an_old_summary_did_not_record_is_left_out()
    {
        // results/ as first published: no vendor, stepping or microarchitecture in summary.json.
        var environment = Environment(vendor: null, stepping: null);
        Assert.Equal("amd-epyc-f26m2-kvm-2cpu", PublishedMachine.SlugFor(environment));
        Assert.Equal("amd-epyc-zen5-f26m2s1-kvm-2cpu", PublishedMachine.SlugFor(Environment("AMD", 1)));
    }

    [Fact]
    public void Microcode_does_not_change_the_folder()
    {
        var before = Environment("AMD", 1);
        Assert.Equal(PublishedMachine.SlugFor(before), PublishedMachine.SlugFor(before with { Microcode = "0xa0011d5" }));
    }

    [Theory]
    [InlineData("Zen 5", "zen5")]
    [InlineData("Zen+", "zenplus")]
    [InlineData("Sapphire Rapids (Golden Cove)", "sapphirerapids")]
    [InlineData("Alder Lake-N (Gracemont)", "alderlaken")]
    public void Microarchitecture_tokens_are_short_and_keep_the_plus(string name, string token) =>
        Assert.Equal(token, MachineSlug.MicroarchitectureToken(name));

    [Fact]
    public void Every_published_machine_folder_is_named_by_its_slug()
    {
        // CI looks a baseline up as results/<slug>/; a folder whose name drifted from its slug (say, after a
        // table row was added) would silently stop gating that machine.
        string results = Path.Combine(RepositoryRoot(), "results");
        var folders = Directory.GetDirectories(results).Where(d => File.Exists(Path.Combine(d, "summary.json"))).ToList();
        Assert.NotEmpty(folders);
        foreach (string folder in folders)
        {
            var summary = SummaryJson.Deserialize(File.ReadAllText(Path.Combine(folder, "summary.json")), folder);
            Assert.Equal(PublishedMachine.SlugFor(summary.Environment), Path.GetFileName(folder));
        }
    }

    static RunEnvironment Environment(string? vendor, int? stepping) => new()
    {
        Cpu = "AMD EPYC", CpuVendor = vendor, CpuFamily = 26, CpuModel = 2, CpuStepping = stepping, Microcode = "0x1000065",
        Os = "Linux", Kernel = "6.18", Hypervisor = "KVM", Runtime = ".NET 10", TscHz = 2.6e9, CoreHzEstimate = 4e9,
        PinnedCpu = 1, LogicalCpus = 2, Mitigations = new Dictionary<string, string>(),
    };

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bench.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException("Bench.sln not found above " + AppContext.BaseDirectory);
    }
}
