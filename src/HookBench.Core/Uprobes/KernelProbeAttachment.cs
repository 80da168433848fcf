using HookBench.Uprobes.Ebpf;

namespace HookBench.Uprobes;

/// <summary>
/// A kernel probe on a site with its BPF program and, for the counter program, the map it counts in.
/// Disposing takes the probe off first (the kernel restores the site's bytes), then releases the
/// program and the map.
/// </summary>
public sealed class KernelProbeAttachment : IDisposable
{
    readonly UprobeEvent _probe;
    readonly LoadedBpfProgram? _program;
    readonly BpfArrayMap? _counter;

    internal KernelProbeAttachment(UprobeEvent probe, ProbeProgram program, LoadedBpfProgram? loaded, BpfArrayMap? counter)
    {
        _probe = probe;
        Program = program;
        _program = loaded;
        _counter = counter;
    }

    public UprobeSite Site => _probe.Site;

    public ProbeKind Kind => _probe.Kind;

    public ProbeProgram Program { get; }

    /// <summary>Hits the counter program has counted so far; null for the other programs.</summary>
    public ulong? CountedHits => _counter?.ReadUInt64(BpfPrograms.CounterKey);

    public void Dispose()
    {
        _probe.Dispose();
        _program?.Dispose();
        _counter?.Dispose();
    }
}
