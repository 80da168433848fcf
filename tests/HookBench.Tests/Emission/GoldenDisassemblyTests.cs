using System.Runtime.CompilerServices;
using HookBench.Abi;
using HookBench.Cli;
using HookBench.Disassembly;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Mitigations;
using HookBench.Strategies;
using Xunit;

namespace HookBench.Tests.Emission;

/// <summary>
/// Each strategy's listing at 2 arguments, relocated to a fixed base, against a reviewed file in
/// Golden/. Regenerate with HOOKBENCH_UPDATE_GOLDEN=1 and review the diff.
/// </summary>
public class GoldenDisassemblyTests
{
    const ulong DisplayBase = 0x1000_0000;

    public static TheoryData<string, string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var strategy in StrategyCatalog.All)
        {
            var handler = strategy.Name is "direct-call" ? HandlerKind.Counter : HandlerKind.Args;
            data.Add(strategy.Name, handler.Name(), CallingConvention.SysV.Name, "none");
        }

        data.Add("full-regs", "args", "win64", "none");
        data.Add("direct", "args", "win64", "none");
        data.Add("direct-fexit", "args", "win64", "none");
        data.Add("direct-fexit-jmp", "args", "win64", "none");

        // Every thunk and knob once: a profile's listing shows the thunks after the blobs that jump to them.
        data.Add("min-regs", "empty", "sysv", "ibt");
        data.Add("full-regs", "empty", "sysv", "rethunk");
        data.Add("direct-fexit", "empty", "sysv", "srso");
        data.Add("direct-fexit-jmp", "empty", "sysv", "calldepth");
        data.Add("direct-fmodret-jmp", "counter", "sysv", "all");
        data.Add("ipmodify-min", "empty", "sysv", "calldepth");
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Listing_matches_the_golden_file(string strategy, string handler, string abi, string profile)
    {
        var options = new HookSetOptions(StrategyCatalog.Parse(strategy), HandlerKinds.Parse(handler), 2, CallingConvention.Parse(abi))
        {
            Profile = MitigationProfiles.Parse(profile),
        };
        using var set = HookSetBuilder.Build(options);
        string listing = DisasmCommand.Render(set, new Disassembler(set, DisplayBase));
        string suffix = profile == "none" ? string.Empty : $".{profile}";
        string path = Path.Combine(GoldenDirectory(), $"{strategy}.{handler}.{abi}{suffix}.txt");
        if (Environment.GetEnvironmentVariable("HOOKBENCH_UPDATE_GOLDEN") == "1")
            File.WriteAllText(path, listing);
        Assert.True(File.Exists(path), $"missing golden file {path}; run with HOOKBENCH_UPDATE_GOLDEN=1");
        Assert.Equal(File.ReadAllText(path), listing);
    }

    static string GoldenDirectory([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(source))!, "Golden");
}
