using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Native;
using HookBench.Sites;
using HookBench.Strategies;
using HookBench.Targets;
using Xunit;

namespace HookBench.Tests.Native;

/// <summary>A file-backed hook set is attached and detached while another thread keeps calling the target.</summary>
[Collection(HookBench.Tests.Measurement.TimingCollection.Name)]
public class LivePatchingTests
{
    const int Toggles = 2000;
    const int WaitEvery = 50;   // even: toggle 0 attaches, so every wait happens while attached
    const ulong Argument = 0x0123_4567_89AB_CDEF;

    [Fact]
    public void Toggling_a_site_under_a_running_caller_never_breaks_a_call()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var set = HookSetBuilder.Build(
            new HookSetOptions(StrategyCatalog.MinRegs, HandlerKind.Counter, 1, CallingConvention.SysV) { Backing = ArenaBacking.File });
        Assert.True(set.Patcher.PatchesAtomically);
        var arena = set.Arena;
        ulong target = set.Target.Address;
        ulong expected = TargetEmitter.Reference(TargetEmitter.TargetSeed, [Argument]);

        long calls = 0, wrong = 0;
        using var stop = new ManualResetEventSlim();
        var caller = new Thread(() =>
        {
            while (!stop.IsSet)
            {
                if (arena.Invoke(target, Argument) != expected)
                    Interlocked.Increment(ref wrong);
                Interlocked.Increment(ref calls);
            }
        });
        caller.Start();
        try
        {
            for (int i = 0; i < Toggles; i++)
            {
                if (set.IsAttached)
                    set.Detach();
                else
                    set.Attach();
                // Now and then, while attached, let the caller finish a call that started after the
                // patch: the counter must then have counted it. Between these, patches land
                // back-to-back while the caller runs (a toggle takes a few microseconds).
                if (i % WaitEvery == 0)
                    WaitForCallsStartedAfterNow(ref calls);
            }
        }
        finally
        {
            stop.Set();
            caller.Join();
        }

        ulong counted = arena.ReadUInt64(set.Entry!.Slots.Counter.Address);
        Assert.Equal(0, Interlocked.Read(ref wrong));
        Assert.InRange(counted, 1UL, (ulong)Interlocked.Read(ref calls));
        Assert.Equal(Rel32Site.Nop5, set.Patcher.CurrentBytes);   // an even number of toggles
    }

    /// <summary>
    /// Waits until the caller has finished two more calls: the second began after the first returned,
    /// so after this method was called.
    /// </summary>
    static void WaitForCallsStartedAfterNow(ref long calls)
    {
        long seen = Interlocked.Read(ref calls);
        var spin = new SpinWait();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Interlocked.Read(ref calls) < seen + 2)
        {
            // A caller that stops making progress is a failure to report, not a test run that never ends.
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
                Assert.Fail($"the caller thread made no call for 30 s (stuck at {seen} calls)");
            spin.SpinOnce();
        }
    }
}
