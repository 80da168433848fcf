namespace HookBench.Cli;

/// <summary>How a child hookbench process ended.</summary>
public enum ChildEnd
{
    Succeeded,
    Failed,
    Signalled,
    Hung,
}
