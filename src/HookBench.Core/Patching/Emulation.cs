using Iced.Intel;

namespace HookBench.Patching;

/// <summary>
/// What the trap handler does for a thread that hits the int3 at <see cref="Site"/> while the site is
/// being rewritten: it runs the instruction being installed instead, as the kernel's int3 handler does
/// (arch/x86/kernel/alternative.c: smp_text_poke_int3_handler, with int3_emulate_call / int3_emulate_jmp
/// from arch/x86/include/asm/text-patching.h). A call pushes the address after the site and goes to its
/// destination, a jmp goes to its destination, and a NOP goes to the next instruction (the kernel
/// emulates NOP5 as "JMP32 + 0", __smp_text_poke_batch_add).
/// </summary>
/// <param name="PushedReturn">The return address a call pushes; 0 when nothing is pushed.</param>
public readonly record struct Emulation(ulong Site, ulong Destination, ulong PushedReturn)
{
    /// <summary>Decodes the instruction that <paramref name="instruction"/> forms at <paramref name="site"/>.</summary>
    public static Emulation Of(ulong site, IReadOnlyList<byte> instruction)
    {
        var decoder = Decoder.Create(64, new ByteArrayCodeReader([.. instruction]));
        decoder.IP = site;
        decoder.Decode(out Instruction decoded);
        if (decoded.IsInvalid || decoded.Length != instruction.Count)
            throw new NotSupportedException($"the bytes {Convert.ToHexString([.. instruction])} at 0x{site:X} are not one instruction");
        ulong next = decoded.NextIP;
        return decoded switch
        {
            { FlowControl: FlowControl.Call, Op0Kind: OpKind.NearBranch64 } => new Emulation(site, decoded.NearBranchTarget, next),
            { FlowControl: FlowControl.UnconditionalBranch, Op0Kind: OpKind.NearBranch64 } => new Emulation(site, decoded.NearBranchTarget, 0),
            { Mnemonic: Mnemonic.Nop } => new Emulation(site, next, 0),
            _ => throw new NotSupportedException(
                $"the int3 patcher emulates a direct call, a direct jmp or a NOP, as the kernel's does; '{decoded}' at 0x{site:X} is none of them"),
        };
    }

    public override string ToString() => PushedReturn != 0
        ? $"0x{Site:X}: call 0x{Destination:X} (push 0x{PushedReturn:X})"
        : $"0x{Site:X}: jmp 0x{Destination:X}";
}
