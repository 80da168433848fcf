namespace HookBench.Native;

/// <summary>What a range of arena pages allows. Never both writable and executable (W^X).</summary>
public enum PageProtection
{
    ReadWrite,
    ReadExecute,
}

/// <summary>Reported after every protection change, so tests can check W^X while the arena is in use.</summary>
public readonly record struct ProtectionChange(ulong Address, ulong Length, PageProtection Protection);
