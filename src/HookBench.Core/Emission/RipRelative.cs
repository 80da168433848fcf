using Iced.Intel;

namespace HookBench.Emission;

/// <summary>
/// RIP-relative data accesses for the assembler. Iced's <c>__qword_ptr[ulong]</c> would encode an
/// absolute address (moffs); everything HookBench emits reaches its data slots RIP-relatively instead,
/// as the kernel's <c>mov rdx, [rip + function_trace_op]</c> does.
/// </summary>
public static class RipRelative
{
    public static MemoryOperand At(ulong address) => new(Register.RIP, Register.None, 1, (long)address, 8);

    public static void StoreRip(this Assembler asm, ulong address, Register source) =>
        asm.AddInstruction(Instruction.Create(Code.Mov_rm64_r64, At(address), source));

    public static void LoadRip(this Assembler asm, Register destination, ulong address) =>
        asm.AddInstruction(Instruction.Create(Code.Mov_r64_rm64, destination, At(address)));

    public static void PushRip(this Assembler asm, ulong address) =>
        asm.AddInstruction(Instruction.Create(Code.Push_rm64, At(address)));

    public static void PopRip(this Assembler asm, ulong address) =>
        asm.AddInstruction(Instruction.Create(Code.Pop_rm64, At(address)));

    public static void IncRip(this Assembler asm, ulong address) =>
        asm.AddInstruction(Instruction.Create(Code.Inc_rm64, At(address)));
}

/// <summary>Encodings the assembler does not pick on its own.</summary>
public static class Encodings
{
    /// <summary><c>mov r64, imm32</c> (sign-extended, 7 bytes) where iced would choose the 10-byte movabs.</summary>
    public static void MovSignExtended(this Assembler asm, Register destination, int value) =>
        asm.AddInstruction(Instruction.Create(Code.Mov_rm64_imm32, destination, value));
}
