namespace HookBench.HookSets;

/// <summary>
/// One of several callbacks a hook set attaches to the function: a registered ftrace op's <c>op->func</c>
/// or one BPF program. <see cref="Owner"/> is the ops (or bpf_prog) it belongs to, which an ftrace callback
/// receives as its third argument; <see cref="Runs"/> says whether a hooked call must reach it (an op
/// whose filter does not hold the function's ip never runs).
/// </summary>
public sealed record ChainedHandler(int Index, AttachedHandler Handler, ulong Owner, bool Runs);
