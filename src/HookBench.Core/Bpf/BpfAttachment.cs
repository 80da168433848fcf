namespace HookBench.Bpf;

/// <summary>
/// What a BPF trampoline calls: its programs in attach order, the bookkeeping around each
/// (<see cref="BpfProfile"/>), and how it finds them (<see cref="MetadataLookup"/>).
/// </summary>
public sealed record BpfAttachment(IReadOnlyList<BpfProgram> Programs, BpfProfile Profile, MetadataLookup Lookup)
{
    /// <summary>The enter/exit functions, when the profile wraps each program.</summary>
    public BpfRuntime? Runtime { get; init; }

    /// <summary>The function's metadata, when the trampoline looks its programs up.</summary>
    public FunctionMetadata? Metadata { get; init; }

    /// <summary>
    /// Bytes from the end of the function's padding to its fentry site: 0 without mitigations; the call-depth
    /// accounting thunk and ENDBR sit between them under a profile (FTRACE_MCOUNT_MAX_OFFSET = ENDBR_INSN_SIZE).
    /// </summary>
    public int SiteAfterPadding { get; init; }

    /// <summary>The runtime, which a wrapping profile requires.</summary>
    public BpfRuntime RequireRuntime() =>
        Runtime ?? throw new InvalidOperationException($"profile {Profile.Name} wraps each program in enter/exit calls; emit the runtime first");

    public FunctionMetadata RequireMetadata() =>
        Metadata ?? throw new InvalidOperationException($"lookup {Lookup.Name()} needs the function's metadata; build it first");
}
