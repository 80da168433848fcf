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
    static List<string> Permissions(ulong start, ulong end) =>
        [.. File.ReadAllLines("/proc/self/maps")
            .Select(line => line.Split(' ', 3))
            .Select(p => (Range: p[0].Split('-'), Perms: p[1]))
            .Select(p => (Lo: Convert.ToUInt64(p.Range[0], 16), Hi: Convert.ToUInt64(p.Range[1], 16), p.Perms))
            .Where(m => m.Lo < end && m.Hi > start)
            .Select(m => $"{m.Lo:X}-{m.Hi:X} {m.Perms}")];

    [Fact]
    public void No_arena_page_is_ever_writable_and_executable_while_the_arena_is_in_use()
    {
        if (!OperatingSystem.IsLinux())
            return;
        var seen = new List<string>();
        var options = new HookSetOptions(StrategyCatalog.FullRegs, HandlerKind.Counter, 2, CallingConvention.SysV) { Instrumented = true };
        using var set = HookSetBuilder.Emit(options);
        ulong start = set.Arena.CodeBase, end = set.Arena.DataBase + set.Arena.DataLength;
        void Snapshot() => seen.AddRange(Permissions(start, end));
        set.Arena.ProtectionChanged += _ => Snapshot();

        Snapshot();                                    // emitting: code pages read-write
        var probe = ProbeHarness.Emit(set, CallingConvention.Host);
        set.Seal();                                    // read-execute
        set.Attach();                                  // patch: read-write, then read-execute
        set.Arena.Invoke(probe.Blob.Address);
        Snapshot();
        set.Detach();
        Snapshot();

        Assert.NotEmpty(seen);
        Assert.DoesNotContain(seen, p => p.Contains("wx", StringComparison.Ordinal));
        Assert.Contains(seen, p => p.EndsWith("r-xp", StringComparison.Ordinal));
        Assert.Contains(seen, p => p.EndsWith("rw-p", StringComparison.Ordinal));
    }

    [Fact]
    public void Data_pages_are_never_executable_and_code_is_sealed_before_it_runs()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var arena = CodeArena.Create();
        Assert.Throws<InvalidOperationException>(() => arena.Invoke(arena.CodeBase));
        arena.WriteCode(arena.CodeBase, [0xC3]);
        arena.Seal();
        Assert.Throws<InvalidOperationException>(() => arena.WriteCode(arena.CodeBase, [0x90]));
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.WriteUInt64(arena.CodeBase, 0));
        Assert.All(Permissions(arena.DataBase, arena.DataBase + arena.DataLength), p => Assert.EndsWith("rw-p", p));
        Assert.All(Permissions(arena.CodeBase, arena.CodeBase + arena.CodeLength), p => Assert.EndsWith("r-xp", p));
        arena.Invoke(arena.CodeBase);
    }

    [Fact]
    public void Everything_a_hook_set_uses_is_within_call_rel32_reach()
    {
        using var set = HookSetBuilder.Build(new HookSetOptions(StrategyCatalog.DirectFexit, HandlerKind.Args, 6, CallingConvention.SysV));
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
