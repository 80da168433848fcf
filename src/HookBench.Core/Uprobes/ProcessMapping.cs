using System.Globalization;

namespace HookBench.Uprobes;

/// <summary>
/// One line of /proc/self/maps (proc(5)): where a mapping is, its permissions and its name. The kernel's
/// uprobe pages show up by name: <c>[uprobes]</c> (the XOL area and uretprobe trampoline) and, on 6.18,
/// <c>[uprobes-trampoline]</c> (what an optimized nop5 calls).
/// </summary>
public sealed record ProcessMapping(ulong Start, ulong End, string Permissions, string Name)
{
    /// <summary>The name of the page an optimized uprobe calls (arch/x86/kernel/uprobes.c, tramp_mapping).</summary>
    public const string UprobeTrampolineName = "[uprobes-trampoline]";

    public static IReadOnlyList<ProcessMapping> Read() =>
        [.. File.ReadAllLines("/proc/self/maps").Select(Parse)];

    /// <summary>The mapping holding <paramref name="address"/>, or null when nothing is mapped there.</summary>
    public static ProcessMapping? Containing(ulong address) =>
        Read().FirstOrDefault(m => m.Start <= address && address < m.End);

    static ProcessMapping Parse(string line)
    {
        // start-end perms offset dev inode [name]
        string[] fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        string[] range = fields[0].Split('-');
        return new ProcessMapping(
            ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            fields[1],
            fields.Length > 5 ? fields[5].Trim() : "");
    }
}
