using HookBench.Cli;

return HookBenchCli.Run(args);
