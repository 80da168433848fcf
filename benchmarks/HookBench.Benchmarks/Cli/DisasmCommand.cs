using System.CommandLine;
using HookBench.Abi;
using HookBench.Disassembly;
using HookBench.Emission;
using HookBench.Handlers;
using HookBench.Mitigations;
using HookBench.HookSets;
using HookBench.Strategies;

namespace HookBench.Cli;

/// <summary>
/// <c>hookbench disasm</c>: the code a strategy runs, as measured (no validation instrumentation): the
/// site before and after patching, then the trampoline, handler(s) and target.
/// </summary>
public static class DisasmCommand
{
    public static Command Create(TextWriter output)
    {
        var strategy = CommonOptions.Strategy(required: true);
        var args = CommonOptions.Args();
        var handler = CommonOptions.Handler();
        var abi = CommonOptions.Abi();
        var align = CommonOptions.Alignment();
        var profile = CommonOptions.Profile();
        var attach = AttachmentOptions.OneEach();
        var command = new Command("disasm", "Disassemble the site, trampoline, runtime, handler(s), target and mitigation thunks of one strategy.")
        {
            strategy, args, handler, abi, align, profile,
        };
        attach.AddTo(command);
        command.SetAction(parse =>
        {
            var options = new HookSetOptions(
                StrategyCatalog.Parse(parse.GetValue(strategy)!),
                HandlerKinds.Parse(parse.GetValue(handler)!),
                CommonOptions.ParseArgCount(parse.GetValue(args)!),
                CallingConvention.Parse(parse.GetValue(abi)!),
                StackAlignments.Parse(parse.GetValue(align)!))
            {
                Profile = MitigationProfiles.Parse(parse.GetValue(profile)!),
                Attach = attach.ParseOne(parse),
            };
            options.EnsureValid();
            using var set = HookSetBuilder.Build(options);
            output.Write(Render(set, new Disassembler(set)));
            return HookBenchCli.Ok;
        });
        return command;
    }

    /// <summary>The listing as text; tests compare it (relocated) against golden files.</summary>
    public static string Render(HookSet set, Disassembler disassembler)
    {
        var o = set.Options;
        var text = new StringWriter { NewLine = "\n" };
        text.WriteLine($"# {o.Strategy.Name}: {o.Strategy.Saves}");
        text.WriteLine($"# origin: {o.Strategy.Origin}");
        if (!o.Attach.IsDefault)
            text.WriteLine($"# attached: {o.Attach.Label}" + (o.Attach.Bpf.WrapsPrograms ? $"; {o.Attach.Bpf.Origin}" : string.Empty));
        text.WriteLine($"# args={o.ArgCount} handler={o.Handler.Name()} abi={o.Abi.Name} align={o.Alignment.Name()}"
            + (o.Profile.Name == MitigationProfiles.None.Name ? string.Empty : $" profile={o.Profile.Name} ({o.Profile.Knobs})")
            + (set.Entry?.EntryRspMod16 is int mod ? $"; handler entered with RSP mod 16 = {mod}{(mod == CallingConvention.EntryRspMod16 ? " (C-ABI aligned)" : " (not C-ABI aligned)")}" : string.Empty));
        text.WriteLine();
        text.WriteLine("site before patching:");
        text.WriteLine($"  {disassembler.Site()}");
        set.Attach();
        text.WriteLine("site after patching:");
        text.WriteLine($"  {disassembler.Site()}");
        set.Detach();
        foreach (BlobKind kind in new[] { BlobKind.Trampoline, BlobKind.Runtime, BlobKind.Handler, BlobKind.Target, BlobKind.Thunk })
        {
            foreach (EmittedBlob blob in set.Blobs.Where(b => b.Kind == kind))
            {
                var lines = disassembler.Blob(blob);
                int instructions = lines.Count(l => l.Code != Iced.Intel.Code.DeclareQword);
                text.WriteLine();
                text.WriteLine($"{blob.Name}: {instructions} instructions, {blob.Length} bytes");
                if (blob.Source is string source)
                    text.WriteLine($"  # {source}");
                foreach (ListingLine line in lines)
                    text.WriteLine($"  {line}");
            }
        }

        return text.ToString();
    }
}
