using Iced.Intel;

namespace HookBench.Emission;

/// <summary>Turns a <see cref="Register"/> taken from calling-convention data into an assembler operand.</summary>
public static class Regs
{
    public static AssemblerRegister64 R64(this Register register) => new(register);
}
