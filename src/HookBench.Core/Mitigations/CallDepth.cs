namespace HookBench.Mitigations;

/// <summary>
/// The call-depth counter of retbleed=stuff (arch/x86/include/asm/nospec-branch.h): not a counter but a
/// 64-bit pattern shifted arithmetically right by 5 on every call (INCREMENT_CALL_DEPTH, <c>sarq $5</c>) and
/// logically left by 5 on every return (call_depth_return_thunk, <c>shlq $5</c>). It starts at
/// RET_DEPTH_INIT (depth 0, set on kernel entry by RESET_CALL_DEPTH); a return that shifts it to zero means
/// the return-stack buffer may have underflowed, and the thunk refills it and credits the counter to -1.
/// </summary>
public static class CallDepth
{
    /// <summary>RET_DEPTH_SHIFT.</summary>
    public const int Shift = 5;

    /// <summary>RET_DEPTH_INIT: the value at depth 0.</summary>
    public const ulong Init = 0x8000_0000_0000_0000;

    /// <summary>RET_DEPTH_CREDIT: what the thunk leaves after refilling the RSB.</summary>
    public const ulong Credit = ulong.MaxValue;

    /// <summary>RSB_RET_STUFF_LOOPS: the calls the thunk makes to refill the return-stack buffer.</summary>
    public const int StuffLoops = 16;

    /// <summary>One call's accounting: <c>sarq $5</c>.</summary>
    public static ulong Call(ulong depth) => (ulong)((long)depth >> Shift);

    /// <summary>One return's accounting, as the thunk's fast path does it: <c>shlq $5</c> (zero means underflow).</summary>
    public static ulong Return(ulong depth) => depth << Shift;

    /// <summary>The counter after <paramref name="net"/> more calls than returns (negative: more returns), from <paramref name="start"/>.</summary>
    public static ulong After(ulong start, int net)
    {
        ulong depth = start;
        for (int i = 0; i < net; i++)
            depth = Call(depth);
        for (int i = 0; i > net; i--)
            depth = Return(depth);
        return depth;
    }
}
