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
        int added = report.Count(Verdict.New), missing = report.Count(Verdict.Missing);
        if (report.Gate.Notice is string notice)
            text.Append(notice).Append("\n\n");      // before anything else: it decides how to read the rest
        string icon = report.Gate.Fails ? ":red_circle:" : report.Gate.Gated ? ":white_check_mark:" : ":warning:";
        string gated = report.Gate.Gated ? string.Empty : " (not gated)";
        text.Append(CultureInfo.InvariantCulture,
            $"### {icon} HookBench{gated}: {slower} slower, {faster} faster, {same} same, {added} new, {missing} missing");
        if (report.GeomeanRatio is double g)
            text.Append(CultureInfo.InvariantCulture, $" · geomean ×{g:F3}");
        text.Append("\n\n");
        foreach (string warning in report.Warnings)
            text.Append("> [!WARNING]\n> ").Append(warning).Append("\n\n");

        text.Append(CultureInfo.InvariantCulture,
            $"A cell moved when the 95% interval of the shift between the runs' repetitions clears max({report.Thresholds.NoiseNs} ns, {report.Thresholds.Relative * 100:0.##}% of the base).\n\n");
        Table(text, "Slower", report.Cells.Where(c => c.Verdict == Verdict.Slower).OrderByDescending(c => c.Shift!.Median));
        Table(text, "Faster", report.Cells.Where(c => c.Verdict == Verdict.Faster).OrderBy(c => c.Shift!.Median));
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
                $"| {c.Key} | {c.Metric} | {c.BaseMedian:F3} | {c.CurrentMedian:F3} | {c.Shift!.Median:+0.000;-0.000} [{c.Shift.CiLow:+0.000;-0.000}; {c.Shift.CiHigh:+0.000;-0.000}] | {c.Threshold:F3} |\n");
        }

        text.Append('\n');
    }

    static string Show(object? value) => value?.ToString() ?? "unknown";

    static string Signature(CpuIdentity cpu) => $"{Show(cpu.Family)} / {Show(cpu.Model)} / {Show(cpu.Stepping)}";

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
