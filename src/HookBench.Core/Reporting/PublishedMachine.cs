using HookBench.Results;

namespace HookBench.Reporting;

/// <summary>One machine's published run: its slug (the folder name under results/) and summary.</summary>
public sealed record PublishedMachine(string Slug, RunSummary Summary)
{
    /// <summary>The machine's folder name, e.g. amd-epyc-zen5-f26m2s1-kvm-2cpu (see <see cref="MachineSlug"/>).</summary>
    public static string SlugFor(RunEnvironment environment) =>
        MachineSlug.For(environment.Cpu, environment.Identity(), environment.Hypervisor, environment.LogicalCpus);

    /// <summary>This machine's slug, so publish can check its folder before it measures.</summary>
    public static string SlugFor(Machine.MachineInfo machine) =>
        MachineSlug.For(machine.Cpu, machine.Identity(), machine.Hypervisor, Environment.ProcessorCount);

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
