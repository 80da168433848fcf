using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using HookBench.Comparison;
using HookBench.Reporting;
using HookBench.Results;
using Xunit;
using Xunit.Abstractions;

namespace HookBench.Tests.Hostile;

/// <summary>
/// Random damage to a real summary.json (types, nulls, NaN and Infinity, sizes, duplicates, truncation,
/// stray bytes): every loader must end in exactly one of two ways, a valid run or a one-line
/// <see cref="UsageException"/>. Any other exception fails the test, and CsCheck shrinks it to the
/// smallest damage that shows it.
/// </summary>
public sealed class LoaderPropertyTests(ITestOutputHelper log) : IDisposable
{
    readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "hookbench-fuzz-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>One change to the document: what to do, where (an index into its nodes or bytes), and with what.</summary>
    public sealed record Damage(int Kind, int Where, int What);

    static readonly Gen<Damage> OneDamage = Gen.Select(Gen.Int[0, Kinds - 1], Gen.Int[0, int.MaxValue], Gen.Int[0, 1000], (k, w, v) => new Damage(k, w, v));

    const int Kinds = 14;

    static readonly string Base = RealResults.SummaryText(3);

    static readonly JsonNode[] Replacements =
    [
        JsonValue.Create("__NaN__")!, JsonValue.Create("__Infinity__")!, JsonValue.Create("__-Infinity__")!, JsonValue.Create("NaN")!,
        JsonValue.Create(-1)!, JsonValue.Create(0)!, JsonValue.Create(2147483648L)!, JsonValue.Create(-2147483649L)!,
        JsonValue.Create("")!, JsonValue.Create("kprobe")!, JsonValue.Create("DIRECT")!, JsonValue.Create("a/b")!, JsonValue.Create(true)!,
        JsonValue.Create(1e308)!, JsonValue.Create(-0.0)!, JsonValue.Create(7)!, JsonValue.Create("line\nbreak")!,
    ];

    [Fact]
    public void Ten_thousand_damaged_summaries_load_or_fail_in_one_line() => DamageAndLoad(Base, 10_000, minimumValid: 100, minimumRefused: 1000);

    /// <summary>The same for the current format, whose clock section (per-round readings) the published fixture lacks.</summary>
    [Fact]
    public void Five_thousand_damaged_current_format_summaries_load_or_fail_in_one_line() =>
        DamageAndLoad(RealResults.CurrentSummary, 5_000, minimumValid: 50, minimumRefused: 500);

    void DamageAndLoad(string baseText, int iterations, int minimumValid, int minimumRefused)
    {
        int valid = 0, refused = 0;
        OneDamage.Array[1, 3].Sample(damages =>
        {
            string text = Apply(baseText, damages);
            string file = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".json");
            File.WriteAllText(file, text);
            try
            {
                bool ok = LoadEverywhere(file, compare: damages[0].Where % 8 == 0);
                Interlocked.Increment(ref ok ? ref valid : ref refused);
            }
            finally
            {
                File.Delete(file);
            }
        }, iter: iterations);

        log.WriteLine($"{valid} valid, {refused} refused, 0 other exceptions");

        // Both outcomes must occur, or the damage is too gentle (or too harsh) to test anything.
        Assert.True(valid > minimumValid, $"{valid} valid");
        Assert.True(refused > minimumRefused, $"{refused} refused");
    }

    /// <summary>
    /// Values that parse and are finite but no machine produces. The first hung compare (cycle figures of ~1e300,
    /// where the shift estimator never converges); the property test found it once in several CI runs.
    /// </summary>
    [Theory]
    [InlineData("environment.core_hz_estimate", "1E+308", "core_hz_estimate is 1E+308 Hz; a CPU clock is within 1E+07..1E+11 Hz")]
    [InlineData("environment.tsc_hz", "5", "tsc_hz is 5 Hz")]
    [InlineData("clock.core_hz.median", "1E+300", "clock: core_hz is 1E+300 Hz")]
    [InlineData("clock.rounds.0.core_hz", "1E+300", "rounds[0]: core_hz is 1E+300 Hz")]
    [InlineData("clock.rounds", "null", "'rounds' is null; it is required")]
    [InlineData("cells.1.overhead_samples_ns.0", "1E+300", "overhead_samples_ns[0] is 1E+300 ns")]
    [InlineData("cells.1.ns_per_call.median", "-1E+12", "ns_per_call.median is -1E+12 ns")]
    public void Implausible_values_are_refused_in_one_line_before_anything_computes_with_them(string path, string json, string message)
    {
        var root = JsonNode.Parse(RealResults.CurrentSummary)!;
        JsonNode parent = root;
        string[] steps = path.Split('.');
        foreach (string step in steps[..^1])
            parent = int.TryParse(step, out int index) ? parent[index]! : parent[step]!;
        var value = JsonNode.Parse(json);
        if (int.TryParse(steps[^1], out int last))
            parent[last] = value;
        else
            parent[steps[^1]] = value;
        string file = Path.Combine(_dir, "implausible.json");
        File.WriteAllText(file, root.ToJsonString());
        foreach (string verb in new[] { "compare", "machine" })
        {
            string[] args = verb == "compare" ? [verb, file, file] : [verb, file];
            var (exit, _, error) = HookBench.Tests.Cli.CliHarness.Run(args);
            Assert.True(exit == 2, $"{verb} → {exit}: {error}");
            Assert.Contains(message, error, StringComparison.Ordinal);
            Assert.Single(error.Trim().Split('\n'));
        }
    }

    [Fact]
    public void Damaged_benchmarkdotnet_reports_load_or_fail_in_one_line()
    {
        string report = RealResults.ReportText(4, measurements: false);
        OneDamage.Array[1, 3].Sample(damages =>
        {
            string file = Path.Combine(_dir, Guid.NewGuid().ToString("N") + "-report-full.json");
            File.WriteAllText(file, Apply(report, damages));
            try
            {
                var run = RunLoader.Load(file);
                ComparisonMarkdown.RenderJson(Comparer.Compare(run, run, new Thresholds()));
            }
            catch (UsageException e)
            {
                Assert.DoesNotContain('\n', e.Message);
            }
            finally
            {
                File.Delete(file);
            }
        }, iter: 2_000);
    }

    /// <summary>
    /// compare's, machine's and report's loaders, then what each does with a run (the comparison, the costliest
    /// part, for one sample in eight: enough to catch a value that loads but breaks the statistics or rendering);
    /// true when all accepted it.
    /// </summary>
    static bool LoadEverywhere(string file, bool compare)
    {
        bool allValid = true;
        foreach (var load in new Action[]
        {
            () =>
            {
                var run = RunLoader.Load(file);
                if (!compare)
                    return;
                var report = Comparer.Compare(run, run, new Thresholds());
                ComparisonMarkdown.Render(report);
                ComparisonMarkdown.RenderJson(report);
            },
            () => PublishedMachine.SlugFor(SummaryLoader.Load(file, ForeignCellPolicy.Allow, "machine").Environment),
            () => ReportBuilder.Render(PublishedMachine.Load([file])),
        })
        {
            try
            {
                load();
            }
            catch (UsageException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                Assert.DoesNotContain('\n', e.Message);
                Assert.DoesNotContain('\r', e.Message);
                allValid = false;
            }
        }

        return allValid;
    }

    /// <summary>Applies the damages in order; structural ones on the parsed tree, textual ones on the text.</summary>
    public static string Apply(string json, IReadOnlyList<Damage> damages)
    {
        string text = json;
        foreach (var d in damages)
            text = Apply(text, d);
        return text;
    }

    static string Apply(string text, Damage d)
    {
        if (d.Kind >= 9)
            return Textual(text, d);
        JsonNode? root;
        List<JsonNode> nodes;
        try
        {
            root = JsonNode.Parse(text);
            if (root is null)
                return text;
            nodes = [.. Walk(root)];
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            // Already unparseable (or holding a duplicate field): damage the text instead.
            return Textual(text, d with { Kind = 9 + d.What % (Kinds - 9) });
        }

        var target = nodes[d.Where % nodes.Count];
        switch (d.Kind)
        {
            case 0:     // replace a value with something of another type or out of range
                Replace(root, target, Replacements[d.What % Replacements.Length].DeepClone());
                break;
            case 1:     // null
                Replace(root, target, null);
                break;
            case 2:     // remove a field or element
                if (target.Parent is JsonObject o)
                    o.Remove(target.GetPropertyName());
                else if (target.Parent is JsonArray a)
                    a.RemoveAt(target.GetElementIndex());
                break;
            case 3:     // duplicate a cell (or any array element)
                if (root is JsonObject { } summary && summary["cells"] is JsonArray cells && cells.Count > 0)
                    cells.Add(cells[d.What % cells.Count]?.DeepClone());
                break;
            case 4:     // empty an array or object
                Replace(root, target, d.What % 2 == 0 ? new JsonArray() : new JsonObject());
                break;
            case 5:     // grow an array (more samples than reps, say)
                if (target is JsonArray grow && grow.Count > 0)
                {
                    for (int i = 0; i < 1 + d.What % 5; i++)
                        grow.Add(grow[i % grow.Count]?.DeepClone());
                }

                break;
            case 6:     // a number nudged: negative, zero, huge, fractional where an integer goes
                if (target is JsonValue v && v.TryGetValue(out double x))
                {
                    double y = (d.What % 4) switch { 0 => -x, 1 => 0.0, 2 => x * 1e300, _ => x + 0.5 };
                    Replace(root, target, double.IsFinite(y) ? JsonValue.Create(y) : JsonValue.Create(y > 0 ? "__Infinity__" : "__-Infinity__"));
                }

                break;
            case 7:     // a field renamed (case or spelling), so a required one goes missing and an unknown one appears
                if (target.Parent is JsonObject parent)
                {
                    string name = target.GetPropertyName();
                    parent.Remove(name);
                    parent[d.What % 2 == 0 ? name.ToUpperInvariant() : name + "_x"] = target;
                }

                break;
            case 8:     // the root replaced by one of its parts (an array, a cell, a number)
                root = target.DeepClone();
                break;
        }

        return Unplaceholder(root?.ToJsonString() ?? "null");
    }

    /// <summary>Damage to the bytes: truncation, a stray or deleted character, a duplicated field, deep nesting, a BOM.</summary>
    static string Textual(string text, Damage d)
    {
        int at = text.Length == 0 ? 0 : d.Where % text.Length;
        return (d.Kind - 9) switch
        {
            0 => text[..at],
            1 => text.Insert(at, ((char)(d.What % 128)).ToString()),
            2 => text.Length == 0 ? text : text.Remove(at, 1),
            3 => text.Length == 0 ? text : text.Insert(1, "\"schema\": \"hookbench/1\", "),
            _ => (d.What % 3) switch
            {
                0 => "\uFEFF" + text,
                1 => string.Concat(Enumerable.Repeat("[", 40 + d.What)) + text,
                _ => text.Replace("1", "1" + new string('0', d.What % 400), StringComparison.Ordinal),
            },
        };
    }

    static string Unplaceholder(string json) => json
        .Replace("\"__NaN__\"", "NaN", StringComparison.Ordinal)
        .Replace("\"__Infinity__\"", "Infinity", StringComparison.Ordinal)
        .Replace("\"__-Infinity__\"", "-Infinity", StringComparison.Ordinal);

    static void Replace(JsonNode root, JsonNode target, JsonNode? value)
    {
        if (target == root)
            return;
        if (target.Parent is JsonObject o)
            o[target.GetPropertyName()] = value;
        else if (target.Parent is JsonArray a)
            a[target.GetElementIndex()] = value;
    }

    static IEnumerable<JsonNode> Walk(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children)
        {
            if (child is null)
                continue;
            foreach (var n in Walk(child))
                yield return n;
        }
    }
}
