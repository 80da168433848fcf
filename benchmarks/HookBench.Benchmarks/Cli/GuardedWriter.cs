using System.Text;

namespace HookBench.Cli;

/// <summary>The command's output could not be written (stdout is a full disk, a closed pipe or a closed descriptor).</summary>
public sealed class OutputFailedException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// A writer over standard output that turns a failed write into <see cref="OutputFailedException"/>, so the
/// CLI can say so in one line on stderr instead of dying with a trace: write(2) to /dev/full fails with
/// ENOSPC, to a closed pipe with EPIPE (.NET ignores SIGPIPE), to a closed descriptor with EBADF.
/// </summary>
public sealed class GuardedWriter(TextWriter inner) : TextWriter
{
    public TextWriter Inner => inner;

    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine
    {
        get => inner.NewLine;
        set => inner.NewLine = value;
    }

    public override void Write(char value) => Guard(() => inner.Write(value));

    public override void Write(string? value) => Guard(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Guard(() => inner.Write(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        string text = buffer.ToString();
        Guard(() => inner.Write(text));
    }

    public override void WriteLine(string? value) => Guard(() => inner.WriteLine(value));

    public override void WriteLine() => Guard(inner.WriteLine);

    public override void Flush() => Guard(inner.Flush);

    static void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            string reason = (e.InnerException as IOException ?? e).Message;
            throw new OutputFailedException($"cannot write to standard output ({reason.ReplaceLineEndings(" ")})", e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        // Standard output belongs to the process; never close it here.
        base.Dispose(disposing);
    }
}
