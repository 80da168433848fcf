using HookBench.Native.Kernel;

namespace HookBench.Uprobes;

/// <summary>
/// A program the verifier accepted, owned through its file descriptor. A perf event it is attached to
/// holds its own reference, so closing this fd does not detach it.
/// </summary>
public sealed class LoadedBpfProgram : IDisposable
{
    readonly IKernelProbeCalls _calls;
    bool _disposed;

    internal LoadedBpfProgram(IKernelProbeCalls calls, int fd, string name)
    {
        _calls = calls;
        Fd = fd;
        Name = name;
    }

    public int Fd { get; }

    public string Name { get; }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _calls.Close(Fd);
    }
}
