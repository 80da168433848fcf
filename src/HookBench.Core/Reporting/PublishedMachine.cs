using System.Text;
using HookBench.Results;

namespace HookBench.Reporting;

/// <summary>One machine's published run: its slug (the folder name under results/) and summary.</summary>
public sealed record PublishedMachine(string Slug, RunSummary Summary)
{
    /// <summary>A folder name for a machine: CPU, hypervisor (or "metal") and logical CPU count, e.g. amd-epyc-kvm-2cpu.</summary>
    public static string SlugFor(RunEnvironment environment) => SlugFor(environment.Cpu, environment.Hypervisor, environment.LogicalCpus);

    /// <summary>The slug from its parts, so publish can check the machine folder before it measures.</summary>
    public static string SlugFor(string cpu, string? hypervisor, int? logicalCpus)
    {
        var slug = new StringBuilder();
        foreach (char c in $"{cpu} {hypervisor ?? "metal"}".ToLowerInvariant())
            slug.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        string text = slug.ToString();
        while (text.Contains("--", StringComparison.Ordinal))
            text = text.Replace("--", "-", StringComparison.Ordinal);
        text = text.Trim('-');
        if (text.Length == 0)
            text = "unknown-cpu";
        if (text.Length > 100)
            text = text[..100].TrimEnd('-');
        return logicalCpus is int n and > 0 ? $"{text}-{n}cpu" : text;
    }

    /// <summary>Loads summary.json from each folder; two folders from one machine are refused.</summary>
    public static IReadOnlyList<PublishedMachine> Load(IEnumerable<string> folders)
    {
        var machines = new List<PublishedMachine>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string folder in folders)
        {
            var summary = SummaryLoader.Load(folder, ForeignCellPolicy.Refuse, "report");
            string slug = SlugFor(summary.Environment);
            if (seen.TryGetValue(slug, out string? other))
                throw new UsageException($"{other} and {folder} are both from machine {slug}; pass one result per machine");
            seen[slug] = folder;
            machines.Add(new PublishedMachine(slug, summary));
        }

        if (machines.Count == 0)
            throw new UsageException("give at least one result folder");
        return machines;
    }
}
