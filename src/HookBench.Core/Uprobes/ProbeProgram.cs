namespace HookBench.Uprobes;

/// <summary>Which BPF program, if any, runs on each hit of a kernel probe.</summary>
public enum ProbeProgram
{
    /// <summary>No program: the perf event alone (the probe's own cost).</summary>
    None,

    /// <summary><see cref="Bpf.BpfPrograms.Empty"/>: the cost of running a program at all.</summary>
    Empty,

    /// <summary><see cref="Bpf.BpfPrograms.Counter"/>: a map lookup and an atomic add, readable as a hit count.</summary>
    Counter,
}
