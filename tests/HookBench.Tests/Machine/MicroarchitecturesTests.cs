using HookBench.Machine;
using Xunit;

namespace HookBench.Tests.Machine;

public class MicroarchitecturesTests
{
    [Theory]
    [InlineData("AMD", 0x1A, 0x02, 1, "Zen 5")]
    [InlineData("AMD", 0x1A, 0x11, null, "Zen 5")]
    [InlineData("AMD", 0x1A, 0x50, null, "Zen 6")]
    [InlineData("AMD", 0x19, 0x11, 1, "Zen 4")]
    [InlineData("AMD", 0x19, 0x61, null, "Zen 4")]
    [InlineData("AMD", 0x19, 0x01, 1, "Zen 3")]
    [InlineData("AMD", 0x19, 0x21, 0, "Zen 3")]
    [InlineData("AMD", 0x17, 0x31, 0, "Zen 2")]
    [InlineData("AMD", 0x17, 0x71, 0, "Zen 2")]
    [InlineData("AMD", 0x17, 0x01, 1, "Zen")]
    [InlineData("AMD", 0x17, 0x08, 2, "Zen+")]
    [InlineData("AMD", 0x17, 0x18, 1, "Zen+")]
    [InlineData("Intel", 6, 0x8F, 8, "Sapphire Rapids (Golden Cove)")]
    [InlineData("Intel", 6, 0xCF, 2, "Emerald Rapids (Raptor Cove)")]
    [InlineData("Intel", 6, 0xAD, 1, "Granite Rapids (Redwood Cove)")]
    [InlineData("Intel", 6, 0x6A, 6, "Ice Lake (Sunny Cove)")]
    [InlineData("Intel", 6, 0x97, 2, "Alder Lake (Golden Cove / Gracemont)")]
    [InlineData("Intel", 6, 0xB7, 1, "Raptor Lake (Raptor Cove / Enhanced Gracemont)")]
    [InlineData("Intel", 6, 0xAA, 4, "Meteor Lake (Redwood Cove / Crestmont)")]
    [InlineData("Intel", 6, 0xC6, 2, "Arrow Lake (Lion Cove / Skymont)")]
    [InlineData("Intel", 6, 0x55, 4, "Skylake")]
    [InlineData("Intel", 6, 0x55, 7, "Cascade Lake (Skylake)")]
    [InlineData("Intel", 6, 0x55, 11, "Cooper Lake (Skylake)")]
    [InlineData("Intel", 6, 0x55, null, "Skylake")]        // stepping not recorded: the model's name
    [InlineData("Intel", 6, 0x9E, 12, "Coffee Lake (Skylake)")]
    [InlineData("Intel", 6, 0x9E, 9, "Kaby Lake (Skylake)")]
    [InlineData("Intel", 19, 0x01, 0, "Diamond Rapids (Panther Cove)")]
    [InlineData("intel", 6, 0x8F, 8, "Sapphire Rapids (Golden Cove)")]
    public void Known_cpus_get_their_microarchitecture(string vendor, int family, int model, int? stepping, string expected) =>
        Assert.Equal(expected, Microarchitectures.Find(vendor, family, model, stepping));

    [Theory]
    [InlineData("AMD", 0x1A, 0xF0)]      // a model the kernel does not place
    [InlineData("AMD", 0x18, 0x00)]      // Hygon's family, under AMD's name
    [InlineData("Intel", 6, 0xFE)]
    [InlineData("Intel", 0x1A, 0x02)]    // AMD's numbers under Intel's name
    [InlineData("Hygon", 0x18, 0x00)]
    [InlineData(null, 0x1A, 0x02)]       // vendor not recorded: family and model alone do not say whose
    public void Cpus_no_row_names_are_unknown(string? vendor, int family, int model) =>
        Assert.Null(Microarchitectures.Find(vendor, family, model, 1));

    [Fact]
    public void Every_row_is_the_answer_for_its_first_model_so_none_is_shadowed()
    {
        Assert.NotEmpty(Microarchitectures.Table);
        foreach (var row in Microarchitectures.Table)
        {
            int? stepping = row.Steppings.Count == 0 ? null : row.Steppings[0].Low;
            Assert.Equal(row.Name, Microarchitectures.Find(row.Vendor, row.Family, row.Models[0].Low, stepping));
            Assert.False(string.IsNullOrWhiteSpace(row.Source), row.Name);
        }
    }

    [Theory]
    [InlineData("AMD | 0x19 | 0x10-0x1f | * | Zen 4", "expected 6 non-empty cells")]
    [InlineData("AMD | 25 | 0x10-0x1f | * | Zen 4 | amd.c", "'25' is not a 0x-prefixed hex number")]
    [InlineData("AMD | 0x19 | 0x1f-0x10 | * | Zen 4 | amd.c", "bad range '0x1f-0x10'")]
    public void Malformed_table_lines_are_refused_with_their_line_number(string line, string message)
    {
        var error = Assert.Throws<FormatException>(() => Microarchitectures.Parse("# header\n" + line));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
