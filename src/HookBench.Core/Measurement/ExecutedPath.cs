using HookBench.HookSets;
using HookBench.Strategies;
using HookBench.Targets;
using HookBench.Trampolines;
using Iced.Intel;

namespace HookBench.Measurement;

/// <summary>
/// Counts the instructions a call executes by walking the emitted code with Iced's decoder: from the
/// target's first instruction (the site) to the return to the caller, following every <c>call</c>.
/// All emitted hook code is branch-free, so the walk is exact; a jump would be reported, not guessed.
/// </summary>
public static class ExecutedPath
{
    /// <summary>Instructions per call with the site as it is now (attached or not).</summary>
    public static int Count(HookSet set)
    {
        ulong site = set.Target.Address;
        Instruction first = DecodeAt(set, site);
        if (first.Mnemonic != Mnemonic.Call)
            return Run(set, site);

        // The site calls the hook path; where execution goes after it returns depends on the strategy.
        int count = 1 + Run(set, first.NearBranch64);
        var strategy = set.Options.Strategy;
        if (strategy.Redirects)
            count += Run(set, set.Replacement!.Address);           // regs->ip was set to the replacement
        else if (strategy.Trampoline?.Has(TrampolineFlags.SkipFrame) != true)
            count += Run(set, site + TargetEmitter.SiteLength);     // back into the body after the site
        return count;
    }

    /// <summary>Runs from <paramref name="entry"/> to its <c>ret</c>, descending into calls.</summary>
    static int Run(HookSet set, ulong entry)
    {
        int count = 0;
        ulong pc = entry;
        while (true)
        {
            Instruction instruction = DecodeAt(set, pc);
            count++;
            switch (instruction.FlowControl)
            {
                case FlowControl.Next:
                    pc = instruction.NextIP;
                    break;
                case FlowControl.Call:
                    count += Run(set, instruction.NearBranch64);
                    pc = instruction.NextIP;
                    break;
                case FlowControl.Return:
                    return count;
                default:
                    throw new InvalidOperationException($"unexpected {instruction} at 0x{pc:X}: emitted hook code is branch-free");
            }

            if (count > 10_000)
                throw new InvalidOperationException("runaway walk");
        }
    }

    static Instruction DecodeAt(HookSet set, ulong address)
    {
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(set.Arena.Read(address, 15)));
        decoder.IP = address;
        decoder.Decode(out Instruction instruction);
        return instruction;
    }
}
