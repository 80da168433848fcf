using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Patching;
using HookBench.Strategies;
using HookBench.Targets;
using Xunit;

namespace HookBench.Tests.Patching;

public class SitePatcherTests
{
    static HookSet Build() => HookSetBuilder.Build(new HookSetOptions(StrategyCatalog.MinRegs, HandlerKind.Empty, 1, CallingConvention.SysV));

    [Fact]
    public void Attach_writes_call_rel32_to_the_trampoline_and_detach_restores_the_nop()
    {
        using var set = Build();
        Assert.Equal(TargetEmitter.Nop5, set.Site.CurrentBytes);
        set.Attach();
        byte[] bytes = [.. set.Site.CurrentBytes];
        Assert.Equal(0xE8, bytes[0]);
        Assert.Equal((long)set.Trampoline!.Address, (long)set.Target.Address + 5 + BitConverter.ToInt32(bytes, 1));
        set.Detach();
        Assert.Equal(TargetEmitter.Nop5, set.Site.CurrentBytes);
    }

    [Fact]
    public void Attaching_over_unexpected_bytes_is_refused_and_writes_nothing()
    {
        using var set = Build();
        set.Site.Attach(set.Trampoline!.Address);
        byte[] before = [.. set.Site.CurrentBytes];
        var error = Assert.Throws<SiteMismatchException>(() => set.Site.Attach(set.Trampoline.Address));
        Assert.Contains("expected 0F1F440000", error.Message);
        Assert.Equal(before, set.Site.CurrentBytes);
    }

    [Fact]
    public void Detaching_a_call_to_somewhere_else_is_refused()
    {
        using var set = Build();
        set.Site.Attach(set.Trampoline!.Address);
        Assert.Throws<SiteMismatchException>(() => set.Site.Detach(set.EntryHandler!.Address));
        Assert.Equal(0xE8, set.Site.CurrentBytes[0]);
    }

    [Fact]
    public void Call_bytes_encode_the_displacement_from_the_end_of_the_site()
    {
        Assert.Equal(new byte[] { 0xE8, 0xFB, 0x0F, 0x00, 0x00 }, SitePatcher.CallBytes(0x1000, 0x2000));
        Assert.Equal(new byte[] { 0xE8, 0xFB, 0xEF, 0xFF, 0xFF }, SitePatcher.CallBytes(0x2000, 0x1000));
        Assert.Throws<InvalidOperationException>(() => SitePatcher.CallBytes(0, 0x1_0000_0000));
    }
}
