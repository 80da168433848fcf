namespace HookBench;

/// <summary>
/// The valid name a mistyped one was most likely meant to be: a case variant, a prefix, or a small edit
/// distance (1 for names up to 3 characters, 2 up to 7, 3 beyond), so that "runn", "RUN", "comp" and
/// "--strategy" (for --strategies) suggest a name while "x" suggests nothing.
/// </summary>
public static class NearMatch
{
    public static string? Suggest(string typed, IEnumerable<string> valid)
    {
        if (string.IsNullOrWhiteSpace(typed))
            return null;
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in valid)
        {
            if (candidate.Equals(typed, StringComparison.OrdinalIgnoreCase))
                return candidate;
            int distance = typed.Length >= 3 && candidate.StartsWith(typed, StringComparison.OrdinalIgnoreCase)
                ? 1
                : Distance(typed.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
                (best, bestDistance) = (candidate, distance);
        }

        int allowed = typed.Length switch { <= 3 => 1, <= 7 => 2, _ => 3 };
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }

        return d[a.Length, b.Length];
    }
}
