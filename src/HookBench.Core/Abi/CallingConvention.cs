using Iced.Intel;

namespace HookBench.Abi;

/// <summary>
/// A calling convention as data. Emission reads registers from here; no emitter names an argument,
/// callee-saved or scratch register itself.
/// </summary>
public sealed record CallingConvention
{
    /// <summary>The name used on the command line: <c>sysv</c> or <c>win64</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Integer argument registers in order.</summary>
    public required IReadOnlyList<Register> ArgumentRegisters { get; init; }

    /// <summary>Registers a callee must preserve (RSP is implied and not listed).</summary>
    public required IReadOnlyList<Register> CalleeSaved { get; init; }

    /// <summary>Volatile registers that carry no argument: free for a trampoline or handler to use.</summary>
    public required IReadOnlyList<Register> Scratch { get; init; }

    /// <summary>Space the caller reserves above the return address for the callee (Microsoft x64: 32 bytes).</summary>
    public required int ShadowSpaceBytes { get; init; }

    /// <summary>Bytes below RSP a leaf may use without moving RSP (System V: 128).</summary>
    public required int RedZoneBytes { get; init; }

    /// <summary>RSP alignment required at a call instruction.</summary>
    public int StackAlignment { get; init; } = 16;

    public Register ReturnRegister { get; init; } = Register.RAX;

    /// <summary>
    /// A register that carries a hidden argument on entry: System V's AL holds the number of vector
    /// registers used by a variadic call. None under Microsoft x64.
    /// </summary>
    public Register HiddenArgumentRegister { get; init; } = Register.None;

    /// <summary>RSP modulo 16 at a function's first instruction when the caller obeyed <see cref="StackAlignment"/>.</summary>
    public const int EntryRspMod16 = 8;

    /// <summary>All sixteen general-purpose registers, in encoding order.</summary>
    public static IReadOnlyList<Register> GeneralPurposeRegisters { get; } =
    [
        Register.RAX, Register.RCX, Register.RDX, Register.RBX, Register.RSP, Register.RBP, Register.RSI, Register.RDI,
        Register.R8, Register.R9, Register.R10, Register.R11, Register.R12, Register.R13, Register.R14, Register.R15,
    ];

    public IEnumerable<Register> Volatile =>
        GeneralPurposeRegisters.Where(r => r != Register.RSP && !CalleeSaved.Contains(r));

    public ArgumentLocation Argument(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (index < ArgumentRegisters.Count)
            return ArgumentLocation.InReg(ArgumentRegisters[index]);
        return ArgumentLocation.OnStack(8 + ShadowSpaceBytes + 8 * (index - ArgumentRegisters.Count));
    }

    public int StackArgumentCount(int argumentCount) => Math.Max(0, argumentCount - ArgumentRegisters.Count);

    /// <summary>System V AMD64 (Linux, macOS): six register arguments, 128-byte red zone.</summary>
    public static CallingConvention SysV { get; } = new()
    {
        Name = "sysv",
        ArgumentRegisters = [Register.RDI, Register.RSI, Register.RDX, Register.RCX, Register.R8, Register.R9],
        CalleeSaved = [Register.RBX, Register.RBP, Register.R12, Register.R13, Register.R14, Register.R15],
        Scratch = [Register.R11, Register.R10],
        ShadowSpaceBytes = 0,
        RedZoneBytes = 128,
        HiddenArgumentRegister = Register.RAX,
    };

    /// <summary>Microsoft x64 (Windows): four register arguments, 32-byte shadow space, RSI/RDI callee-saved.</summary>
    public static CallingConvention Win64 { get; } = new()
    {
        Name = "win64",
        ArgumentRegisters = [Register.RCX, Register.RDX, Register.R8, Register.R9],
        CalleeSaved = [Register.RBX, Register.RBP, Register.RDI, Register.RSI, Register.R12, Register.R13, Register.R14, Register.R15],
        Scratch = [Register.R11, Register.R10],
        ShadowSpaceBytes = 32,
        RedZoneBytes = 0,
    };

    public static IReadOnlyList<CallingConvention> All { get; } = [SysV, Win64];

    /// <summary>The convention native code of this process follows.</summary>
    public static CallingConvention Host => OperatingSystem.IsWindows() ? Win64 : SysV;

    public static CallingConvention Parse(string name) => NamedValues.Parse(name, All, c => c.Name, "ABI");

    public override string ToString() => Name;
}
