namespace HookBench;

/// <summary>Parses a command-line name into one of a fixed set of values, or says which names are valid.</summary>
public static class NamedValues
{
    public static T Parse<T>(string name, IEnumerable<T> values, Func<T, string> nameOf, string what)
    {
        var all = values.ToList();
        foreach (T value in all)
        {
            if (nameOf(value).Equals(name, StringComparison.OrdinalIgnoreCase))
                return value;
        }

        throw new UsageException($"unknown {what} '{name}'; valid: {string.Join(", ", all.Select(nameOf))}");
    }
}
