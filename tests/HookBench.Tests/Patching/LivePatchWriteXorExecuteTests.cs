using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Native;
using HookBench.Patching;
using HookBench.Strategies;
using HookBench.Tests.Native;
using Xunit;

namespace HookBench.Tests.Patching;

/// <summary>The maps test across live patching: at every step of every patcher, no mapping is writable and executable.</summary>
[Collection(SigtrapCollection.Name)]
public class LivePatchWriteXorExecuteTests
{
    [SkippableTheory]
    [InlineData("int3")]
    [InlineData("batch")]
    [InlineData("atomic")]
    public void No_page_is_writable_and_executable_at_any_step_and_the_execute_view_never_changes(string name)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "live patching needs a memfd arena (Linux)");
        var patcher = LivePatchers.Parse(name);
        using var set = HookSetBuilder.Build(
            new HookSetOptions(StrategyCatalog.FullRegs, HandlerKind.Counter, 2, CallingConvention.SysV) { Backing = ArenaBacking.File });
        var arena = set.Arena;
        var changes = new List<ProtectionChange>();
        arena.ProtectionChanged += changes.Add;
        var seen = new List<string>();
        var steps = new List<PatchStep>();
        void Snapshot()
        {
            seen.AddRange(WriteXorExecuteTests.Permissions(arena.CodeBase, arena.DataBase + arena.DataLength));
            seen.AddRange(WriteXorExecuteTests.Permissions(arena.AliasBase, arena.AliasBase + arena.CodeLength));
        }

        void Observe(PatchStep step)
        {
            steps.Add(step);
            Snapshot();
            Assert.All(WriteXorExecuteTests.Permissions(arena.CodeBase, arena.CodeBase + arena.CodeLength), p => Assert.EndsWith("r-xp", p));
        }

        Snapshot();
        ulong destination = set.SiteDestination!.Value;
        patcher.Apply(arena, [SitePatch.Attach(set.Site, destination)], Observe);
        Snapshot();
        patcher.Apply(arena, [SitePatch.Detach(set.Site, destination)], Observe);
        Snapshot();
        if (patcher is Int3Patcher)
        {
            Assert.Equal(2 * 5, steps.Count);
            // The trap handler's own arena: sealed code, data that is never executable.
            ulong handler = TrapEmulator.Shared.HandlerAddress;
            seen.AddRange(WriteXorExecuteTests.Permissions(handler, handler + 1));
            Assert.EndsWith("r-xp", WriteXorExecuteTests.Permissions(handler, handler + 1).Single());
        }

        Assert.NotEmpty(seen);
        Assert.DoesNotContain(seen, p => p.Contains("wx", StringComparison.Ordinal));
        Assert.Empty(changes);                                   // patching never touched a protection
        Assert.All(WriteXorExecuteTests.Permissions(arena.AliasBase, arena.AliasBase + arena.CodeLength), p => Assert.EndsWith("rw-s", p));
        Assert.True(set.Patcher.IsOriginal);
    }

    [SkippableFact]
    public void An_anonymous_arena_is_refused_because_its_pages_would_lose_execute_permission()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "live patching needs a memfd arena (Linux)");
        using var set = HookSetBuilder.Build(new HookSetOptions(StrategyCatalog.MinRegs, HandlerKind.Counter, 1, CallingConvention.SysV));
        var refusal = Assert.Throws<InvalidOperationException>(() =>
            LivePatchers.Int3.Apply(set.Arena, [SitePatch.Attach(set.Site, set.SiteDestination!.Value)]));
        Assert.Contains("file-backed arena", refusal.Message, StringComparison.Ordinal);
        Assert.True(set.Patcher.IsOriginal);
    }
}
