namespace HookBench.Uprobes;

/// <summary>
/// Which uprobe paths the running kernel has, from the symbol names in /proc/kallsyms (names are listed
/// even where kptr_restrict hides the addresses):
/// __x64_sys_uretprobe (6.11, ff474a78cef5: uretprobes return through a syscall),
/// __x64_sys_uprobe and arch_uprobe_optimize (6.18, ba2bfc97b462: a nop5 uprobe becomes a call into a
/// per-process trampoline that enters the kernel with the uprobe syscall).
/// </summary>
public sealed record KernelSymbols(bool UretprobeSyscall, bool UprobeSyscall, bool Nop5Optimization)
{
    public const string UretprobeSyscallSymbol = "__x64_sys_uretprobe";
    public const string UprobeSyscallSymbol = "__x64_sys_uprobe";
    public const string Nop5OptimizationSymbol = "arch_uprobe_optimize";

    /// <summary>Reads /proc/kallsyms; null where it cannot be read.</summary>
    public static KernelSymbols? Read(string path = "/proc/kallsyms")
    {
        try
        {
            return FromLines(File.ReadLines(path));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>kallsyms lines are "address type name [module]".</summary>
    public static KernelSymbols FromLines(IEnumerable<string> lines)
    {
        bool uretprobe = false, uprobe = false, optimize = false;
        foreach (string line in lines)
        {
            string[] fields = line.Split(' ', 4);
            if (fields.Length < 3)
                continue;
            switch (fields[2])
            {
                case UretprobeSyscallSymbol:
                    uretprobe = true;
                    break;
                case UprobeSyscallSymbol:
                    uprobe = true;
                    break;
                case Nop5OptimizationSymbol:
                    optimize = true;
                    break;
            }
        }

        return new KernelSymbols(uretprobe, uprobe, optimize);
    }
}
