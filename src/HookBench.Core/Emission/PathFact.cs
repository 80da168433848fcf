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
