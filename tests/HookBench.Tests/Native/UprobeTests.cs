using System.Runtime.InteropServices;
using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Native;
using HookBench.Native.Kernel;
using HookBench.Patching;
using HookBench.Sites;
using HookBench.Strategies;
using HookBench.Targets;
using Xunit;
using CallingConvention = HookBench.Abi.CallingConvention;

namespace HookBench.Tests.Native;

/// <summary>The kernel accepts a uprobe on a file-backed arena's code (perf_event_open, uprobe PMU).</summary>
public class UprobeTests
{
    const int Calls = 1000;
    const ulong Argument = 0x1234_5678_9ABC_DEF0;

    static HookSet Build() => HookSetBuilder.Build(
        new HookSetOptions(StrategyCatalog.MinRegs, HandlerKind.Counter, 1, CallingConvention.SysV) { Backing = ArenaBacking.File });

    /// <summary>Opens the probe, or skips the test with the kernel's reason when this machine refuses perf uprobes.</summary>
    static PerfEvent OpenOrSkip(Func<PerfEvent> open)
    {
        try
        {
            return open();
        }
        catch (PerfEventException e) when (e.IsUnavailableHere)
        {
            throw new SkipException(e.Message);
        }
    }

    [SkippableFact]
    public void A_uprobe_on_the_target_counts_every_call_and_leaves_the_nop_when_removed()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "file-backed arenas and uprobes are Linux-only");
        using var set = Build();
        var arena = set.Arena;
        ulong target = set.Target.Address;
        ulong expected = TargetEmitter.Reference(TargetEmitter.TargetSeed, [Argument]);
        Assert.True(File.Exists(arena.CodeFilePath));   // so ENOENT below can only mean the kernel's refusal

        using (var uprobe = OpenOrSkip(() => PerfEvent.OpenUprobe(arena.CodeFilePath, arena.CodeFileOffset(target))))
        {
            uprobe.Enable();
            for (int i = 0; i < Calls; i++)
                Assert.Equal(expected, arena.Invoke(target, Argument));
            Assert.Equal((ulong)Calls, uprobe.ReadCount());

            // While probed, the site holds the kernel's int3 (or, on 6.18+, its call to the uprobe
            // trampoline) in this process's private copy of the page: the patcher refuses it.
            Assert.NotEqual(Rel32Site.Nop5, set.Patcher.CurrentBytes);
            Assert.Throws<SiteMismatchException>(set.Attach);
            uprobe.Disable();
            arena.Invoke(target, Argument);
            Assert.Equal((ulong)Calls, uprobe.ReadCount());
        }

        Assert.Equal(Rel32Site.Nop5, set.Patcher.CurrentBytes);
        Assert.Equal(expected, arena.Invoke(target, Argument));
    }

    /// <summary>What the memfd holds at a code address: what the writable alias wrote.</summary>
    static byte[] FileBytes(CodeArena arena, ulong address, int length)
    {
        using var file = File.OpenHandle(arena.CodeFilePath);
        var bytes = new byte[length];
        Assert.Equal(length, RandomAccess.Read(file, bytes, (long)arena.CodeFileOffset(address)));
        return bytes;
    }

    [SkippableFact]
    public void A_page_the_kernel_copied_for_a_uprobe_is_never_patched_silently()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "file-backed arenas and uprobes are Linux-only");
        using var set = Build();
        var arena = set.Arena;
        ulong target = set.Target.Address;
        ulong padding = set.Target.End;   // another instruction on the probed page: the int3 padding after the target
        Assert.Equal(0xCC, arena.Read(padding, 1)[0]);

        using (var uprobe = OpenOrSkip(() => PerfEvent.OpenUprobe(arena.CodeFilePath, arena.CodeFileOffset(target))))
        {
            uprobe.Enable();
            arena.Invoke(target, Argument);
            var refused = Assert.Throws<InvalidOperationException>(() => arena.Patch(padding, [0xC3]));
            Assert.Contains("no longer follows the arena's file", refused.Message);
            Assert.Equal([0xCC], arena.Read(padding, 1));
            Assert.Equal([0xCC], FileBytes(arena, padding, 1));   // the alias write was undone
        }

        // With the probe gone the kernel may map the file's page again (kernel/events/uprobes.c
        // maps it back only when the copy is identical and otherwise unreferenced; Linux 6.18.44
        // kept the copy). Either the patch reaches the executed code, or it is refused and nothing changed.
        try
        {
            set.Attach();
            Assert.Equal(0xE8, set.Patcher.CurrentBytes[0]);
        }
        catch (InvalidOperationException)
        {
            Assert.Equal(Rel32Site.Nop5, set.Patcher.CurrentBytes);
            Assert.Equal([.. Rel32Site.Nop5], FileBytes(arena, target, Rel32Site.FentryCall.Length));
        }
    }

    [SkippableFact]
    public void A_uretprobe_counts_every_return()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "file-backed arenas and uprobes are Linux-only");
        using var set = Build();
        var arena = set.Arena;
        ulong target = set.Target.Address;
        using var uretprobe = OpenOrSkip(() => PerfEvent.OpenUretprobe(arena.CodeFilePath, arena.CodeFileOffset(target)));
        uretprobe.Enable();
        for (int i = 0; i < 10; i++)
            arena.Invoke(target, Argument);
        Assert.Equal(10UL, uretprobe.ReadCount());
    }

    [Fact]
    public void Perf_event_attr_has_the_kernels_ver1_layout()
    {
        Assert.Equal((int)PerfEventAttr.SizeVer1, Marshal.SizeOf<PerfEventAttr>());
        Assert.Equal(56, (int)Marshal.OffsetOf<PerfEventAttr>(nameof(PerfEventAttr.Config1)));
        Assert.Equal(64, (int)Marshal.OffsetOf<PerfEventAttr>(nameof(PerfEventAttr.Config2)));
    }
}
