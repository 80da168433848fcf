namespace HookBench.Uprobes;

/// <summary>
/// What a kernel-probe strategy puts on the target: a uprobe or uretprobe, on which instruction, and what
/// the kernel does on each hit, in a few words (listings and summaries quote it).
/// </summary>
public sealed record KernelProbeSpec(ProbeKind Kind, ProbedInstruction Instruction, string KernelPath)
{
    /// <summary>"uprobe" or "uretprobe", as perf names the events.</summary>
    public string EventName => Kind == ProbeKind.Return ? "uretprobe" : "uprobe";

    /// <summary>
    /// Whether the kernel may rewrite the probed instruction into a call after the first hit (a probe on the
    /// nop5, uretprobes included: their entry half is an ordinary uprobe), so the arena's room for the
    /// <c>[uprobes-trampoline]</c> page must be free before that hit.
    /// </summary>
    public bool MayOptimize => Instruction == ProbedInstruction.Site;

    /// <summary>The probed instruction as the target emits it.</summary>
    public string InstructionText => Instruction switch
    {
        ProbedInstruction.Site => "nop5 (0F 1F 44 00 00) at the site",
        ProbedInstruction.FramePush => "push rbp",
        ProbedInstruction.BodyLea => "lea r10, [rip+seed]",
        _ => Instruction.ToString(),
    };
}
