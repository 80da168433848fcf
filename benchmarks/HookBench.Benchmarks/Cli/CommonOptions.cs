using System.CommandLine;
using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Strategies;

namespace HookBench.Cli;

/// <summary>Options shared by several verbs, parsed by the library so every error names the valid values.</summary>
public static class CommonOptions
{
    public static Option<string> Strategy(bool required) => new("--strategy", "-s")
    {
        Description = $"Hooking strategy: {StrategyCatalog.ValidNames}",
        Required = required,
    };

    public static Option<string> Handler() => new("--handler")
    {
        Description = $"Handler: {string.Join(", ", HandlerKinds.All.Select(h => h.Name()))}",
        DefaultValueFactory = _ => HandlerKind.Empty.Name(),
    };

    public static Option<string> Abi() => new("--abi")
    {
        Description = $"Calling convention: {string.Join(", ", CallingConvention.All.Select(c => c.Name))} (default: this host's)",
        DefaultValueFactory = _ => CallingConvention.Host.Name,
    };

    public static Option<string> Alignment() => new("--align")
    {
        Description = $"Handler stack alignment: {string.Join(", ", StackAlignments.All.Select(a => a.Name()))}",
        DefaultValueFactory = _ => StackAlignment.Kernel.Name(),
    };

    public static Option<string> Args() => new("--args", "-n")
    {
        Description = $"Argument count of the target, 0..{HookSetOptions.MaxArgs}",
        Required = true,
    };

    /// <summary>Parses an argument count, refusing anything outside 0..6 with the valid range.</summary>
    public static int ParseArgCount(string text) =>
        int.TryParse(text, out int n) && n is >= 0 and <= HookSetOptions.MaxArgs
            ? n
            : throw new UsageException($"--args must be an integer in 0..{HookSetOptions.MaxArgs}; got '{text}'");
}
