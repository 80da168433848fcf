using HookBench.Abi;

namespace HookBench.Validation;

/// <summary>What the probe loads before calling the target: a canary per register, the arguments and EFLAGS.</summary>
public sealed record ProbeInputs(IReadOnlyList<ulong> Canaries, IReadOnlyList<ulong> Arguments, ulong Flags)
{
    public const ulong CarryFlag = 0x1, ParityFlag = 0x4, AuxiliaryFlag = 0x10, ZeroFlag = 0x40, SignFlag = 0x80, OverflowFlag = 0x800;

    /// <summary>The arithmetic flags a probe sets and checks. TF and DF are never set: the ABI requires DF clear.</summary>
    public const ulong ArithmeticFlags = CarryFlag | ParityFlag | AuxiliaryFlag | ZeroFlag | SignFlag | OverflowFlag;

    /// <summary>Distinct, recognisable values: 0x1111…11 for rax, 0x2222…22 for rcx, and so on.</summary>
    public static ProbeInputs Fixed(int argCount) => new(
        [.. Enumerable.Range(0, 16).Select(i => 0x0101010101010101UL * (ulong)(i + 1) ^ 0x0F00_0000_0000_0000UL)],
        [.. Enumerable.Range(0, argCount).Select(i => 0xA5A5_0000_0000_0000UL | (ulong)(i + 1) * 0x1_0001UL)],
        CarryFlag | ZeroFlag | SignFlag | OverflowFlag);

    /// <summary>Builds inputs from random draws; CF is always set so a cleared-flags clobber is visible.</summary>
    public static ProbeInputs FromRandom(IReadOnlyList<ulong> canaries, IReadOnlyList<ulong> arguments, ulong flagBits) =>
        new(canaries, arguments, CarryFlag | (flagBits & ArithmeticFlags));

    /// <summary>The value each register holds when the probe calls the target.</summary>
    public ulong RegisterValue(Iced.Intel.Register register, CallingConvention abi)
    {
        for (int i = 0; i < Arguments.Count && i < abi.ArgumentRegisters.Count; i++)
        {
            if (abi.ArgumentRegisters[i] == register)
                return Arguments[i];
        }

        return Canaries[ProbeSlots.IndexOf(register)];
    }
}
