using BenchmarkDotNet.Loggers;

namespace HookBench.Cli.Bdn;

/// <summary>
/// Passes only BenchmarkDotNet's "Remained N benchmark(s)" lines on, for a progress display when the
/// full log would drown the command's own output (the log file keeps everything).
/// </summary>
public sealed class ProgressLogger(Action<string> report) : ILogger
{
    public string Id => nameof(ProgressLogger);

    public int Priority => 0;

    public void Write(LogKind logKind, string text) => Report(text);

    public void WriteLine() { }

    public void WriteLine(LogKind logKind, string text) => Report(text);

    public void Flush() { }

    void Report(string text)
    {
        if (text.StartsWith("// ** Remained", StringComparison.Ordinal))
            report(text.Trim('/', ' ', '*'));
    }
}
