using System.Globalization;

namespace HookBench.Tests.Kernel;

/// <summary>This process's mappings as /proc/self/maps lists them.</summary>
sealed record ProcessMapping(ulong Start, ulong End, string Permissions, string Name)
{
    public static IReadOnlyList<ProcessMapping> Read() =>
        [.. File.ReadAllLines("/proc/self/maps").Select(Parse)];

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
