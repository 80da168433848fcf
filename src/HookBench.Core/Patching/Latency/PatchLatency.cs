using System.Diagnostics;
using HookBench.Machine;
using HookBench.Measurement;
using HookBench.Native;
using HookBench.Statistics;

namespace HookBench.Patching.Latency;

/// <summary>
/// Measures what attaching costs: for each patcher and batch size, attach and detach a farm's first N
/// sites repeatedly while timing callers run through those sites, then time single core syncs. Wall
/// time of each attach/detach comes from Stopwatch (the OS monotonic clock); callers time their calls
/// with the TSC, converted with the calibrated TSC rate.
/// </summary>
public static class PatchLatency
{
    const int CallerChunk = 1024;

    /// <summary>Caller calls longer than this are counted as preempted, not timed (an emulated int3 takes a few µs).</summary>
    public const double PreemptedAfterUs = 100;

    public static PatchLatencyResult Run(PatchLatencySettings settings, string command, Action<string>? progress = null)
    {
        settings.EnsureValid();
        progress?.Invoke("calibrating the TSC");
        var clocks = ClockCalibration.Calibrate();
        using var farm = SiteFarm.Build(settings.Sizes.Max(), settings.Callers);
        var arena = farm.Arena;
        int stop = 0;
        // The patching thread on the first allowed CPU, callers on the others: a sync interrupts only
        // CPUs running one of our threads, so callers sharing the patcher's CPU would never be interrupted.
        var cpus = ThreadPinning.AllowedCpus();
        var threads = farm.Callers.Select((block, i) => new Thread(() =>
        {
            if (cpus.Count > 1)
                ThreadPinning.PinCurrentThread(cpus[1 + i % (cpus.Count - 1)]);
            arena.WriteUInt64(block + TimedCallerBlock.Chunk, CallerChunk);
            arena.WriteUInt64(block + TimedCallerBlock.Cap, (ulong)(clocks.TscHz * PreemptedAfterUs / 1e6));
            while (Volatile.Read(ref stop) == 0)
                arena.Invoke(farm.Loop, block);
        })
        { IsBackground = true, Name = "patch-latency caller" }).ToList();
        foreach (ulong block in farm.Callers)
            arena.WriteUInt64(block + TimedCallerBlock.Sites, 1);
        ThreadPinning.PinCurrentThread(cpus[0]);
        threads.ForEach(t => t.Start());
        try
        {
            var spin = new SpinWait();
            while (farm.Callers.Any(b => arena.ReadUInt64(b + TimedCallerBlock.Calls) == 0))
                spin.SpinOnce(sleep1Threshold: -1);   // every caller is calling before anything is timed
            progress?.Invoke("timing single core syncs");
            var (sync, running, idle) = MeasureSync(farm, settings.SyncSamples);
            var rows = new List<PatchLatencyRow>();
            foreach (var patcher in settings.Patchers)
            {
                foreach (int size in settings.Sizes)
                {
                    progress?.Invoke($"{patcher.Name}, {size} site(s) per batch");
                    rows.Add(Measure(farm, patcher, size, settings.Reps, clocks));
                }
            }

            return new PatchLatencyResult(PatchLatencyResult.CurrentSchema, DateTime.UtcNow, command, MachineInfo.Collect(), settings.Callers,
                CoreSync.FallbackReason ?? "membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE)", sync, rows)
            {
                SyncSamples = settings.SyncSamples,
                SyncSamplesWithCallersRunning = running.Count,
                SyncWithCallersRunningUs = running.Count >= 3 ? RobustStatistics.Median(running) : null,
                SyncWithCallersIdleUs = idle.Count >= 3 ? RobustStatistics.Median(idle) : null,
            };
        }
        finally
        {
            Volatile.Write(ref stop, 1);
            threads.ForEach(t => t.Join());
            ThreadPinning.Unpin(cpus);
        }
    }

    /// <summary>
    /// Times single syncs, and counts those during which every caller made progress: a sync only
    /// interrupts CPUs that are running a thread of this process at that moment, so on a busy machine
    /// (callers descheduled) it costs little more than the system call.
    /// </summary>
    static (Estimate All, List<double> Running, List<double> Idle) MeasureSync(SiteFarm farm, int samples)
    {
        var us = new double[samples];
        List<double> running = [], idle = [];
        CoreSync.SerializeAllCores();
        for (int i = 0; i < samples; i++)
        {
            Thread.Sleep(1);   // spread the samples over scheduling periods, not one stretch a caller may sit out
            ulong[] before = [.. farm.Callers.Select(b => farm.Arena.ReadUInt64(b + TimedCallerBlock.Calls))];
            long t0 = Stopwatch.GetTimestamp();
            CoreSync.SerializeAllCores();
            us[i] = MicrosecondsSince(t0);
            bool allRan = farm.Callers.Count > 0 && farm.Callers.Select((b, c) => farm.Arena.ReadUInt64(b + TimedCallerBlock.Calls) > before[c]).All(x => x);
            (allRan ? running : idle).Add(us[i]);
        }

        return (RobustStatistics.Median(us), running, idle);
    }

    static PatchLatencyRow Measure(SiteFarm farm, LivePatcher patcher, int size, int reps, Clocks clocks)
    {
        var arena = farm.Arena;
        foreach (ulong block in farm.Callers)
            arena.WriteUInt64(block + TimedCallerBlock.Sites, (ulong)size);
        var attach = farm.Attach(size);
        var detach = farm.Detach(size);
        ulong phase = arena.ReadUInt64(farm.Phase);
        void Patch(IReadOnlyList<SitePatch> patches)
        {
            arena.WriteUInt64(farm.Phase, ++phase);
            patcher.Apply(arena, patches);
            arena.WriteUInt64(farm.Phase, ++phase);
        }

        Patch(attach);   // warm-up: JIT, page-cache pages of the alias, the trap handler's installation
        Patch(detach);
        var attachUs = new List<double>();
        var detachUs = new List<double>();
        long syncsBefore = patcher.Syncs;
        var trapsBefore = TrapEmulator.Shared.Counts;
        var before = Read(farm);
        for (int rep = 0; rep < reps; rep++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Patch(attach);
            attachUs.Add(MicrosecondsSince(t0));
            Thread.Sleep(1);   // the callers run through attached sites, outside any window
            long t1 = Stopwatch.GetTimestamp();
            Patch(detach);
            detachUs.Add(MicrosecondsSince(t1));
            Thread.Sleep(1);
        }

        var after = Read(farm);
        ulong insideCalls = after.InsideCalls - before.InsideCalls, outsideCalls = after.OutsideCalls - before.OutsideCalls;
        double? MeanNs(ulong ticks, ulong calls) => calls == 0 ? null : clocks.TicksToNs((double)ticks / calls);
        var attachEstimate = RobustStatistics.Median(attachUs);
        return new PatchLatencyRow(
            patcher.Name,
            size,
            attachEstimate,
            RobustStatistics.Median(detachUs),
            new Estimate(attachEstimate.Median / size, attachEstimate.CiLow / size, attachEstimate.CiHigh / size),
            (double)(patcher.Syncs - syncsBefore) / (2 * reps),
            MeanNs(after.InsideTicks - before.InsideTicks, insideCalls),
            insideCalls,
            MeanNs(after.OutsideTicks - before.OutsideTicks, outsideCalls),
            outsideCalls,
            after.Preempted - before.Preempted,
            (TrapEmulator.Shared.Counts - trapsBefore).Emulated / (2.0 * reps),
            reps);
    }

    /// <summary>Raw timestamps, not TimeSpan, whose 100 ns ticks would round a 0.4 µs sync to 0.4 exactly.</summary>
    static double MicrosecondsSince(long start) => (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;

    /// <summary>The callers' accumulators, summed over callers.</summary>
    static (ulong InsideTicks, ulong InsideCalls, ulong OutsideTicks, ulong OutsideCalls, ulong Preempted) Read(SiteFarm farm)
    {
        ulong it = 0, ic = 0, ot = 0, oc = 0, pre = 0;
        foreach (ulong block in farm.Callers)
        {
            pre += farm.Arena.ReadUInt64(block + TimedCallerBlock.Preempted);
            it += farm.Arena.ReadUInt64(block + TimedCallerBlock.InsideTicks);
            ic += farm.Arena.ReadUInt64(block + TimedCallerBlock.InsideCalls);
            ot += farm.Arena.ReadUInt64(block + TimedCallerBlock.OutsideTicks);
            oc += farm.Arena.ReadUInt64(block + TimedCallerBlock.OutsideCalls);
        }

        return (it, ic, ot, oc, pre);
    }
}
