using Iced.Intel;

namespace HookBench.Emission;

/// <summary>
/// What a builder knows about one control transfer that the decoder alone cannot resolve, pinned to the
/// instruction by an assembler label: the outcomes of a conditional branch in the order it executes (a
/// loop with a known trip count, a filter that matches or not), the destinations of an indirect call,
/// jump or return, or a step that leaves user space.
/// </summary>
public abstract record PathFact(Label At);

/// <summary>A conditional branch's outcomes per call, in execution order (true = taken).</summary>
public sealed record BranchFact(Label At, IReadOnlyList<bool> Taken) : PathFact(At);

/// <summary>
/// Where an indirect call or jump, or a <c>ret</c> whose return address the code rewrote, goes each time it
/// runs; <see cref="PathFacts.ReturnToCaller"/> means the hooked call returns to whoever called the target.
/// </summary>
public sealed record TransferFact(Label At, IReadOnlyList<ulong> Destinations) : PathFact(At);

/// <summary>An instruction whose continuation is not static (it traps into the kernel).</summary>
public sealed record NotStaticFact(Label At, string Reason) : PathFact(At);

/// <summary>
/// A conditional branch that goes the same way every time it runs, however often a call runs it: a branch
/// inside a thunk that every return of the hook path goes through, such as call_depth_return_thunk's
/// <c>jz</c> to the RSB-stuffing path, which a balanced depth counter never takes.
/// </summary>
public sealed record RepeatingBranchFact(Label At, bool Taken, string Why) : PathFact(At);

/// <summary>
/// An instruction that discards return addresses from the top of the stack without returning (SKIP_FRAME's
/// <c>add rsp, 8</c>, srso_safe_ret's <c>lea rsp, [rsp+8]</c>): the walk drops as many from its shadow stack.
/// </summary>
public sealed record StackDropFact(Label At, int Entries) : PathFact(At);

/// <summary>
/// A store that overwrites the return address on top of the stack (a retpoline's <c>mov [rsp], reg</c>, the
/// ftrace trampoline's regs->ip copy-back): the next return goes to these destinations, in execution order.
/// </summary>
public sealed record ReturnSlotFact(Label At, IReadOnlyList<ulong> Destinations) : PathFact(At);
