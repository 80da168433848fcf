using HookBench.Cli;
using HookBench.Cli.Bdn;

// `hookbench VERB ...` runs HookBench's own commands. No arguments, `full`, or arguments that start with
// a dash run the BenchmarkDotNet suite (so `dotnet run -c Release -- --filter '*' --job short` works).
return HookBenchCli.IsVerb(args) || args is ["-h" or "--help" or "-?" or "--version"]
    ? HookBenchCli.Run(args)
    : HookBenchCli.Guard(() => BdnRunner.Run(args is ["full", .. var rest] ? rest : args, Console.Error), Console.Error);
