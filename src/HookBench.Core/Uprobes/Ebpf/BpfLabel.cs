namespace HookBench.Uprobes.Ebpf;

/// <summary>A jump target in a <see cref="BpfAssembler"/>, bound to a slot with <see cref="BpfAssembler.Bind"/>.</summary>
public readonly record struct BpfLabel(int Id);
