using HookBench.Cli;
using HookBench.Cli.Bdn;

// Standard output fails in one line, not a trace (a full disk, a closed pipe or descriptor).
Console.SetOut(new GuardedWriter(Console.Out));

// `hookbench VERB ...` runs HookBench's own commands. No arguments, `full`, or BenchmarkDotNet's options run
// the BenchmarkDotNet suite (so `dotnet run -c Release -- --filter '*' --job short` works); anything else
// is refused before any work (see VerbDispatcher).
var dispatch = VerbDispatcher.Route(args);
return dispatch.To switch
{
    Dispatch.Target.Verbs => HookBenchCli.Run(dispatch.Args),
    Dispatch.Target.BenchmarkDotNet => HookBenchCli.Guard(() => BdnRunner.Run(dispatch.Args, Console.Error), Console.Error),
    _ => HookBenchCli.Refuse(dispatch.Refusal!, Console.Error),
};
