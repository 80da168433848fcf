using HookBench.Emission;
using HookBench.HookSets;
using HookBench.Native;
using Iced.Intel;

namespace HookBench.Measurement;

/// <summary>
/// Counts the instructions a call executes by walking the emitted code with Iced's decoder, from the
/// target's first instruction (the site) until control returns to the target's caller. Calls push their
/// return address on a shadow stack and returns pop it, so the walk follows the code as the CPU does;
/// where the code alone does not say where control goes (a conditional branch, an indirect transfer, a
/// return through a rewritten slot), the build's <see cref="PathFacts"/> say, and a transfer nobody
/// described is an error rather than a guess.
/// </summary>
public static class ExecutedPath
{
    const int Runaway = 100_000;

    /// <summary>The path of one call with the site as it is now (attached or not).</summary>
    public static PathWalk Walk(HookSet set) => Walk(set.Arena, set.Target.Address, set.PathFacts);

    /// <param name="visit">Called with every instruction as it is executed (hook-code footprints are counted this way).</param>
    /// <param name="limit">Instructions after which the walk is a runaway; a pass over thousands of hooked functions needs more than one call's default.</param>
    public static PathWalk Walk(CodeArena arena, ulong entry, PathFacts facts, Action<Instruction>? visit = null, int limit = Runaway)
    {
        var cursor = facts.Walk();
        var returns = new Stack<ulong>();
        var decoded = new Dictionary<ulong, Instruction>();
        int count = 0;
        ulong pc = entry;
        while (count < limit)
        {
            if (cursor.NotStaticAt(pc) is string reason)
                return new PathWalk(count, reason);
            if (!decoded.TryGetValue(pc, out Instruction instruction))
                decoded[pc] = instruction = DecodeAt(arena, pc);
            count++;
            visit?.Invoke(instruction);
            switch (instruction.FlowControl)
            {
                case FlowControl.Next:
                    pc = instruction.NextIP;
                    break;
                case FlowControl.Call:
                    returns.Push(instruction.NextIP);
                    pc = instruction.NearBranch64;
                    break;
                case FlowControl.IndirectCall:
                    returns.Push(instruction.NextIP);
                    pc = Transfer(cursor, pc, instruction);
                    break;
                case FlowControl.UnconditionalBranch:
                    pc = instruction.NearBranch64;
                    break;
                case FlowControl.IndirectBranch:
                    pc = Transfer(cursor, pc, instruction);
                    break;
                case FlowControl.ConditionalBranch:
                    pc = cursor.Taken(pc) ? instruction.NearBranch64 : instruction.NextIP;
                    break;
                case FlowControl.Return:
                    if (cursor.TryTransfer(pc, out ulong rewritten))
                    {
                        returns.TryPop(out _);
                        if (rewritten != PathFacts.ReturnToCaller)
                            pc = rewritten;
                        else if (!returns.TryPop(out pc))      // past the target: to whoever called it, if the walk began above it
                            return new PathWalk(count, null);
                    }
                    else if (!returns.TryPop(out pc))
                    {
                        return new PathWalk(count, null);
                    }

                    break;
                default:
                    throw new InvalidOperationException($"unexpected {instruction} at 0x{pc:X}: no path fact says where it goes");
            }
        }

        throw new InvalidOperationException($"runaway walk from 0x{entry:X}: more than {limit} instructions");
    }

    static ulong Transfer(PathFacts.Cursor cursor, ulong pc, in Instruction instruction) =>
        cursor.TryTransfer(pc, out ulong destination) && destination != PathFacts.ReturnToCaller
            ? destination
            : throw new InvalidOperationException($"indirect {instruction} at 0x{pc:X}: no path fact names its destination");

    static Instruction DecodeAt(CodeArena arena, ulong address)
    {
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(arena.Read(address, 15)));
        decoder.IP = address;
        decoder.Decode(out Instruction instruction);
        return instruction;
    }
}
