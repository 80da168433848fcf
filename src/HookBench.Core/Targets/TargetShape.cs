namespace HookBench.Targets;

/// <summary>How a traced function is laid out around its body.</summary>
public enum TargetShape
{
    /// <summary>The site, then the body: what a kernel function built without frame pointers looks like (ORC).</summary>
    Plain,

    /// <summary>
    /// The site, then a frame-pointer prologue and a RIP-relative load of the seed, the way a C compiler
    /// with -fno-omit-frame-pointer starts a function that reads a constant:
    /// <c>push rbp; mov rbp, rsp; lea r10, [rip+seed]</c>. It gives kernel probes an instruction the
    /// kernel emulates (the push) and one it must single-step (the lea).
    /// </summary>
    FramePointer,
}
