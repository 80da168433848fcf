namespace HookBench.Results;

/// <summary>
/// A read-only view of a file that refuses to read past a limit, so a file that grows (or lied about its
/// size, as files under /proc do) after its size was checked still cannot exhaust memory.
/// </summary>
sealed class BoundedReadStream(Stream inner, long limit, string source) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Checked(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Checked(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Checked(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    int Checked(int read)
    {
        if (inner.Position > limit)
            throw new UsageException($"{source} grew past {limit / (1024 * 1024)} MiB while it was read; result files are at most that");
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
