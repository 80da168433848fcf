using HookBench.Emission;
using HookBench.Native;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Machine;

/// <summary>Executes CPUID through a few emitted instructions (the same on every OS).</summary>
public static class Cpuid
{
    /// <summary>EAX, EBX, ECX, EDX for <paramref name="leaf"/> (sub-leaf 0).</summary>
    public static (uint Eax, uint Ebx, uint Ecx, uint Edx) Query(uint leaf)
    {
        using var arena = CodeArena.Create(CodeArena.PageSize, CodeArena.PageSize);
        var image = new CodeImage(arena);
        var input = image.Data.Allocate("cpuid.leaf");
        var output = image.Data.Allocate("cpuid.out", 4);
        var blob = image.Emit("cpuid", BlobKind.Harness, asm =>
        {
            asm.push(rbx);                        // cpuid writes rbx, callee-saved in every convention
            asm.LoadRip(Iced.Intel.Register.RAX, input.Address);
            asm.xor(ecx, ecx);
            asm.cpuid();
            asm.StoreRip(output[0], Iced.Intel.Register.RAX);
            asm.StoreRip(output[1], Iced.Intel.Register.RBX);
            asm.StoreRip(output[2], Iced.Intel.Register.RCX);
            asm.StoreRip(output[3], Iced.Intel.Register.RDX);
            asm.pop(rbx);
            asm.ret();
        });
        arena.Seal();
        arena.WriteUInt64(input.Address, leaf);
        arena.Invoke(blob.Address);
        return ((uint)arena.ReadUInt64(output[0]), (uint)arena.ReadUInt64(output[1]),
            (uint)arena.ReadUInt64(output[2]), (uint)arena.ReadUInt64(output[3]));
    }
}
