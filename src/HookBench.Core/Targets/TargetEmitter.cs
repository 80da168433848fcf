using HookBench.Abi;
using HookBench.Emission;
using HookBench.Mitigations;
using HookBench.Sites;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Targets;

/// <summary>
/// The traced functions. Each starts with its patchable site in its original form (for the fentry sites,
/// the NOP that boot-time ftrace leaves at every <c>__fentry__</c> call; see <see cref="SiteKind"/>), then
/// mixes all of its arguments so that any corrupted argument changes the result:
/// <code>x = seed; for each argument a: x = x * K xor a; return x</code>
/// </summary>
public static class TargetEmitter
{
    /// <summary>Odd, so multiplication is a bijection modulo 2^64; fits imul's sign-extended imm32.</summary>
    public const ulong MixMultiplier = 0x2545F491;

    /// <summary>Seed of the function a test or benchmark hooks.</summary>
    public const ulong TargetSeed = 0x243F6A8885A308D3;

    /// <summary>Seed of the livepatch replacement that ipmodify strategies redirect to (a different result).</summary>
    public const ulong ReplacementSeed = 0x13198A2E03707344;

    /// <summary>What the emitted target returns, computed in managed code.</summary>
    public static ulong Reference(ulong seed, IReadOnlyList<ulong> arguments)
    {
        ulong x = seed;
        foreach (ulong a in arguments)
            x = unchecked(x * MixMultiplier) ^ a;
        return x;
    }

    /// <summary>
    /// Emits one traced function compiled with <paramref name="thunks"/>' profile and returns where it starts
    /// and where its site is:
    /// <code>
    ///  [sarq $5, depth]     call-depth accounting: the call thunk callthunks.c writes into the function's
    ///                       padding, where callers' calls land, falling through into the function
    ///  function: [endbr64]  X86_KERNEL_IBT
    ///  site:     nop5       the fentry site, right after ENDBR (FTRACE_MCOUNT_MAX_OFFSET = ENDBR_INSN_SIZE)
    ///            body ...   ret, or jmp x86_return_thunk
    /// </code>
    /// </summary>
    /// <param name="bodyCounterAtFirstArgument">
    /// When set, the body increments the qword at this offset from argument 0 (a per-thread counter block,
    /// HookSets.ThreadCounters), so a caller can check that each of its calls ran the body exactly once.
    /// </param>
    public static (Label Function, Label Site) Emit(
        Assembler asm, SiteKind site, CallingConvention abi, int argCount, ulong seed, WitnessSlots? witness, ThunkSet thunks,
        int? bodyCounterAtFirstArgument = null)
    {
        thunks.EmitCallAccounting(asm);
        var function = asm.CreateLabel("function");
        asm.Label(ref function);
        var siteLabel = function;
        if (thunks.Profile.Endbr)
        {
            thunks.EmitEndbr(asm);
            siteLabel = asm.CreateLabel("site");
            asm.Label(ref siteLabel);
        }

        asm.db([.. site.Original]);
        if (witness is not null)
            EmitWitness(asm, abi, argCount, witness);
        if (bodyCounterAtFirstArgument is int offset)
            asm.inc(__qword_ptr[abi.Argument(0).Register.R64() + offset]);

        asm.mov(rax, seed);
        for (int i = 0; i < argCount; i++)
        {
            asm.imul(rax, rax, (int)MixMultiplier);
            ArgumentLocation location = abi.Argument(i);
            if (location.InRegister)
                asm.xor(rax, location.Register.R64());
            else
                asm.xor(rax, __qword_ptr[rsp + location.EntryStackOffset]);
        }

        thunks.EmitReturn(asm);
        return (function, siteLabel);
    }

    /// <summary>
    /// Records the entry state before anything changes it: EFLAGS first (pushfq/pop leave RSP as it
    /// was), then RSP, then the registers. Only validation builds carry it.
    /// </summary>
    static void EmitWitness(Assembler asm, CallingConvention abi, int argCount, WitnessSlots witness)
    {
        asm.pushfq();
        asm.PopRip(witness.Flags.Address);
        asm.StoreRip(witness.Rsp.Address, Register.RSP);
        asm.IncRip(witness.Hits.Address);
        if (abi.HiddenArgumentRegister != Register.None)
            asm.StoreRip(witness.HiddenArgument.Address, abi.HiddenArgumentRegister);
        Register scratch = abi.Scratch[0];
        for (int i = 0; i < argCount; i++)
        {
            ArgumentLocation location = abi.Argument(i);
            if (location.InRegister)
            {
                asm.StoreRip(witness.Arguments[i], location.Register);
            }
            else
            {
                asm.mov(scratch.R64(), __qword_ptr[rsp + location.EntryStackOffset]);
                asm.StoreRip(witness.Arguments[i], scratch);
            }
        }
    }
}
