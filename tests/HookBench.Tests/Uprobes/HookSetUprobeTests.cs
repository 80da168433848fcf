using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Native;
using HookBench.Patching;
using HookBench.Sites;
using HookBench.Strategies;
using HookBench.Targets;
using HookBench.Uprobes;
using Xunit;
using CallingConvention = HookBench.Abi.CallingConvention;

namespace HookBench.Tests.Uprobes;

/// <summary>Kernel uprobes on a hook set's target in a file-backed arena, and what they do to patching it.</summary>
[Collection(KernelProbeCollection.Name)]
public class HookSetUprobeTests
{
    const int Calls = 1000;
    const ulong Argument = 0x1234_5678_9ABC_DEF0;

    static HookSet Build() => HookSetBuilder.Build(
        new HookSetOptions(StrategyCatalog.MinRegs, HandlerKind.Counter, 1, CallingConvention.SysV) { Backing = ArenaBacking.File });

    static UprobeSite SiteOf(HookSet set) => new(set.Arena.CodeFilePath, set.Arena.CodeFileOffset(set.Target.Address));

    [SkippableFact]
    public void A_uprobe_on_the_target_counts_every_call_blocks_patching_and_leaves_the_nop_when_removed()
    {
        KernelProbeSkips.RequireLinuxX64();
        using var set = Build();
        var arena = set.Arena;
        ulong target = set.Target.Address;
        ulong expected = TargetEmitter.Reference(TargetEmitter.TargetSeed, [Argument]);
        Assert.True(File.Exists(arena.CodeFilePath));   // so a refusal below can only be the kernel's

        using (var probe = KernelProbeSkips.Require(KernelProbes.ForThisProcess().Attach(SiteOf(set), ProbeKind.Entry, ProbeProgram.Counter)))
        {
            for (int i = 0; i < Calls; i++)
                Assert.Equal(expected, arena.Invoke(target, Argument));
            Assert.Equal((ulong)Calls, probe.CountedHits);

            // While probed, the site holds the kernel's int3 (or, on 6.18+, its call to the uprobe
            // trampoline) in this process's private copy of the page: the patcher refuses it.
            Assert.NotEqual(Rel32Site.Nop5, set.Patcher.CurrentBytes);
            Assert.Throws<SiteMismatchException>(set.Attach);
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
        KernelProbeSkips.RequireLinuxX64();
        using var set = Build();
        var arena = set.Arena;
        ulong target = set.Target.Address;
        ulong padding = set.Target.End;   // another instruction on the probed page: the int3 padding after the target
        Assert.Equal(0xCC, arena.Read(padding, 1)[0]);

        using (KernelProbeSkips.Require(KernelProbes.ForThisProcess().Attach(SiteOf(set), ProbeKind.Entry, ProbeProgram.None)))
        {
            arena.Invoke(target, Argument);
            var refused = Assert.Throws<InvalidOperationException>(() => arena.Patch(padding, [0xC3]));
            Assert.Contains("no longer follows the arena's file", refused.Message, StringComparison.Ordinal);
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
    public void A_uretprobe_on_the_target_counts_every_return()
    {
        KernelProbeSkips.RequireLinuxX64();
        using var set = Build();
        ulong expected = TargetEmitter.Reference(TargetEmitter.TargetSeed, [Argument]);
        using var probe = KernelProbeSkips.Require(KernelProbes.ForThisProcess().Attach(SiteOf(set), ProbeKind.Return, ProbeProgram.Counter));
        for (int i = 0; i < 10; i++)
            Assert.Equal(expected, set.Arena.Invoke(set.Target.Address, Argument));
        Assert.Equal(10UL, probe.CountedHits);
    }

    [SkippableTheory]
    [InlineData("uprobe-nop5", false)]
    [InlineData("uretprobe", false)]
    [InlineData("uprobe-trap", true)]
    [InlineData("uprobe-sstep", true)]
    public void Attaching_frees_the_trampoline_room_only_for_a_probe_the_kernel_may_rewrite_into_a_call(string strategy, bool keepsRoom)
    {
        KernelProbeSkips.RequireLinuxX64();
        using var set = HookSetBuilder.Build(new HookSetOptions(StrategyCatalog.Parse(strategy), HandlerKind.Empty, 2, CallingConvention.SysV));
        Assert.True(set.Arena.TrampolineRoomReserved);
        using var probe = KernelProbeSkips.Require(AttachedKernelProbe.Attach(set, KernelProbes.ForThisProcess()));
        Assert.Equal(keepsRoom, set.Arena.TrampolineRoomReserved);
        Assert.Equal(ProbedSiteKind.Breakpoint, probe.SiteState().Kind);   // before the first hit every probe is an int3
        // The first hit: one call with the harness's constant arguments, which must still compute the right value.
        Assert.Equal(TargetEmitter.Reference(TargetEmitter.TargetSeed, [0x101, 0x202]), NativeCallLoop.Throughput(set.EntryPoint, 2, 1));
        var (text, optimized) = probe.DescribeSite();
        if (!keepsRoom && KernelSymbols.Read() is { Nop5Optimization: true })
            Assert.Equal(("call [uprobes-trampoline] (optimized)", true), (text, optimized));
        else if (keepsRoom)
            Assert.Equal(("int3", false), (text, optimized));
    }
}
