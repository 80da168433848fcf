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
/// return through a rewritten slot, a return address dropped or overwritten on the way), the build's
/// <see cref="PathFacts"/> say, and a transfer nobody described is an error rather than a guess. It also
/// counts the calls and returns, which push and pop the CPU's return-stack buffer, so the call-depth
/// accounting a profile adds can be checked against them.
/// </summary>
public static class ExecutedPath
{
    const int Runaway = 100_000;

    /// <summary>The path of one call with the site as it is now (attached or not), from where callers call the target.</summary>
    public static PathWalk Walk(HookSet set) => Walk(set.Arena, set.EntryPoint, set.PathFacts);

    /// <param name="visit">Called with every instruction as it is executed (hook-code footprints are counted this way).</param>
    /// <param name="limit">Instructions after which the walk is a runaway; a pass over thousands of hooked functions needs more than one call's default.</param>
    public static PathWalk Walk(CodeArena arena, ulong entry, PathFacts facts, Action<Instruction>? visit = null, int limit = Runaway)
    {
        var cursor = facts.Walk();
        var returns = new Stack<ulong>();
        var decoded = new Dictionary<ulong, Instruction>();
        int count = 0, calls = 0, rets = 0, steps = 0;
        string? notStatic = null;
        ulong pc = entry;
        PathWalk Done() => new(count, notStatic) { Calls = calls, Returns = rets };
        while (steps++ < limit)
        {
            if (!decoded.TryGetValue(pc, out Instruction instruction))
                decoded[pc] = instruction = DecodeAt(arena, pc);
            if (cursor.NotStaticAt(pc) is var (reason, resumesAfter))
            {
                notStatic ??= reason;
                if (!resumesAfter)
                    return Done();
                // The kernel takes this instruction over; user space goes on after it.
                pc = instruction.NextIP;
                continue;
            }

            count++;
            visit?.Invoke(instruction);
            for (int drop = cursor.DroppedAt(pc); drop > 0; drop--)
            {
                if (!returns.TryPop(out _))
                    throw new InvalidOperationException($"{instruction} at 0x{pc:X} drops a return address the walk never saw pushed");
            }

            if (cursor.TryReturnSlot(pc, out ulong slot))
            {
                if (!returns.TryPop(out _))
                    throw new InvalidOperationException($"{instruction} at 0x{pc:X} overwrites a return address the walk never saw pushed");
                returns.Push(slot);
            }

            switch (instruction.FlowControl)
            {
                case FlowControl.Next:
                    pc = instruction.NextIP;
                    break;
                case FlowControl.Call:
                    calls++;
                    returns.Push(instruction.NextIP);
                    pc = instruction.NearBranch64;
                    break;
                case FlowControl.IndirectCall:
                    calls++;
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
                    rets++;
                    if (cursor.TryTransfer(pc, out ulong rewritten))
                    {
                        returns.TryPop(out _);
                        if (rewritten != PathFacts.ReturnToCaller)
                            pc = rewritten;
                        else if (!returns.TryPop(out pc))      // past the target: to whoever called it, if the walk began above it
                            return Finished(cursor, Done());
                    }
                    else if (!returns.TryPop(out pc))
                    {
                        return Finished(cursor, Done());
                    }

                    break;
                default:
                    throw new InvalidOperationException($"unexpected {instruction} at 0x{pc:X}: no path fact says where it goes");
            }
        }

        throw new InvalidOperationException($"runaway walk from 0x{entry:X}: more than {limit} instructions");
    }

    /// <summary>The walk of one call, once every fact it used is used up (a loop ran as often as described).</summary>
    static PathWalk Finished(PathFacts.Cursor cursor, PathWalk walk)
    {
        string? unfinished = cursor.Unfinished().FirstOrDefault();
        return unfinished is null
            ? walk
            : throw new InvalidOperationException($"the call returned before its path facts ran out: {unfinished}");
    }

    static ulong Transfer(PathFacts.Cursor cursor, ulong pc, in Instruction instruction) =>
        cursor.TryTransfer(pc, out ulong destination) && destination != PathFacts.ReturnToCaller
            ? destination
            : throw new InvalidOperationException($"indirect {instruction} at 0x{pc:X}: no path fact names its destination");

    /// <summary>
    /// Decodes the code as written (<see cref="CodeArena.ReadAsWritten"/>): where the kernel has put a uprobe, the
    /// execute view holds its int3 or call, and the walk must see the instruction the kernel takes over.
    /// </summary>
    static Instruction DecodeAt(CodeArena arena, ulong address)
    {
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(arena.ReadAsWritten(address, 15)));
        decoder.IP = address;
        decoder.Decode(out Instruction instruction);
        return instruction;
    }
}
