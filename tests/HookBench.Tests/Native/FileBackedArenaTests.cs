using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Native;
using HookBench.Sites;
using HookBench.Strategies;
using HookBench.Targets;
using Xunit;

namespace HookBench.Tests.Native;

public class FileBackedArenaTests
{
    static byte[] FileBytes(CodeArena arena, ulong offset, int length)
    {
        using var file = File.OpenHandle(arena.CodeFilePath);
        var bytes = new byte[length];
        Assert.Equal(length, RandomAccess.Read(file, bytes, (long)offset));
        return bytes;
    }

    [Fact]
    public void The_path_and_offset_name_the_bytes_threads_execute()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var set = HookSetBuilder.Build(
            new HookSetOptions(StrategyCatalog.Direct, HandlerKind.Counter, 2, CallingConvention.SysV) { Backing = ArenaBacking.File });
        var arena = set.Arena;
        Assert.Equal(ArenaBacking.File, arena.Backing);
        Assert.Equal($"/proc/{Environment.ProcessId}/fd/{arena.CodeFileDescriptor}", arena.CodeFilePath);
        Assert.StartsWith("/memfd:hookbench-code", new FileInfo(arena.CodeFilePath).LinkTarget);
        foreach (var blob in set.Blobs)
            Assert.Equal(arena.Read(blob.Address, blob.Length), FileBytes(arena, arena.CodeFileOffset(blob.Address), blob.Length));

        set.Attach();
        Assert.Equal([.. set.Patcher.CurrentBytes], FileBytes(arena, arena.CodeFileOffset(set.Target.Address), Rel32Site.FentryCall.Length));
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.CodeFileOffset(arena.DataBase));
    }

    [Fact]
    public void An_atomic_patch_is_one_aligned_8_byte_word_in_a_file_backed_arena()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var arena = CodeArena.Create(backing: ArenaBacking.File);
        arena.WriteCode(arena.CodeBase, [0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0xC3]);
        Assert.Throws<InvalidOperationException>(() => arena.PatchAtomic(arena.CodeBase, [0xCC]));   // not sealed
        arena.Seal();

        arena.PatchAtomic(arena.CodeBase + 3, [0x0F, 0x1F, 0x44, 0x00, 0x00]);
        Assert.Equal(new byte[] { 0x90, 0x90, 0x90, 0x0F, 0x1F, 0x44, 0x00, 0x00, 0xC3 }, arena.Read(arena.CodeBase, 9));
        Assert.Throws<ArgumentException>(() => arena.PatchAtomic(arena.CodeBase + 4, [0x0F, 0x1F, 0x44, 0x00, 0x00]));
        Assert.Equal(0x0F, arena.Read(arena.CodeBase + 3, 1)[0]);
        arena.Invoke(arena.CodeBase);

        Assert.True(CodeArena.FitsOneAtomicStore(0x1000, 8));
        Assert.True(CodeArena.FitsOneAtomicStore(0x1003, 5));
        Assert.False(CodeArena.FitsOneAtomicStore(0x1004, 5));
        Assert.False(CodeArena.FitsOneAtomicStore(0x1000, 9));
        Assert.False(CodeArena.FitsOneAtomicStore(0x1000, 0));
    }

    [Fact]
    public void An_anonymous_arena_has_no_file_and_no_atomic_patch()
    {
        using var set = HookSetBuilder.Build(new HookSetOptions(StrategyCatalog.MinRegs, HandlerKind.Empty, 1, CallingConvention.SysV));
        Assert.Equal(ArenaBacking.Anonymous, set.Arena.Backing);
        Assert.False(set.Patcher.PatchesAtomically);
        Assert.Throws<InvalidOperationException>(() => set.Arena.CodeFilePath);
        Assert.Throws<InvalidOperationException>(() => set.Arena.PatchAtomic(set.Target.Address, [.. Rel32Site.Nop5]));
    }
}
