using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Native;
using HookBench.Strategies;
using HookBench.Validation;
using Xunit;

namespace HookBench.Tests.Native;

public class WriteXorExecuteTests
{
    /// <summary>The protections /proc/self/maps reports for mappings overlapping [start, end).</summary>
    internal static List<string> Permissions(ulong start, ulong end) =>
        [.. File.ReadAllLines("/proc/self/maps")
            .Select(line => line.Split(' ', 3))
            .Select(p => (Range: p[0].Split('-'), Perms: p[1]))
            .Select(p => (Lo: Convert.ToUInt64(p.Range[0], 16), Hi: Convert.ToUInt64(p.Range[1], 16), p.Perms))
            .Where(m => m.Lo < end && m.Hi > start)
            .Select(m => $"{m.Lo:X}-{m.Hi:X} {m.Perms}")];

    [Theory]
    [InlineData(ArenaBacking.Anonymous)]
    [InlineData(ArenaBacking.File)]
    public void No_arena_page_is_ever_writable_and_executable_while_the_arena_is_in_use(ArenaBacking backing)
    {
        if (!OperatingSystem.IsLinux())
            return;
        var seen = new List<string>();
        var options = new HookSetOptions(StrategyCatalog.FullRegs, HandlerKind.Counter, 2, CallingConvention.SysV) { Instrumented = true, Backing = backing };
        using var set = HookSetBuilder.Emit(options);
        var arena = set.Arena;
        ulong start = arena.CodeBase, end = arena.DataBase + arena.DataLength;
        var protectionChanges = new List<ProtectionChange>();
        void Snapshot()
        {
            seen.AddRange(Permissions(start, end));
            if (backing == ArenaBacking.File)
                seen.AddRange(Permissions(arena.AliasBase, arena.AliasBase + arena.CodeLength));
        }

        arena.ProtectionChanged += change =>
        {
            protectionChanges.Add(change);
            Snapshot();
        };

        Snapshot();                                    // emitting: code pages read-write (anonymous) or read-only (file)
        var probe = ProbeHarness.Emit(set, CallingConvention.Host);
        set.Seal();                                    // read-execute
        int changesWhenSealed = protectionChanges.Count;
        set.Attach();                                  // anonymous: read-write, then read-execute; file: through the alias
        arena.Invoke(probe.Blob.Address);
        Snapshot();
        set.Detach();
        Snapshot();

        Assert.NotEmpty(seen);
        Assert.DoesNotContain(seen, p => p.Contains("wx", StringComparison.Ordinal));
        Assert.Contains(seen, p => p.EndsWith("r-xp", StringComparison.Ordinal));
        Assert.Contains(seen, p => p.EndsWith("rw-p", StringComparison.Ordinal));
        if (backing == ArenaBacking.File)
        {
            // Code runs from the private file view and is written through the shared alias; once
            // sealed, patching never touches the execute view's protection.
            Assert.Equal(changesWhenSealed, protectionChanges.Count);
            Assert.All(protectionChanges, c => Assert.Equal(PageProtection.ReadExecute, c.Protection));
            Assert.All(Permissions(arena.CodeBase, arena.CodeBase + arena.CodeLength), p => Assert.EndsWith("r-xp", p));
            Assert.All(Permissions(arena.AliasBase, arena.AliasBase + arena.CodeLength), p => Assert.EndsWith("rw-s", p));
            Assert.All(Permissions(arena.DataBase, arena.DataBase + arena.DataLength), p => Assert.EndsWith("rw-p", p));
        }
    }

    [Theory]
    [InlineData(ArenaBacking.Anonymous)]
    [InlineData(ArenaBacking.File)]
    public void Data_pages_are_never_executable_and_code_is_sealed_before_it_runs(ArenaBacking backing)
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var arena = CodeArena.Create(backing: backing);
        Assert.Throws<InvalidOperationException>(() => arena.Invoke(arena.CodeBase));
        arena.WriteCode(arena.CodeBase, [0xC3]);
        arena.Seal();
        Assert.Throws<InvalidOperationException>(() => arena.WriteCode(arena.CodeBase, [0x90]));
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.WriteUInt64(arena.CodeBase, 0));
        Assert.All(Permissions(arena.DataBase, arena.DataBase + arena.DataLength), p => Assert.EndsWith("rw-p", p));
        Assert.All(Permissions(arena.CodeBase, arena.CodeBase + arena.CodeLength), p => Assert.EndsWith("r-xp", p));
        arena.Invoke(arena.CodeBase);
    }

    [Theory]
    [InlineData(ArenaBacking.Anonymous)]
    [InlineData(ArenaBacking.File)]
    public void Everything_a_hook_set_uses_is_within_call_rel32_reach(ArenaBacking backing)
    {
        if (backing == ArenaBacking.File && !OperatingSystem.IsLinux())
            return;
        using var set = HookSetBuilder.Build(new HookSetOptions(StrategyCatalog.DirectFexit, HandlerKind.Args, 6, CallingConvention.SysV) { Backing = backing });
        ulong lo = set.Blobs.Min(b => b.Address), hi = set.Arena.DataBase + set.Arena.DataLength;
        Assert.True(hi - lo < int.MaxValue);
        Assert.All(set.Blobs, b => Assert.Equal(0UL, b.Address % 64));
    }

    [Theory]
    [InlineData(System.Runtime.InteropServices.Architecture.Arm64, "HookBench emits x86-64 code; this process is Arm64")]
    [InlineData(System.Runtime.InteropServices.Architecture.X86, "HookBench emits x86-64 code; this process is X86")]
    public void A_non_x64_process_gets_a_one_line_reason(System.Runtime.InteropServices.Architecture architecture, string expected) =>
        Assert.Equal(expected, HostPlatform.UnsupportedReason(architecture, knownOs: true));
}
