using System.Globalization;

namespace HookBench.Machine;

/// <summary>
/// Names a CPU's microarchitecture from its vendor, family, model and stepping, using the table in
/// cpu-models.txt (kept as data, each row with its source). The first matching row decides; no match is null
/// ("unknown"): a name is never guessed from neighbouring model numbers.
/// </summary>
public static class Microarchitectures
{
    const string ResourceName = "HookBench.Machine.cpu-models.txt";

    /// <summary>One table row. <see cref="Steppings"/> is empty when the row covers every stepping.</summary>
    public sealed record Row(string Vendor, int Family, IReadOnlyList<(int Low, int High)> Models, IReadOnlyList<(int Low, int High)> Steppings, string Name, string Source)
    {
        public bool Matches(string vendor, int family, int model, int? stepping) =>
            string.Equals(Vendor, vendor, StringComparison.OrdinalIgnoreCase)
            && Family == family
            && Models.Any(r => model >= r.Low && model <= r.High)
            && (Steppings.Count == 0 || (stepping is int s && Steppings.Any(r => s >= r.Low && s <= r.High)));
    }

    public static IReadOnlyList<Row> Table { get; } = Parse(ReadTable());

    /// <summary>The microarchitecture, or null when the vendor is not recorded or no row names this CPU.</summary>
    public static string? Find(string? vendor, int family, int model, int? stepping) =>
        vendor is null ? null : Table.FirstOrDefault(r => r.Matches(vendor, family, model, stepping))?.Name;

    static string ReadTable()
    {
        using var stream = typeof(Microarchitectures).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Parses "vendor | family | models | steppings | name | source" lines; '#' starts a comment line.</summary>
    internal static List<Row> Parse(string text)
    {
        var rows = new List<Row>();
        int number = 0;
        foreach (string raw in text.Split('\n'))
        {
            number++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            string[] cells = [.. line.Split('|').Select(c => c.Trim())];
            if (cells.Length != 6 || cells.Any(c => c.Length == 0))
                throw new FormatException($"cpu-models.txt line {number}: expected 6 non-empty cells separated by '|'");
            rows.Add(new Row(cells[0], Hex(cells[1], number), Ranges(cells[2], number),
                cells[3] == "*" ? [] : Ranges(cells[3], number), cells[4], cells[5]));
        }

        return rows;
    }

    static List<(int Low, int High)> Ranges(string cell, int line) =>
    [
        .. cell.Split(',').Select(part =>
        {
            string[] ends = part.Split('-');
            int low = Hex(ends[0], line), high = Hex(ends[^1], line);
            return ends.Length <= 2 && low <= high ? (low, high) : throw new FormatException($"cpu-models.txt line {line}: bad range '{part.Trim()}'");
        }),
    ];

    static int Hex(string text, int line)
    {
        string digits = text.Trim();
        return digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(digits.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new FormatException($"cpu-models.txt line {line}: '{digits}' is not a 0x-prefixed hex number");
    }
}
