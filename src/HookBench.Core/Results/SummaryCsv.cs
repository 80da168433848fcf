using System.Globalization;
using System.Text;

namespace HookBench.Results;

/// <summary>summary.csv: one row per cell, for spreadsheets and plotting scripts.</summary>
public static class SummaryCsv
{
    public const string Header =
        "strategy,args,handler,mode,reps,discarded_reps,ns_per_call,ns_per_call_ci_low,ns_per_call_ci_high,"
        + "baseline_ns_per_call,overhead_ns,overhead_ns_ci_low,overhead_ns_ci_high,cycles_per_call,overhead_cycles,"
        + "instructions_per_call,hook_instructions,ratio,outliers,profile,"
        + "overhead_cycles_ci_low,overhead_cycles_ci_high,precise,hook_code_bytes,stack_bytes,placements,"
        + "functions,caller,caller_instructions_per_call,ops,match,progs,bpf,lookup,"
        + "bpf_program,user_instructions_per_call,first_hit_overhead_ns,site_after_first_hit,bpf_counted_calls";

    public static string Render(RunSummary summary)
    {
        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        foreach (var c in summary.Cells)
        {
            string[] fields =
            [
                c.Strategy, N(c.Args), c.Handler, c.Mode, N(c.Reps), N(c.DiscardedReps),
                F(c.NsPerCall.Median), F(c.NsPerCall.CiLow), F(c.NsPerCall.CiHigh),
                F(c.BaselineNsPerCall?.Median ?? double.NaN),
                F(c.OverheadNs.Median), F(c.OverheadNs.CiLow), F(c.OverheadNs.CiHigh),
                F(c.CyclesPerCall), F(c.OverheadCycles), N(c.InstructionsPerCall), N(c.HookInstructions), F(c.Ratio), N(c.Outliers), c.Profile,
                F(c.OverheadCyclesEstimate?.CiLow), F(c.OverheadCyclesEstimate?.CiHigh),
                c.Precision is null ? string.Empty : c.Precision.Met ? "yes" : "no",
                N(c.HookCodeBytes), N(c.StackBytes), N(c.Placements),
                N(c.Functions), c.Caller, c.CallerInstructionsPerCall is double ci ? F(ci) : string.Empty,
                N(c.Ops), c.Match is decimal m ? Cells.Attachment.FormatMatch(m) : string.Empty, N(c.Progs), c.Bpf ?? string.Empty, c.Lookup ?? string.Empty,
                c.BpfProgram ?? string.Empty, N(c.UserInstructionsPerCall), c.Kernel is { } k ? F(k.FirstHitOverheadNs.Median) : string.Empty,
                c.Kernel?.SiteAfterFirstHit ?? string.Empty, c.Kernel?.BpfCountedCalls?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            ];
            text.Append(string.Join(',', fields)).Append('\n');
        }

        return text.ToString();
    }

    static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An instruction count that may not be countable (a kernel trap on the path): empty in that case.</summary>
    static string N(int? value) => value is int n ? N(n) : string.Empty;

    static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>An interval bound that may not exist (too few rounds for a 95% interval): empty in that case.</summary>
    static string F(double? value) => value is double v ? F(v) : string.Empty;
}
