using System.Runtime.CompilerServices;
using HookBench.Abi;
using HookBench.Cli;
using HookBench.Cli.Bdn;
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

    public static TheoryData<string, string, string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string, string, string>();
        foreach (var strategy in StrategyCatalog.All)
        {
            var handler = strategy.Name is "direct-call" ? HandlerKind.Counter : HandlerKind.Args;
            data.Add(strategy.Name, handler.Name(), CallingConvention.SysV.Name, "none", BdnAttach.Default);
        }

        data.Add("full-regs", "args", "win64", "none", BdnAttach.Default);
        data.Add("direct", "args", "win64", "none", BdnAttach.Default);
        data.Add("direct-fexit", "args", "win64", "none", BdnAttach.Default);
        data.Add("direct-fexit-jmp", "args", "win64", "none", BdnAttach.Default);

        // Every thunk and knob once: a profile's listing shows the thunks after the blobs that jump to them.
        data.Add("min-regs", "empty", "sysv", "ibt", BdnAttach.Default);
        data.Add("full-regs", "empty", "sysv", "rethunk", BdnAttach.Default);
        data.Add("direct-fexit", "empty", "sysv", "srso", BdnAttach.Default);
        data.Add("direct-fexit-jmp", "empty", "sysv", "calldepth", BdnAttach.Default);
        data.Add("direct-fmodret-jmp", "counter", "sysv", "all", BdnAttach.Default);
        data.Add("ipmodify-min", "empty", "sysv", "calldepth", BdnAttach.Default);

        // What sits between the trampoline and the program (issue 10), with the counter handler.
        data.Add("ops-list", "counter", "sysv", "none", "ops=4/match=0.5");
        data.Add("ops-list", "counter", "win64", "none", "ops=4/match=0.5");
        data.Add("direct", "counter", "sysv", "none", "progs=2");
        data.Add("direct", "counter", "sysv", "none", "bpf=bpf-6.17");
        data.Add("direct", "counter", "sysv", "none", "bpf=bpf-6.18");
        data.Add("direct", "counter", "sysv", "none", "bpf=bpf-6.18+stats");
        data.Add("direct", "counter", "win64", "none", "progs=2/bpf=bpf-6.18");
        data.Add("direct", "counter", "sysv", "none", "progs=2/bpf=bpf-6.18/lookup=hash");
        data.Add("direct", "counter", "sysv", "none", "progs=2/bpf=bpf-6.18/lookup=padding");

        // Both families together: op->func through the retpoline thunk, a lookup trampoline and its runtime under every knob.
        data.Add("ops-list", "counter", "sysv", "retpoline", "ops=4/match=0.5");
        data.Add("direct", "counter", "sysv", "all", "progs=2/bpf=bpf-6.17/lookup=hash");
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Listing_matches_the_golden_file(string strategy, string handler, string abi, string profile, string attach)
    {
        var options = new HookSetOptions(StrategyCatalog.Parse(strategy), HandlerKinds.Parse(handler), 2, CallingConvention.Parse(abi))
        {
            Profile = MitigationProfiles.Parse(profile),
            Attach = BdnAttach.Parse(attach),
        };
        using var set = HookSetBuilder.Build(options);
        string listing = DisasmCommand.Render(set, new Disassembler(set, DisplayBase));
        string suffix = profile == "none" ? string.Empty : $".{profile}";
        string tail = attach == BdnAttach.Default ? string.Empty : "." + attach.Replace('/', '.').Replace('=', '-');
        string path = Path.Combine(GoldenDirectory(), $"{strategy}.{handler}.{abi}{suffix}{tail}.txt");
        if (Environment.GetEnvironmentVariable("HOOKBENCH_UPDATE_GOLDEN") == "1")
            File.WriteAllText(path, listing);
        Assert.True(File.Exists(path), $"missing golden file {path}; run with HOOKBENCH_UPDATE_GOLDEN=1");
        Assert.Equal(File.ReadAllText(path), listing);
    }

    static string GoldenDirectory([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(source))!, "Golden");
}
