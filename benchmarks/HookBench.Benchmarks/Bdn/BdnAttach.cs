using HookBench.Cells;

namespace HookBench.Cli.Bdn;

/// <summary>
/// The <see cref="HookBenchmarks.Attach"/> parameter: one string per attachment, <c>default</c> or the
/// cell key's tail without its leading separator (<c>ops=8/match=0.125</c>), so BenchmarkDotNet's cross
/// product grows by one short list instead of five axes.
/// </summary>
public static class BdnAttach
{
    public const string Default = "default";

    /// <summary>The values the suite offers: the issue-10 figures at a few points each.</summary>
    public static IReadOnlyList<string> Values { get; } =
    [
        Default,
        "ops=2", "ops=4", "ops=8", "ops=16", "ops=32", "ops=8/match=0.125", "ops=32/match=0.0625",
        "progs=2", "progs=4", "progs=8", "progs=38",
        "bpf=bpf-6.17", "bpf=bpf-6.18", "bpf=bpf-6.18+stats",
        "bpf=bpf-6.18/lookup=hash", "bpf=bpf-6.18/lookup=padding",
    ];

    public static Attachment Parse(string value)
    {
        var attach = Attachment.Default;
        if (value == Default)
            return attach;
        foreach (string term in value.Split(CellKey.Separator))
        {
            string[] axisValue = term.Split('=', 2);
            if (axisValue.Length != 2)
                throw new UsageException($"Attach '{value}' is not {Default} or axis=value terms; axes: {string.Join(", ", Attachment.Axes)}");
            attach = attach.With(axisValue[0], axisValue[1]);
        }

        return attach;
    }

    /// <summary>The key tail of a parameter value (empty for the default).</summary>
    public static string Suffix(string value) => Parse(value).Suffix;
}
