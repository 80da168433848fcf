using System.Globalization;
using HookBench.Cells;
using HookBench.Statistics;

namespace HookBench.Results;

/// <summary>
/// What a well-typed summary must also mean before anything reports or gates on it: every number finite,
/// counts positive, each cell's samples present and as many as its kept repetitions, names that are names,
/// no cell twice. Cells whose strategy, axis value or combination this build does not know are
/// <em>foreign</em>: valid data from another build, listed rather than refused here; each verb decides
/// (see <see cref="ForeignCells"/>).
/// </summary>
public static class SummaryValidation
{
    /// <summary>Longest name accepted for a strategy, handler or mode; real ones are under 20 characters.</summary>
    public const int MaxNameLength = 64;

    /// <summary>
    /// Clocks outside 10 MHz..100 GHz are no CPU's. Bounding them (and ns figures, below) also keeps the
    /// statistics finite: a core_hz_estimate of 1e308 made every cycle figure ~1e300, where Pragmastat's shift
    /// estimator never converged and compare hung (found by the damaged-summaries property test).
    /// </summary>
    public const double MinClockHz = 1e7, MaxClockHz = 1e11;

    /// <summary>A per-call time or overhead beyond a second (either sign) is no measurement of a hook.</summary>
    public const double MaxNs = 1e9;

    /// <summary>Throws a one-line <see cref="UsageException"/> for the first problem; returns the foreign cells' keys.</summary>
    public static IReadOnlyList<string> Validate(RunSummary summary, string source)
    {
        if (summary is null)
            throw new UsageException($"{source}: empty summary");
        CheckEnvironment(summary.Environment, source);
        CheckRun(summary.Run, source);
        if (summary.Clock is not null)
            CheckClock(summary.Clock, $"{source}: clock");
        if (summary.Cells is null || summary.Cells.Count == 0)
            throw new UsageException($"{source}: holds no cells; a run without measurements cannot be reported or gated on");

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var foreign = new List<string>();
        for (int i = 0; i < summary.Cells.Count; i++)
        {
            var cell = summary.Cells[i] ?? throw new UsageException($"{source}: cell {i} is null");
            string at = $"{source}: cell {i}";
            Name(cell.Strategy, "strategy", at);
            Name(cell.Handler, "handler", at);
            Name(cell.Mode, "mode", at);
            Name(cell.Profile, "profile", at);
            Name(cell.Caller, "caller", at);
            // Optional axes are part of the key too, which messages and tables print.
            foreach (var (value, field) in new[] { (cell.Bpf, "bpf"), (cell.Lookup, "lookup"), (cell.BpfProgram, "bpf_program") })
            {
                if (value is not null)
                    Name(value, field, at);
            }
            if (cell.Args < 0)
                throw new UsageException($"{at}: args is {cell.Args}; an argument count is at least 0");
            if (cell.Functions < 1)
                throw new UsageException($"{at}: functions is {cell.Functions}; a cell hooks at least 1 function");
            string key = cell.Key;
            at = $"{source}: cell {key}";
            if (!seen.Add(key))
                throw new UsageException($"{at} appears twice; each cell is measured once per run");
            if (IsForeign(cell, at))
                foreign.Add(key);
            CheckCell(cell, summary.Run.Reps, at);
        }

        return foreign;
    }

    /// <summary>The keys of cells this build cannot build: an unknown strategy, handler or mode, args beyond its range, or a combination it refuses.</summary>
    public static IReadOnlyList<string> ForeignCells(RunSummary summary) =>
        [.. summary.Cells.Where(c => IsForeign(c, c.Key)).Select(c => c.Key)];

    static bool IsForeign(CellResult cell, string at)
    {
        if (!CellKey.TryParse(cell.Key, out var key, out _))
            return true;

        // Names parse case-insensitively; a file must use the canonical spelling, or "direct" and "DIRECT"
        // would be two cells in a comparison.
        if (key!.Text != cell.Key)
            throw new UsageException($"{at} is not in canonical form; this build writes it {key.Text}");
        return false;
    }

    static void CheckEnvironment(RunEnvironment? e, string source)
    {
        if (e is null)
            throw new UsageException($"{source}: environment is missing or null");
        string at = $"{source}: environment";
        Text(e.Cpu, "cpu", at);
        Text(e.Microcode, "microcode", at);
        Text(e.Os, "os", at);
        Text(e.Kernel, "kernel", at);
        Text(e.Runtime, "runtime", at);
        foreach (var (value, field) in new[] { (e.Hypervisor, "hypervisor"), (e.CpuVendor, "cpu_vendor"), (e.Microarchitecture, "microarchitecture") })
        {
            if (value is not null)
                Text(value, field, at);
        }

        AtLeast(e.CpuFamily, 0, "cpu_family", at);
        AtLeast(e.CpuModel, 0, "cpu_model", at);
        AtLeast(e.PinnedCpu, 0, "pinned_cpu", at);
        if (e.LogicalCpus is int n)
            AtLeast(n, 1, "logical_cpus", at);
        Clock(e.TscHz, "tsc_hz", at);
        Clock(e.CoreHzEstimate, "core_hz_estimate", at);
        if (e.Mitigations is null)
            throw new UsageException($"{at}.mitigations is missing or null; write {{}} when there are none");
        foreach (var (name, state) in e.Mitigations)
        {
            if (state is null)
                throw new UsageException($"{at}.mitigations.{JsonOutline.Printable(name)} is null; a mitigation state is text");
        }
    }

    static void CheckClock(CoreClockSummary clock, string at)
    {
        if (clock.CoreHz is null || clock.ImulRatio is null || clock.Rounds is null)
            throw new UsageException($"{at}: core_hz, imul_ratio and rounds must all be present (or the whole clock left out)");
        Text(clock.Method, "method", at);
        CheckEstimate(clock.CoreHz, "core_hz", at, positive: true);
        foreach (double hz in new[] { clock.CoreHz.Median, clock.CoreHz.CiLow ?? clock.CoreHz.Median, clock.CoreHz.CiHigh ?? clock.CoreHz.Median })
            Clock(hz, "core_hz", at);
        CheckEstimate(clock.ImulRatio, "imul_ratio", at, positive: true);
        var seen = new HashSet<int>();
        for (int i = 0; i < clock.Rounds.Count; i++)
        {
            var round = clock.Rounds[i] ?? throw new UsageException($"{at}: rounds[{i}] is null");
            string where = $"{at}.rounds[{i}]";
            AtLeast(round.Round, 0, "round", where);
            if (!seen.Add(round.Round))
                throw new UsageException($"{where}: round {round.Round} appears twice");
            Finite(round.AtSeconds, "at_seconds", where);
            // A round without a reading records NaN; one with a reading must be a CPU's clock.
            if (!double.IsNaN(round.CoreHz))
                Clock(round.CoreHz, "core_hz", where);
            if (!double.IsNaN(round.ImulRatio))
                Positive(round.ImulRatio, "imul_ratio", where);
        }
    }

    static void CheckRun(RunInfo? r, string source)
    {
        if (r is null)
            throw new UsageException($"{source}: run is missing or null");
        string at = $"{source}: run";
        if (r.StartedUtc is null || r.Abi is null || r.Interference is null)
            throw new UsageException($"{at}: started_utc, abi and interference must be text");
        Text(r.StartedUtc, "started_utc", at);
        Text(r.Abi, "abi", at);
        Text(r.Interference, "interference", at);
        foreach (var (value, field) in new[] { (r.RepsPolicy, "reps_policy"), (r.CommandLine, "command_line") })
        {
            if (value is not null)
                Text(value, field, at);
        }

        Finite(r.WallSeconds, "wall_seconds", at);
        AtLeast(r.WallSeconds, 0, "wall_seconds", at);
        Positive(r.MeasurementMs, "measurement_ms", at);
        AtLeast(r.Reps, 0, "reps", at);
    }

    static void CheckCell(CellResult c, int runReps, string at)
    {
        if (c.InstructionsNotCountable is not null)
            Text(c.InstructionsNotCountable, "instructions_not_countable", at);
        if (c.Reps < 1)
            throw new UsageException($"{at}: reps is {c.Reps}; a measured cell has at least 1 repetition");
        if (runReps > 0 && c.Reps != runReps)
            throw new UsageException($"{at}: reps is {c.Reps} but the run fixed {runReps} per cell");
        if (c.DiscardedReps < 0 || c.DiscardedReps >= c.Reps)
            throw new UsageException($"{at}: discarded_reps is {c.DiscardedReps} of {c.Reps}; it must be within 0..reps-1 (some repetition is kept)");
        if (c.OverheadSamplesNs is null)
            throw new UsageException($"{at}: overhead_samples_ns is missing or null; a cell's samples are what compare judges");
        int kept = c.Reps - c.DiscardedReps;
        if (c.OverheadSamplesNs.Count != kept)
            throw new UsageException($"{at}: {c.OverheadSamplesNs.Count} overhead samples but reps - discarded_reps = {kept}; they must match");
        for (int i = 0; i < c.OverheadSamplesNs.Count; i++)
            Ns(c.OverheadSamplesNs[i], $"overhead_samples_ns[{i}]", at);

        CheckEstimate(c.NsPerCall, "ns_per_call", at, positive: true, ns: true);
        CheckEstimate(c.OverheadNs, "overhead_ns", at, positive: false, ns: true);
        if (c.BaselineNsPerCall is not null)
            CheckEstimate(c.BaselineNsPerCall, "baseline_ns_per_call", at, positive: true, ns: true);
        Finite(c.CyclesPerCall, "cycles_per_call", at);
        Finite(c.OverheadCycles, "overhead_cycles", at);
        Finite(c.Ratio, "ratio", at);
        AtLeast(c.Outliers, 0, "outliers", at);
        AtLeast(c.BaselineInstructions, 0, "baseline_instructions", at);
        if (c.InstructionsPerCall is int instructions)
            AtLeast(instructions, 0, "instructions_per_call", at);
        if (c.HookCodeBytes is int hookBytes)
            AtLeast(hookBytes, 0, "hook_code_bytes", at);
        if (c.StackBytes is int stack)
            AtLeast(stack, 0, "stack_bytes", at);
        if (c.Placements is int placements)
            AtLeast(placements, 1, "placements", at);
        if (c.CallerInstructionsPerCall is double callerInstructions)
        {
            Finite(callerInstructions, "caller_instructions_per_call", at);
            AtLeast(callerInstructions, 0, "caller_instructions_per_call", at);
        }

        if (c.Footprint is { } f)
        {
            Text(f.Shape, "footprint.shape", at);
            AtLeast(f.CallsPerPass, 1, "footprint.calls_per_pass", at);
            AtLeast(f.InstructionsPerPass, 0, "footprint.instructions_per_pass", at);
            AtLeast(f.BaselineInstructionsPerPass, 0, "footprint.baseline_instructions_per_pass", at);
            AtLeast(f.LookupDataBytes, 0, "footprint.lookup_data_bytes", at);
        }

        if (c.DiscardReasons is not null)
        {
            foreach (var (reason, count) in c.DiscardReasons)
                AtLeast(count, 0, $"discard_reasons.{JsonOutline.Printable(reason)}", at);
        }
    }

    static void CheckEstimate(Estimate? e, string field, string at, bool positive, bool ns = false)
    {
        if (e is null)
            throw new UsageException($"{at}: {field} is missing or null");
        Finite(e.Median, field + ".median", at);
        if (ns)
        {
            Ns(e.Median, field + ".median", at);
            Ns(e.CiLow ?? 0, field + ".ci_low", at);
            Ns(e.CiHigh ?? 0, field + ".ci_high", at);
        }

        // Bounds are null where the sample is too small to have a 95% interval; both or neither.
        if (e.CiLow is null != e.CiHigh is null)
            throw new UsageException($"{at}: {field} has one of ci_low and ci_high null; both are null (no 95% interval) or both are numbers");
        if (e.CiLow is double low && e.CiHigh is double high)
        {
            Finite(low, field + ".ci_low", at);
            Finite(high, field + ".ci_high", at);
            if (low > high)
                throw new UsageException($"{at}: {field} has ci_low {Show(low)} above ci_high {Show(high)}");
        }
        if (positive && e.Median <= 0)
            throw new UsageException($"{at}: {field}.median is {Show(e.Median)}; a call takes a positive time");
    }

    static void Name(string? name, string field, string at)
    {
        if (string.IsNullOrEmpty(name))
            throw new UsageException($"{at}: {field} is missing or empty");
        // '+' for the BPF profile bpf-6.18+stats.
        if (name.Length > MaxNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '+'))
            throw new UsageException($"{at}: {field} '{JsonOutline.Printable(name)}' is not a name (at most {MaxNameLength} ASCII letters, digits, '-', '_', '.' or '+')");
    }

    static void Text(string? value, string field, string at)
    {
        if (value is null)
            throw new UsageException($"{at}.{field} is missing or null");
        if (value.Any(char.IsControl))
            throw new UsageException($"{at}.{field} holds control characters; it is printed in one-line messages and tables");
    }

    static void Finite(double value, string field, string at)
    {
        if (!double.IsFinite(value))
            throw new UsageException($"{at}: {field} is not a finite number");
    }

    static void Clock(double hz, string field, string at)
    {
        Finite(hz, field, at);
        if (hz < MinClockHz || hz > MaxClockHz)
            throw new UsageException($"{at}: {field} is {Show(hz)} Hz; a CPU clock is within {Show(MinClockHz)}..{Show(MaxClockHz)} Hz");
    }

    static void Ns(double ns, string field, string at)
    {
        Finite(ns, field, at);
        if (Math.Abs(ns) > MaxNs)
            throw new UsageException($"{at}: {field} is {Show(ns)} ns; a per-call figure is within ±{Show(MaxNs)} ns (one second)");
    }

    static void Positive(double value, string field, string at)
    {
        Finite(value, field, at);
        if (value <= 0)
            throw new UsageException($"{at}: {field} is {Show(value)}; it must be positive");
    }

    static void AtLeast(double value, double min, string field, string at)
    {
        if (value < min)
            throw new UsageException($"{at}: {field} is {Show(value)}; it must be at least {Show(min)}");
    }

    static string Show(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
