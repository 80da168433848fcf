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

    /// <summary>Throws a one-line <see cref="UsageException"/> for the first problem; returns the foreign cells' keys.</summary>
    public static IReadOnlyList<string> Validate(RunSummary summary, string source)
    {
        if (summary is null)
            throw new UsageException($"{source}: empty summary");
        CheckEnvironment(summary.Environment, source);
        CheckRun(summary.Run, source);
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
        if (e.Hypervisor is not null)
            Text(e.Hypervisor, "hypervisor", at);
        AtLeast(e.CpuFamily, 0, "cpu_family", at);
        AtLeast(e.CpuModel, 0, "cpu_model", at);
        AtLeast(e.PinnedCpu, 0, "pinned_cpu", at);
        if (e.LogicalCpus is int n)
            AtLeast(n, 1, "logical_cpus", at);
        Positive(e.TscHz, "tsc_hz", at);
        Positive(e.CoreHzEstimate, "core_hz_estimate", at);
        if (e.Mitigations is null)
            throw new UsageException($"{at}.mitigations is missing or null; write {{}} when there are none");
        foreach (var (name, state) in e.Mitigations)
        {
            if (state is null)
                throw new UsageException($"{at}.mitigations.{JsonOutline.Printable(name)} is null; a mitigation state is text");
        }
    }

    static void CheckRun(RunInfo? r, string source)
    {
        if (r is null)
            throw new UsageException($"{source}: run is missing or null");
        string at = $"{source}: run";
        if (r.StartedUtc is null || r.Abi is null || r.Interference is null)
            throw new UsageException($"{at}: started_utc, abi and interference must be text");
        Finite(r.WallSeconds, "wall_seconds", at);
        AtLeast(r.WallSeconds, 0, "wall_seconds", at);
        Positive(r.MeasurementMs, "measurement_ms", at);
        AtLeast(r.Reps, 0, "reps", at);
    }

    static void CheckCell(CellResult c, int runReps, string at)
    {
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
            Finite(c.OverheadSamplesNs[i], $"overhead_samples_ns[{i}]", at);

        CheckEstimate(c.NsPerCall, "ns_per_call", at, positive: true);
        CheckEstimate(c.OverheadNs, "overhead_ns", at, positive: false);
        if (c.BaselineNsPerCall is not null)
            CheckEstimate(c.BaselineNsPerCall, "baseline_ns_per_call", at, positive: true);
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

    static void CheckEstimate(Estimate? e, string field, string at, bool positive)
    {
        if (e is null)
            throw new UsageException($"{at}: {field} is missing or null");
        Finite(e.Median, field + ".median", at);
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
        if (name.Length > MaxNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new UsageException($"{at}: {field} '{JsonOutline.Printable(name)}' is not a name (at most {MaxNameLength} ASCII letters, digits, '-', '_' or '.')");
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
