namespace HookBench;

/// <summary>
/// Bad input or an unsupported host: the message is one line that says what is valid, and the CLI
/// turns it into exit code 2 with no stack trace.
/// </summary>
public sealed class UsageException(string message) : Exception(message);
