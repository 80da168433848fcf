using HookBench.Abi;
using HookBench.Mitigations;
using HookBench.Sites;

namespace HookBench.Trampolines;

/// <summary>The inputs to one trampoline: its shape, the site it serves and the handlers it calls.</summary>
public sealed record TrampolineRequest(
    TrampolineSpec Spec,
    CallingConvention Abi,
    int ArgCount,
    Site Site,
    ulong EntryHandler)
{
    /// <summary>fexit: the handler called after the original body.</summary>
    public ulong? ExitHandler { get; init; }

    /// <summary>The <c>struct ftrace_ops *</c> a per-ops trampoline stores after its ret and passes to the callback.</summary>
    public ulong OpsPointer { get; init; }

    /// <summary>
    /// IpModify: where the handler will point regs->ip (a livepatch replacement), so the executed-path walk
    /// knows where the trampoline's <c>ret</c> goes; null when the handler leaves regs->ip alone.
    /// </summary>
    public ulong? RedirectTarget { get; init; }

    /// <summary>A BPF trampoline's programs, bookkeeping profile and lookup; null for the thread's single directly called program.</summary>
    public Bpf.BpfAttachment? Bpf { get; init; }

    /// <summary>The profile's thunks and depth counter: ENDBR, call-depth accounting and returns follow them.</summary>
    public ThunkSet Thunks { get; init; } = ThunkSet.None;

    /// <summary>fmod_ret: what the program returns, so the walk knows which way <c>jne do_fexit</c> goes.</summary>
    public ulong ModifiedReturn { get; init; }

    internal TrampolineMutation Mutation { get; init; }

    /// <summary>Sensitivity runs only: k dependent 1-cycle instructions on RSP at the trampoline's entry.</summary>
    internal int InjectedLatency { get; init; }
}
