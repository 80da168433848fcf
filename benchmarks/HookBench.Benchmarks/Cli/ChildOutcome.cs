namespace HookBench.Cli;

/// <summary>How a child hookbench process ended, and what it printed.</summary>
/// <param name="Code">The exit code, or the signal number when <see cref="End"/> is <see cref="ChildEnd.Signalled"/>.</param>
public sealed record ChildOutcome(ChildEnd End, int? Code, string Output, string Error)
{
    /// <summary>Linux x86-64 signal names for the signals a crashing child dies of.</summary>
    public string SignalName => Code switch
    {
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        int n => $"signal {n}",
        null => "no signal",
    };
}
