using System.Diagnostics;
using HookBench.Abi;
using HookBench.Machine;
using HookBench.Mitigations;
using HookBench.Measurement.Interference;
using HookBench.Native;
using HookBench.Results;

namespace HookBench.Measurement;

/// <summary>Progress of a run, for a display.</summary>
public readonly record struct RunProgress(int Done, int Total, CellSpec? Current, string Stage);

/// <summary>
/// Runs a plan: pins the measuring thread, raises its priority where permitted, calibrates the clocks,
/// watches the runtime with the interference monitor, measures the cells in a seeded random order, and
/// summarizes them in plan order.
/// </summary>
public static class RunEngine
{
    public static RunSummary Execute(
        IReadOnlyList<CellSpec> plan, MeasurementSettings settings, IInterferenceMonitor monitor,
        Action<RunProgress>? progress = null, string? commandLine = null)
    {
        HostPlatform.EnsureSupported();
        CpuFeatures.EnsureTimingSupported();
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var allowedCpus = ThreadPinning.AllowedCpus();
        int cpu = PinMeasuringThread(settings.Cpu);
        var previousPriority = Thread.CurrentThread.Priority;
        TryRaisePriority();
        try
        {
            progress?.Invoke(new RunProgress(0, plan.Count, null, "calibrating clocks"));
            var clocks = ClockCalibration.Calibrate();
            var machine = MachineInfo.Collect();
            CellSamples[] samples;

            progress?.Invoke(new RunProgress(0, plan.Count, null, "emitting and calibrating cells"));
            var runners = new List<CellRunner>(plan.Count);
            IReadOnlyList<InterferenceEvent> events;
            var rounds = new RoundClocks(clocks.TscHz);
            try
            {
                foreach (var cell in plan)
                    runners.Add(new CellRunner(cell, clocks, settings));
                events = MeasureUntilPrecise(runners, settings, monitor, clocks, rounds, progress);
                samples = [.. runners.Select(r => r.Samples())];
            }
            finally
            {
                foreach (var runner in runners)
                    runner.Dispose();
                rounds.Dispose();
            }

            progress?.Invoke(new RunProgress(plan.Count, plan.Count, null, "done"));
            var coreClock = rounds.Summary();
            var roundHz = coreClock.Rounds.ToDictionary(r => r.Round, r => r.CoreHz);
            var runClocks = double.IsFinite(coreClock.CoreHz.Median) ? clocks with { CoreHz = coreClock.CoreHz.Median } : clocks;
            var cells = samples.Select(s => CellStatistics.Summarize(s, runClocks, events, roundHz, settings.Precision)).ToList();
            return new RunSummary
            {
                Schema = RunSummary.CurrentSchema,
                Environment = new RunEnvironment
                {
                    Cpu = machine.Cpu,
                    CpuVendor = machine.CpuVendor,
                    CpuFamily = machine.CpuFamily,
                    CpuModel = machine.CpuModel,
                    CpuStepping = machine.CpuStepping,
                    Microarchitecture = machine.Identity().Microarchitecture ?? "unknown",
                    Microcode = machine.Microcode,
                    Os = machine.Os,
                    Kernel = machine.Kernel,
                    Hypervisor = machine.Hypervisor,
                    Runtime = machine.Runtime,
                    TscHz = clocks.TscHz,
                    CoreHzEstimate = runClocks.CoreHz,
                    PinnedCpu = cpu,
                    LogicalCpus = Environment.ProcessorCount,
                    InvariantTsc = CpuFeatures.HasInvariantTsc,
                    Mitigations = machine.Mitigations,
                    HostProfile = new HostProfileReading(MitigationProfiles.Host.Knobs, MitigationProfiles.Host.Reasons),
                },
                Run = new RunInfo
                {
                    StartedUtc = started.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                    WallSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
                    Reps = settings.Reps ?? 0,
                    RepsPolicy = settings.Reps is null
                        ? $"adaptive: {settings.MinReps}..{settings.MaxReps} until the overhead 95% CI half-width <= {settings.Precision.Margin:0.##} x max({settings.Precision.AbsoluteNs} ns, {settings.Precision.Relative:P0}), in rounds of {settings.BatchSize}, each round on a fresh placement, no new round after {settings.RunBudget.TotalSeconds:0} s"
                        : $"fixed: {settings.Reps}",
                    MeasurementMs = settings.MeasurementTime.TotalMilliseconds,
                    Seed = settings.Seed,
                    Abi = CallingConvention.Host.Name,
                    Interference = monitor.Description,
                    CommandLine = commandLine,
                },
                Clock = coreClock,
                Cells = cells,
            };
        }
        finally
        {
            Thread.CurrentThread.Priority = previousPriority;
            ThreadPinning.Unpin(allowedCpus);
        }
    }

    /// <summary>
    /// Measures in rounds, then checks each cell's precision after dropping the repetitions the runtime
    /// disturbed (those are known only once the event stream is flushed); cells that fell short get
    /// top-up rounds, at most <see cref="TopUpPasses"/> times.
    /// </summary>
    static IReadOnlyList<InterferenceEvent> MeasureUntilPrecise(
        List<CellRunner> runners, MeasurementSettings settings, IInterferenceMonitor monitor, Clocks clocks, RoundClocks rounds, Action<RunProgress>? progress)
    {
        IReadOnlyList<InterferenceEvent> events = [];
        var active = runners;
        var clock = Stopwatch.StartNew();
        for (int pass = 0; pass <= TopUpPasses && active.Count > 0; pass++)
        {
            var start = active.ToDictionary(r => r, r => r.Count);
            Func<CellRunner, bool> finished = pass == 0
                ? r => Finished(r, settings)
                : r => r.Count >= Math.Min(settings.MaxReps, start[r] + 2 * settings.BatchSize);
            monitor.Start();
            try
            {
                MeasureInRounds(active, runners.Count, settings, finished, rounds, progress);
            }
            finally
            {
                events = monitor.Stop();
            }

            if (settings.Reps is not null || clock.Elapsed >= settings.RunBudget)
                break;
            var current = events;
            active = [.. runners.Where(r => r.Count < settings.MaxReps
                && !settings.Precision.IsMet(CellStatistics.Summarize(r.Samples(), clocks, current, precision: settings.Precision).OverheadNs))];
        }

        return events;
    }

    const int TopUpPasses = 3;

    /// <summary>
    /// Rounds: every unfinished cell gets a batch per round, in a new seeded random order each round,
    /// so each cell's repetitions are spread over the whole run and a slow spell of the machine (a
    /// noisy neighbour, a frequency dip) lands on many cells a little rather than on one cell entirely.
    /// Each round starts by reading the core clock, and each batch runs on the cell's next placement.
    /// A cell finishes at its fixed count, or (adaptive) once it has the minimum and its overhead
    /// interval meets the precision target, or at the cap; no round starts after the run budget.
    /// </summary>
    static void MeasureInRounds(
        List<CellRunner> runners, int total, MeasurementSettings settings, Func<CellRunner, bool> finished, RoundClocks rounds, Action<RunProgress>? progress)
    {
        var random = new Random(settings.Seed + runners.Count + rounds.Count);
        var active = new List<CellRunner>(runners);
        var clock = Stopwatch.StartNew();
        while (active.Count > 0)
        {
            int round = rounds.Begin();
            var order = active.ToArray();
            random.Shuffle(order);
            foreach (var runner in order)
            {
                progress?.Invoke(new RunProgress(total - active.Count, total, runner.Spec, $"round {round + 1}"));
                int batch = settings.Reps is int fixedReps ? Math.Min(settings.BatchSize, fixedReps - runner.Count) : settings.BatchSize;
                runner.MeasureBatch(batch, round);
            }

            bool outOfTime = settings.Reps is null && clock.Elapsed >= settings.RunBudget;
            active.RemoveAll(runner => outOfTime || finished(runner));
        }
    }

    static bool Finished(CellRunner runner, MeasurementSettings settings)
    {
        if (settings.Reps is int fixedReps)
            return runner.Count >= fixedReps;
        if (runner.Count < settings.MinReps)
            return false;
        return runner.Count >= settings.MaxReps || settings.Precision.IsMet(runner.Overhead(), settings.Precision.Margin);
    }

    static int PinMeasuringThread(int? requested)
    {
        var allowed = ThreadPinning.AllowedCpus();
        if (requested is int cpu && !allowed.Contains(cpu))
            throw new UsageException($"--cpu {cpu} is not available to this process; valid: {string.Join(", ", allowed)}");
        // The last CPU by default: CPU 0 takes more of the machine's interrupts.
        int chosen = requested ?? allowed[^1];
        return ThreadPinning.PinCurrentThread(chosen) ? chosen : -1;
    }

    static void TryRaisePriority()
    {
        try
        {
            Thread.CurrentThread.Priority = ThreadPriority.Highest;
            using var process = Process.GetCurrentProcess();
            process.PriorityClass = ProcessPriorityClass.High;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            // Not permitted here: measure at normal priority.
        }
    }
}
