using Iced.Intel;

namespace HookBench.Abi;

/// <summary>
/// Where integer argument <c>i</c> lives at a function's entry: in a register, or on the stack at
/// <see cref="EntryStackOffset"/> bytes above the entry RSP (which points at the return address).
/// </summary>
public readonly record struct ArgumentLocation(Register Register, int EntryStackOffset)
{
    public bool InRegister => Register != Register.None;

    public static ArgumentLocation InReg(Register register) => new(register, 0);

    public static ArgumentLocation OnStack(int entryStackOffset) => new(Register.None, entryStackOffset);

    public override string ToString() => InRegister ? Register.ToString().ToLowerInvariant() : $"[rsp+{EntryStackOffset}]";
}
