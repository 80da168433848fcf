using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Patching;
using HookBench.Sites;
using HookBench.Strategies;
using Xunit;

namespace HookBench.Tests.Patching;

public class SitePatcherTests
{
    static HookSet Build() => HookSetBuilder.Build(new HookSetOptions(StrategyCatalog.MinRegs, HandlerKind.Empty, 1, CallingConvention.SysV));

    [Fact]
    public void Attach_writes_call_rel32_to_the_trampoline_and_detach_restores_the_nop()
    {
        using var set = Build();
        Assert.Equal(Rel32Site.Nop5, set.Patcher.CurrentBytes);
        set.Attach();
        byte[] bytes = [.. set.Patcher.CurrentBytes];
        Assert.Equal(0xE8, bytes[0]);
        Assert.Equal((long)set.Trampoline!.Address, (long)set.Target.Address + 5 + BitConverter.ToInt32(bytes, 1));
        Assert.True(set.Patcher.RoutesTo(set.Trampoline.Address));
        set.Detach();
        Assert.Equal(Rel32Site.Nop5, set.Patcher.CurrentBytes);
        Assert.True(set.Patcher.IsOriginal);
    }

    [Fact]
    public void Attaching_over_unexpected_bytes_is_refused_and_writes_nothing()
    {
        using var set = Build();
        set.Patcher.Attach(set.Trampoline!.Address);
        byte[] before = [.. set.Patcher.CurrentBytes];
        var error = Assert.Throws<SiteMismatchException>(() => set.Patcher.Attach(set.Trampoline.Address));
        Assert.Contains("expected 0F1F440000", error.Message);
        Assert.Equal(before, set.Patcher.CurrentBytes);
    }

    [Fact]
    public void Detaching_a_call_to_somewhere_else_is_refused()
    {
        using var set = Build();
        set.Patcher.Attach(set.Trampoline!.Address);
        Assert.Throws<SiteMismatchException>(() => set.Patcher.Detach(set.Entry!.Blob.Address));
        Assert.Equal(0xE8, set.Patcher.CurrentBytes[0]);
    }

    [Fact]
    public void Rel32_sites_encode_the_displacement_from_the_end_of_the_site()
    {
        Assert.Equal(new byte[] { 0xE8, 0xFB, 0x0F, 0x00, 0x00 }, Rel32Site.FentryCall.Routed(0x1000, 0x2000));
        Assert.Equal(new byte[] { 0xE8, 0xFB, 0xEF, 0xFF, 0xFF }, Rel32Site.FentryCall.Routed(0x2000, 0x1000));
        Assert.Equal(new byte[] { 0xE9, 0xFB, 0x0F, 0x00, 0x00 }, Rel32Site.FentryJmp.Routed(0x1000, 0x2000));
        Assert.Throws<InvalidOperationException>(() => Rel32Site.FentryCall.Routed(0, 0x1_0000_0000));
    }

    [Fact]
    public void Every_site_kind_resumes_the_body_right_after_its_bytes()
    {
        foreach (var kind in new SiteKind[] { Rel32Site.FentryCall, Rel32Site.FentryJmp })
        {
            Assert.Equal(kind.Length, kind.Original.Count);
            Assert.Equal(kind.Length, kind.Routed(0x1000, 0x2000).Length);
            Assert.Equal(0x1000UL + (ulong)kind.Length, kind.Resume(0x1000));
        }
    }
}
