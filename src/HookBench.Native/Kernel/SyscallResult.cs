namespace HookBench.Native.Kernel;

/// <summary>What a system call returned: a value (a file descriptor, 0) or, when it failed, the errno.</summary>
public readonly record struct SyscallResult(long Value, int Errno)
{
    public bool Succeeded => Errno == 0;

    /// <summary>The value as a file descriptor; only for calls that return one.</summary>
    public int Fd => Succeeded ? checked((int)Value) : throw new InvalidOperationException($"the call failed with errno {Errno}; there is no file descriptor");

    public static SyscallResult Ok(long value) => new(value, 0);

    public static SyscallResult Failed(int errno) => new(-1, errno);
}
