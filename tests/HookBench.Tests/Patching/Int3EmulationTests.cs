using HookBench.Abi;
using HookBench.Emission;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Native;
using HookBench.Patching;
using HookBench.Sites;
using HookBench.Strategies;
using HookBench.Targets;
using Xunit;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Tests.Patching;

/// <summary>
/// Calls the target while its site holds the int3 on purpose (the patching thread stops at each step of
/// the protocol and calls), so the trap handler must emulate the instruction being installed.
/// </summary>
[Collection(SigtrapCollection.Name)]
public class Int3EmulationTests
{
    const ulong Argument = 0x0123_4567_89AB_CDEF;
    static readonly ulong Expected = TargetEmitter.Reference(TargetEmitter.TargetSeed, [Argument]);

    static HookSet BuildCounterSet() => HookSetBuilder.Build(
        new HookSetOptions(StrategyCatalog.MinRegs, HandlerKind.Counter, 1, CallingConvention.SysV) { Backing = ArenaBacking.File });

    [SkippableFact]
    public void A_call_being_installed_is_emulated_while_the_site_holds_the_int3()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "SIGTRAP emulation is Linux-only");
        using var set = BuildCounterSet();
        ulong counter = set.Entry!.Slots.Counter.Address;
        var seen = new List<(PatchStep Step, string Bytes, ulong Result, ulong Counted)>();
        var before = TrapEmulator.Shared.Counts;

        LivePatchers.Int3.Apply(set.Arena, [SitePatch.Attach(set.Site, set.SiteDestination!.Value)], step =>
        {
            if (step is PatchStep.TrapsWritten or PatchStep.TailsWritten)
            {
                ulong counted = set.Arena.ReadUInt64(counter);
                ulong result = set.Arena.Invoke(set.Target.Address, Argument);
                seen.Add((step, Convert.ToHexString([.. set.Patcher.CurrentBytes]), result, set.Arena.ReadUInt64(counter) - counted));
            }
        });

        var traps = TrapEmulator.Shared.Counts - before;
        Assert.Equal(2, seen.Count);
        Assert.StartsWith("CC1F4400", seen[0].Bytes, StringComparison.Ordinal);   // int3 + the NOP's tail
        Assert.StartsWith("CC", seen[1].Bytes, StringComparison.Ordinal);         // int3 + the call's tail
        Assert.NotEqual(seen[0].Bytes, seen[1].Bytes);
        Assert.All(seen, s => Assert.Equal(Expected, s.Result));                  // the body ran with its argument
        Assert.All(seen, s => Assert.Equal(1UL, s.Counted));                      // through the trampoline: the handler ran once
        Assert.Equal(2UL, traps.Emulated);
        Assert.Equal(0UL, traps.Chained);
        Assert.True(set.Patcher.RoutesTo(set.SiteDestination!.Value));
        Assert.Equal(0, TrapEmulator.Shared.InFlightSites);
    }

    [SkippableFact]
    public void A_nop_being_installed_is_emulated_and_skips_the_handler()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "SIGTRAP emulation is Linux-only");
        using var set = BuildCounterSet();
        ulong counter = set.Entry!.Slots.Counter.Address;
        ulong destination = set.SiteDestination!.Value;
        LivePatchers.Batch.Apply(set.Arena, [SitePatch.Attach(set.Site, destination)]);
        Assert.Equal(Expected, set.Arena.Invoke(set.Target.Address, Argument));
        Assert.Equal(1UL, set.Arena.ReadUInt64(counter));
        var before = TrapEmulator.Shared.Counts;

        var results = new List<ulong>();
        LivePatchers.Batch.Apply(set.Arena, [SitePatch.Detach(set.Site, destination)], step =>
        {
            if (step is PatchStep.TrapsWritten or PatchStep.TailsWritten)
                results.Add(set.Arena.Invoke(set.Target.Address, Argument));
        });

        Assert.Equal([Expected, Expected], results);
        Assert.Equal(1UL, set.Arena.ReadUInt64(counter));                         // the handler did not run again
        Assert.Equal(2UL, (TrapEmulator.Shared.Counts - before).Emulated);
        Assert.True(set.Patcher.IsOriginal);
    }

    [SkippableFact]
    public void A_jmp_being_installed_is_emulated_and_its_destination_returns_to_the_caller()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "SIGTRAP emulation is Linux-only");
        const ulong Marker = 0x5A5A_0000_1234;
        using var arena = CodeArena.Create(backing: ArenaBacking.File);
        var image = new CodeImage(arena);
        var target = image.Emit("target", BlobKind.Target,
            asm => TargetEmitter.Emit(asm, Rel32Site.FentryJmp, CallingConvention.SysV, 1, TargetEmitter.TargetSeed, null, HookBench.Mitigations.ThunkSet.None));
        // Entered by jmp, the caller's return address is on top: return straight to it with a marker.
        var replacement = image.Emit("replacement", BlobKind.Target, asm =>
        {
            asm.mov(rax, Marker);
            asm.ret();
        });
        arena.Seal();
        var site = new Site(Rel32Site.FentryJmp, target.Address);

        var results = new List<ulong>();
        var before = TrapEmulator.Shared.Counts;
        LivePatchers.Int3.Apply(arena, [SitePatch.Attach(site, replacement.Address)], step =>
        {
            if (step is PatchStep.TrapsWritten or PatchStep.TailsWritten)
                results.Add(arena.Invoke(target.Address, Argument));
        });

        Assert.Equal([Marker, Marker], results);
        Assert.Equal(2UL, (TrapEmulator.Shared.Counts - before).Emulated);
        Assert.Equal(Marker, arena.Invoke(target.Address, Argument));
        Assert.Equal(Rel32Site.FentryJmp.Routed(site.Address, replacement.Address), arena.Read(site.Address, 5));
    }
}
