namespace HookBench;

/// <summary>
/// A run or check found that something it measured cannot be trusted (a BPF counter that disagrees with the
/// calls made): the CLI prints the message as one line and exits 1, and writes no results.
/// </summary>
public sealed class CheckFailedException(string message) : Exception(message);
