namespace HookBench.Uprobes;

/// <summary>The errno values kernel probing meets, with their names for one-line messages (asm-generic/errno-base.h, errno.h).</summary>
public static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int E2BIG = 7;
    public const int EBADF = 9;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EFAULT = 14;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int ENOSYS = 38;
    public const int EOPNOTSUPP = 95;

    static readonly Dictionary<int, string> Names = new()
    {
        [EPERM] = nameof(EPERM),
        [ENOENT] = nameof(ENOENT),
        [E2BIG] = nameof(E2BIG),
        [EBADF] = nameof(EBADF),
        [ENOMEM] = nameof(ENOMEM),
        [EACCES] = nameof(EACCES),
        [EFAULT] = nameof(EFAULT),
        [EBUSY] = nameof(EBUSY),
        [EEXIST] = nameof(EEXIST),
        [ENODEV] = nameof(ENODEV),
        [EINVAL] = nameof(EINVAL),
        [ENOSPC] = nameof(ENOSPC),
        [ENOSYS] = nameof(ENOSYS),
        [EOPNOTSUPP] = nameof(EOPNOTSUPP),
    };

    public static IEnumerable<string> KnownNames => Names.Values;

    public static string Name(int errno) => Names.TryGetValue(errno, out string? name) ? name : $"errno {errno}";

    public static bool TryParse(string name, out int errno)
    {
        foreach (var (value, known) in Names)
        {
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
            {
                errno = value;
                return true;
            }
        }

        errno = 0;
        return false;
    }
}
