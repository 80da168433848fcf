namespace HookBench.Uprobes;

/// <summary>Names of the BPF programs a kernel probe runs: the <c>bpf=</c> axis of a cell key.</summary>
public static class ProbePrograms
{
    public static IReadOnlyList<ProbeProgram> All { get; } = Enum.GetValues<ProbeProgram>();

    public static string Name(this ProbeProgram program) => program.ToString().ToLowerInvariant();

    public static ProbeProgram Parse(string name) => NamedValues.Parse(name, All, Name, "BPF program");

    public static string ValidNames => string.Join(", ", All.Select(Name));
}
