using HookBench.Abi;
using HookBench.Emission;
using HookBench.HookSets;
using HookBench.Native;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Measurement;

/// <summary>
/// How deep one call to a hook set's target reaches into the stack: the call runs once on a private stack
/// (data pages, never executable) filled with a pattern, and the lowest byte that no longer holds the pattern
/// marks the deepest write. The figure counts from the caller's RSP at the <c>call</c>, so it includes the
/// return address, every frame below it and any red-zone use. Deterministic for a given code path, so the
/// regression gate compares it exactly.
/// </summary>
public static class StackProbe
{
    const int StackBytes = 16 * CodeArena.PageSize;
    const ulong Pattern = 0xA5A5_A5A5_A5A5_A5A5;

    public static int Measure(HookSet set)
    {
        var host = CallingConvention.Host;
        var abi = set.Options.Abi;
        int n = set.Options.ArgCount;
        int stackArgs = abi.StackArgumentCount(n);
        int outgoing = (abi.ShadowSpaceBytes + 8 * stackArgs + 15) & ~15;
        using var arena = CodeArena.Create(CodeArena.PageSize, StackBytes);
        var image = new CodeImage(arena);
        var probe = image.Emit("stack-probe", BlobKind.Harness, asm =>
        {
            foreach (Register saved in host.CalleeSaved)
                asm.push(saved.R64());
            asm.mov(rbx, rsp);
            asm.mov(rsp, host.ArgumentRegisters[0].R64());
            if (outgoing > 0)
                asm.sub(rsp, outgoing);
            for (int k = 0; k < stackArgs; k++)
            {
                asm.mov(rax, TimingHarness.ArgumentValue(abi.ArgumentRegisters.Count + k));
                asm.mov(__qword_ptr[rsp + abi.ShadowSpaceBytes + 8 * k], rax);
            }

            for (int i = 0; i < Math.Min(n, abi.ArgumentRegisters.Count); i++)
                asm.MovSignExtended(abi.ArgumentRegisters[i], (int)TimingHarness.ArgumentValue(i));
            asm.mov(rax, set.Target.Address);
            asm.call(rax);
            asm.mov(rsp, rbx);
            foreach (Register saved in host.CalleeSaved.Reverse())
                asm.pop(saved.R64());
            asm.ret();
        });
        arena.Seal();

        for (ulong a = arena.DataBase; a < arena.DataBase + arena.DataLength; a += 8)
            arena.WriteUInt64(a, Pattern);
        ulong top = arena.DataBase + arena.DataLength;
        arena.Invoke(probe.Address, top);

        ulong lowest = top - (ulong)outgoing;
        for (ulong a = arena.DataBase; a < lowest; a += 8)
        {
            if (arena.ReadUInt64(a) != Pattern)
            {
                lowest = a;
                break;
            }
        }

        if (lowest == arena.DataBase)
            throw new InvalidOperationException($"the call to {set.Target.Name} used all {StackBytes} bytes of the probe's stack");
        return (int)(top - (ulong)outgoing - lowest);
    }
}
