namespace HookBench.Native.Kernel;

/// <summary>The kernel refused a perf event; <see cref="Errno"/> is its errno and the message says what to change.</summary>
public sealed class PerfEventException(string message, int errno) : Exception(message)
{
    public int Errno { get; } = errno;

    /// <summary>
    /// The refusal is about this machine rather than the request: no permission (EPERM, EACCES) or no
    /// such PMU or probe support (ENOENT, EOPNOTSUPP). Tests skip on these instead of failing.
    /// </summary>
    public bool IsUnavailableHere => Errno is NativeMethods.Eperm or NativeMethods.Eacces or NativeMethods.Enoent or NativeMethods.Eopnotsupp;
}
