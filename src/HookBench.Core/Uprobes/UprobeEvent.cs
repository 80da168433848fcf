using HookBench.Native.Kernel;

namespace HookBench.Uprobes;

/// <summary>
/// A perf event on the uprobe PMU: while its fd is open the kernel keeps a breakpoint (or, for an
/// optimized nop5 since 6.18, a call to its trampoline) at <see cref="Site"/> in this process. Closing
/// the last fd unregisters the probe and the kernel writes the original bytes back.
/// </summary>
public sealed class UprobeEvent : IDisposable
{
    readonly IKernelProbeCalls _calls;
    bool _disposed;

    internal UprobeEvent(IKernelProbeCalls calls, int fd, UprobeSite site, ProbeKind kind)
    {
        _calls = calls;
        Fd = fd;
        Site = site;
        Kind = kind;
    }

    public int Fd { get; }

    public UprobeSite Site { get; }

    public ProbeKind Kind { get; }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _calls.Close(Fd);
    }
}
