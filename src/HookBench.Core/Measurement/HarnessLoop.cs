using HookBench.Emission;
using HookBench.Native;
using Iced.Intel;

namespace HookBench.Measurement;

/// <summary>
/// Reads a timing loop's body back from its emitted bytes, whichever harness made it: the instructions
/// from the target of its last backward conditional branch up to that branch. Every instruction there
/// runs once per iteration (the loops are branch-free inside), so the caller's own instructions per call
/// are the body's count over the calls it makes.
/// </summary>
public static class HarnessLoop
{
    /// <summary>Instructions the caller runs per call, the <c>call</c> and the loop's counter and branch included.</summary>
    public static double CallerInstructionsPerCall(CodeArena arena, EmittedBlob harness)
    {
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(arena.Read(harness.Address, harness.Length)));
        decoder.IP = harness.Address;
        var instructions = new List<Instruction>();
        while (decoder.IP < harness.End)
        {
            decoder.Decode(out Instruction instruction);
            instructions.Add(instruction);
        }

        int end = instructions.FindLastIndex(i => i.FlowControl == FlowControl.ConditionalBranch && i.NearBranch64 < i.IP);
        if (end < 0)
            throw new InvalidOperationException($"{harness.Name} has no loop branch");
        int start = instructions.FindIndex(i => i.IP == instructions[end].NearBranch64);
        var body = instructions.Skip(start).Take(end - start + 1).ToList();
        int calls = body.Count(i => i.FlowControl is FlowControl.Call or FlowControl.IndirectCall);
        return calls == 0
            ? throw new InvalidOperationException($"{harness.Name}'s loop makes no call")
            : body.Count / (double)calls;
    }
}
