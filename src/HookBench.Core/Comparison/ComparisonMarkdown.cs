using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using HookBench.Machine;

namespace HookBench.Comparison;

/// <summary>The comparison as GitHub-flavoured markdown (a PR comment or job summary) or JSON.</summary>
public static class ComparisonMarkdown
{
    public static string Render(ComparisonReport report)
    {
        var text = new StringBuilder();
        int slower = report.Count(Verdict.Slower), faster = report.Count(Verdict.Faster), same = report.Count(Verdict.Same);
        int added = report.Count(Verdict.New), missing = report.Count(Verdict.Missing), notGated = report.Count(Verdict.NotGated);
        if (report.Gate.Notice is string notice)
            text.Append(notice).Append("\n\n");      // before anything else: it decides how to read the rest
        string icon = report.Gate.Fails ? ":red_circle:" : report.Gate.Gated ? ":white_check_mark:" : ":warning:";
        string gated = report.Gate.Gated ? string.Empty : " (not gated)";
        text.Append(CultureInfo.InvariantCulture,
            $"### {icon} HookBench{gated}: {slower} slower, {faster} faster, {same} same, {notGated} not gated, {added} new, {missing} missing");
        if (report.ExactChanges.Count > 0)
            text.Append(CultureInfo.InvariantCulture, $", {report.ExactChanges.Count} exact figures changed");
        if (report.GeomeanRatio is double g)
            text.Append(CultureInfo.InvariantCulture, $" · geomean ns/call ×{g:F3}");
        text.Append("\n\n");
        foreach (string warning in report.Warnings)
            text.Append("> [!WARNING]\n> ").Append(warning).Append("\n\n");

        if (report.Clock is { } clock)
        {
            text.Append(clock.Describe()).Append(Math.Abs(clock.Relative) >= 0.02
                ? ": a machine-wide shift. Cells are gated in core cycles at each round's own clock, so it moves ns figures, not verdicts.\n\n"
                : ".\n\n");
        }

        string metric = report.Cells.FirstOrDefault(c => c.Verdict != Verdict.New)?.Metric ?? "overhead";
        text.Append(CultureInfo.InvariantCulture,
            $"Gated on {metric}: a cell moved when the 95% interval of the Hodges–Lehmann shift between the runs' cluster medians (rounds on their own placements, or launches) clears max({report.Thresholds.NoiseNs} ns, {report.Thresholds.Relative * 100:0.##}% of the base). Instructions per call, hook code bytes and stack bytes are compared exactly.\n\n");
        ExactTable(text, report.ExactChanges);
        Table(text, "Slower", report.Cells.Where(c => c.Verdict == Verdict.Slower).OrderByDescending(c => c.Shift!.Median));
        Table(text, "Faster", report.Cells.Where(c => c.Verdict == Verdict.Faster).OrderBy(c => c.Shift!.Median));
        var skipped = report.Cells.Where(c => c.Verdict == Verdict.NotGated).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        if (skipped.Count > 0)
        {
            text.Append("#### Not gated\n\n| cell | why |\n|---|---|\n");
            foreach (var c in skipped)
                text.Append(CultureInfo.InvariantCulture, $"| {c.Key} | {c.Reason} |\n");
            text.Append('\n');
        }

        var rest = report.Cells.Where(c => c.Verdict is Verdict.New or Verdict.Missing).ToList();
        if (rest.Count > 0)
        {
            text.Append("#### New or missing\n\n| cell | verdict |\n|---|---|\n");
            foreach (var c in rest.OrderBy(c => c.Key, StringComparer.Ordinal))
                text.Append(CultureInfo.InvariantCulture, $"| {c.Key} | {c.Verdict.ToString().ToLowerInvariant()} |\n");
            text.Append('\n');
        }

        text.Append("<details><summary>Environments</summary>\n\n| | base | current |\n|---|---|---|\n");
        Row(text, "source", report.Base.Source, report.Current.Source);
        Row(text, "CPU", report.Base.Cpu, report.Current.Cpu);
        Row(text, "vendor", Show(report.Base.Identity.Vendor), Show(report.Current.Identity.Vendor));
        Row(text, "family / model / stepping", Signature(report.Base.Identity), Signature(report.Current.Identity));
        Row(text, "microarchitecture", Show(report.Base.Identity.Microarchitecture), Show(report.Current.Identity.Microarchitecture));
        Row(text, "microcode", Show(report.Base.Identity.Microcode), Show(report.Current.Identity.Microcode));
        Row(text, "kernel", report.Base.Kernel, report.Current.Kernel);
        Row(text, "OS", report.Base.Os, report.Current.Os);
        Row(text, "hypervisor", report.Base.Hypervisor ?? "none", report.Current.Hypervisor ?? "none");
        Row(text, "runtime", report.Base.Runtime, report.Current.Runtime);
        text.Append("\n</details>\n");
        return text.ToString();
    }

    static void Table(StringBuilder text, string title, IEnumerable<CellComparison> cells)
    {
        var list = cells.ToList();
        if (list.Count == 0)
            return;
        text.Append(CultureInfo.InvariantCulture, $"#### {title}\n\n| cell | metric | base | current | shift [95% CI] | threshold |\n|---|---|---:|---:|---|---:|\n");
        foreach (var c in list)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {c.Key} | {c.Metric} | {c.BaseMedian:F3} | {c.CurrentMedian:F3} | {c.Shift!.FormatSigned()} | {c.Threshold:F3} |\n");
        }

        text.Append('\n');
    }

    static string Show(object? value) => value?.ToString() ?? "unknown";

    static string Signature(CpuIdentity cpu) => $"{Show(cpu.Family)} / {Show(cpu.Model)} / {Show(cpu.Stepping)}";

    static void ExactTable(StringBuilder text, IReadOnlyList<ExactChange> changes)
    {
        if (changes.Count == 0)
            return;
        text.Append("#### Exact figures changed\n\n| cell | figure | base | current | |\n|---|---|---:|---:|---|\n");
        foreach (var c in changes.OrderBy(c => c.Key, StringComparer.Ordinal).ThenBy(c => c.Metric, StringComparer.Ordinal))
            text.Append(CultureInfo.InvariantCulture, $"| {c.Key} | {c.Metric} | {c.Base} | {c.Current} | {(c.Increased ? "more (fails the gate)" : "fewer")} |\n");
        text.Append('\n');
    }

    static void Row(StringBuilder text, string name, string a, string b) =>
        text.Append(CultureInfo.InvariantCulture, $"| {name} | {a.Replace("|", "\\|", StringComparison.Ordinal)} | {b.Replace("|", "\\|", StringComparison.Ordinal)} |\n");

    public static string RenderJson(ComparisonReport report) => JsonSerializer.Serialize(report, JsonOptions);

    static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
