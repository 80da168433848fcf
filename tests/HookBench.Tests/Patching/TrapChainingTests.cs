using HookBench.Emission;
using HookBench.Native;
using HookBench.Patching;
using HookBench.Sites;
using Iced.Intel;
using Xunit;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Tests.Patching;

/// <summary>
/// A SIGTRAP that is not the protocol's reaches the handler that was installed before the emulator.
/// In-process the "previous" handler is a test handler installed first (the runtime's would abort the
/// test host); <see cref="PatchStressCliTests"/> shows the runtime's own handler getting one in a child.
/// </summary>
[Collection(SigtrapCollection.Name)]
public class TrapChainingTests
{
    const ulong AfterTrap = 7;

    /// <summary>An SA_SIGINFO handler that counts, records si_code and the RIP it was given, and returns.</summary>
    sealed class TestHandler : IDisposable
    {
        public TestHandler()
        {
            Arena = CodeArena.Create(CodeArena.PageSize, CodeArena.PageSize);
            var image = new CodeImage(Arena);
            Hits = image.Data.Allocate("test.hits");
            Code = image.Data.Allocate("test.si_code");
            Rip = image.Data.Allocate("test.rip");
            Entry = image.Emit("test-sigtrap-handler", BlobKind.Harness, asm =>
            {
                asm.IncRip(Hits.Address);
                asm.mov(eax, __dword_ptr[rsi + SignalFrame.SiCode]);
                asm.StoreRip(Code.Address, Register.RAX);
                asm.mov(rax, __qword_ptr[rdx + SignalFrame.Rip]);
                asm.StoreRip(Rip.Address, Register.RAX);
                asm.ret();
            }).Address;
            Arena.Seal();
        }

        public CodeArena Arena { get; }
        public DataSlot Hits { get; }
        public DataSlot Code { get; }
        public DataSlot Rip { get; }
        public ulong Entry { get; }

        public void Dispose() => Arena.Dispose();
    }

    /// <summary>int3 (at the returned address), then return 7: the test handler lets the thread continue.</summary>
    static ulong EmitForeignTrap(CodeImage image, out ulong trapAddress)
    {
        var blob = image.Emit("foreign-int3", BlobKind.Harness, asm =>
        {
            asm.int3();
            asm.mov(eax, (uint)AfterTrap);
            asm.ret();
        });
        trapAddress = blob.Address;
        return blob.Address;
    }

    [SkippableFact]
    public void An_int3_that_is_not_being_patched_reaches_the_previous_handler()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "SIGTRAP emulation is Linux-only");
        var emulator = TrapEmulator.Shared;
        emulator.Uninstall();
        var runtime = SignalActions.Get(SignalActions.SigTrap);
        using var test = new TestHandler();
        using var elsewhere = CodeArena.Create(CodeArena.PageSize, CodeArena.PageSize);                  // never registered
        using var patched = CodeArena.Create(CodeArena.PageSize, CodeArena.PageSize, ArenaBacking.File);  // registered below
        ulong outside = EmitForeignTrap(new CodeImage(elsewhere), out ulong outsideTrap);
        elsewhere.Seal();
        var patchedImage = new CodeImage(patched);
        ulong inside = EmitForeignTrap(patchedImage, out ulong insideTrap);
        var target = patchedImage.Emit("target", BlobKind.Target, asm =>
        {
            asm.db([.. Rel32Site.Nop5]);
            asm.ret();
        });
        patched.Seal();

        SignalActions.Set(SignalActions.SigTrap, new SignalAction(test.Entry, SignalAction.SaSigInfo | SignalAction.SaRestart, runtime.Mask));
        try
        {
            emulator.Install();
            Assert.Equal(test.Entry, emulator.Replaced!.Handler);
            // A patch registers the arena's code range: a stray int3 there is still not ours.
            var site = new Site(Rel32Site.FentryCall, target.Address);
            LivePatchers.Int3.Apply(patched, [SitePatch.Attach(site, inside)]);   // never called: only registers the range
            var before = emulator.Counts;

            Assert.Equal(AfterTrap, elsewhere.Invoke(outside, 0));
            Assert.Equal(1UL, test.Arena.ReadUInt64(test.Hits.Address));
            Assert.Equal(outsideTrap + 1, test.Arena.ReadUInt64(test.Rip.Address));
            Assert.Equal((ulong)SignalFrame.SiKernel, test.Arena.ReadUInt64(test.Code.Address));

            Assert.Equal(AfterTrap, patched.Invoke(inside, 0));
            Assert.Equal(2UL, test.Arena.ReadUInt64(test.Hits.Address));
            Assert.Equal(insideTrap + 1, test.Arena.ReadUInt64(test.Rip.Address));

            var traps = emulator.Counts - before;
            Assert.Equal(new TrapCounts(Emulated: 0, Restarted: 0, Chained: 2), traps);
        }
        finally
        {
            emulator.Uninstall();
            SignalActions.Set(SignalActions.SigTrap, runtime);
        }

        Assert.Equal(runtime.Handler, SignalActions.Get(SignalActions.SigTrap).Handler);
    }

    [SkippableFact]
    public void The_emulator_refuses_to_uninstall_over_a_handler_installed_after_it()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "SIGTRAP emulation is Linux-only");
        var emulator = TrapEmulator.Shared;
        emulator.EnsureInstalled();
        using var test = new TestHandler();
        var ours = SignalActions.Set(SignalActions.SigTrap, new SignalAction(test.Entry, SignalAction.SaSigInfo, new ulong[SignalAction.MaskWords]));
        try
        {
            var refusal = Assert.Throws<InvalidOperationException>(emulator.Uninstall);
            Assert.Contains("installed over the emulator", refusal.Message, StringComparison.Ordinal);
            Assert.Equal(test.Entry, SignalActions.Get(SignalActions.SigTrap).Handler);
        }
        finally
        {
            SignalActions.Set(SignalActions.SigTrap, ours);
        }

        Assert.Equal(emulator.HandlerAddress, SignalActions.Get(SignalActions.SigTrap).Handler);
    }
}
