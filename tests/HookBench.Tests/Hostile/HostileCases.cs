using System.Text;
using System.Text.Json.Nodes;

namespace HookBench.Tests.Hostile;

/// <summary>
/// One hostile input beyond the issue's reproductions: its class, what it does to the scratch folder, the
/// command line, and the expected outcome: refused (exit 2, one line containing <see cref="Expect"/>, nothing
/// written) or accepted with <see cref="Exit"/>.
/// </summary>
public sealed record HostileCase(string Class, string Name, Func<Scratch, string[]> Args, string Expect, int Exit = 2)
{
    public bool Refused => Exit == 2;
}

/// <summary>The catalogue: 100+ hostile inputs tried beyond the issue's, by class (see HostileCaseTests).</summary>
public static class HostileCases
{
    const string Verbs = "verbs and options";
    const string Numbers = "option values";
    const string Inputs = "input paths";
    const string Syntax = "JSON syntax";
    const string Meaning = "summary meaning";
    const string Bdn = "BenchmarkDotNet reports";
    const string Outputs = "output paths";

    static JsonObject Cell(JsonObject s, int i = 0) => s["cells"]![i]!.AsObject();

    static string[] A(params string[] args) => args;

    static string Machine(Scratch s, string name, Action<JsonObject> change) => s.Summary(name, change);

    static string Text(Scratch s, string name, Func<string, string> change) => s.SummaryText(name, change);

    static string First(string text, string find, string replace)
    {
        int at = text.IndexOf(find, StringComparison.Ordinal);
        return at < 0 ? throw new InvalidOperationException(find) : text[..at] + replace + text[(at + find.Length)..];
    }

    static HostileCase Summary(string name, Action<JsonObject> change, string expect, int exit = 2) =>
        new(Meaning, name, s => A("compare", s.Good, Machine(s, "case.json", change)), expect, exit);

    static HostileCase Json(string name, Func<string, string> change, string expect, int exit = 2) =>
        new(Syntax, name, s => A("machine", Text(s, "case.json", change)), expect, exit);

    static HostileCase Report(string name, Action<JsonObject> change, string expect, int exit = 2) =>
        new(Bdn, name, s => A("compare", s.Report, s.BdnReport("case-report-full.json", change)), expect, exit);

    static void EachBenchmark(JsonObject r, Action<JsonObject> change)
    {
        foreach (var b in r["Benchmarks"]!.AsArray())
            change(b!.AsObject());
    }

    static IEnumerable<HostileCase> All()
    {
        // Verbs and options: typos, case, stray characters, missing or extra arguments.
        foreach (var (typed, verb) in new[] { ("Run", "run"), ("lst", "list"), ("machines", "machine"), ("reprot", "report"), ("publsh", "publish"), ("crosschek", "crosscheck"), ("sensitivty", "sensitivity"), ("disasm-", "disasm"), ("run ", "run"), ("rún", "run") })
            yield return new(Verbs, $"verb typo '{typed}'", _ => A(typed), $"did you mean '{verb}'?");
        yield return new(Verbs, "a lone dash", _ => A("-"), "unknown verb '-'");
        yield return new(Verbs, "a lone double dash", _ => A("--"), "unknown option '--'");
        yield return new(Verbs, "newline inside a verb", _ => A("ru\nn"), "unknown verb 'ru?n'");
        yield return new(Verbs, "a 10,000-character verb", _ => A(new string('x', 10_000)), "unknown verb 'xxxx");
        yield return new(Verbs, "option=value typo", _ => A("list", "--nope=1"), "unknown option '--nope=1' for 'list'");
        yield return new(Verbs, "option without its value", _ => A("run", "--reps"), "Required argument missing for option: '--reps'");
        yield return new(Verbs, "an option given twice", _ => A("run", "--reps", "5", "--reps", "6"), "expects a single argument but 2 were provided");
        yield return new(Verbs, "compare without arguments", _ => A("compare"), "Required argument missing for command: 'compare'");
        yield return new(Verbs, "compare with one argument", _ => A("compare", "a"), "Required argument missing");
        yield return new(Verbs, "an extra argument", _ => A("disasm", "--strategy", "direct", "--args", "2", "extra"), "unexpected argument 'extra' for 'disasm'");
        yield return new(Verbs, "a verb option before 'full'", _ => A("full", "--strategies", "x"), "'--strategies' is an option of 'run'");
        yield return new(Verbs, "a verb option among BenchmarkDotNet's", _ => A("--filter", "*", "--reps", "5"), "'--reps' is an option of 'run'");
        yield return new(Verbs, "a verb option in the wrong verb", _ => A("compare", "a", "b", "--strategies", "x"), "unknown option '--strategies' for 'compare'");
        yield return new(Verbs, "single-dash long option", _ => A("run", "-strategies", "x"), "unknown option '-strategies' for 'run'");
        yield return new(Verbs, "root help as /?", _ => A("/?"), "", Exit: 0);
        yield return new(Verbs, "a response file of zeros to a verb", _ => A("list", "@/dev/zero"), "unexpected argument '@/dev/zero' for 'list'");
        yield return new(Verbs, "a response file of zeros to BenchmarkDotNet", _ => A("--filter", "@/dev/zero"), "response files ('@/dev/zero') are not read");
        yield return new(Verbs, "a FIFO as a response file", s => { MakeFifo(s.Path("args.rsp")); return A("run", "@" + s.Path("args.rsp")); }, "unexpected argument '@");

        // Option values: named and out-of-range numbers, other notations, empty values.
        foreach (string t in new[] { "NaN", "Infinity", "-5%", "0%", "100%", "1e309", "5%%", "", "0x05", "five" })
            yield return new(Numbers, $"--threshold '{t}'", s => A("compare", s.Good, s.Good, "--threshold", t), "--threshold");
        foreach (string t in new[] { "NaN", "-1", "1e7", "Infinity", "" })
            yield return new(Numbers, $"--noise '{t}'", s => A("compare", s.Good, s.Good, "--noise", t), "--noise");
        foreach (string t in new[] { "NaN", "1e3", "0x10", "10001", "4", "", "-5", "5.0" })
            yield return new(Numbers, $"--reps '{t}'", _ => A("run", "--reps", t), "--reps must be an integer in 5..10000");
        foreach (string t in new[] { "NaN", "Infinity", "-0", "1e-9", "1001" })
            yield return new(Numbers, $"--measure-ms '{t}'", _ => A("run", "--measure-ms", t), "--measure-ms must be a number in 0.1..1000");
        yield return new(Numbers, "--seed below 0", _ => A("run", "--seed", "-1"), "--seed must be an integer");
        yield return new(Numbers, "--seed beyond int", _ => A("run", "--seed", "2147483648"), "--seed must be an integer");
        yield return new(Numbers, "--cpu 64", _ => A("run", "--cpu", "64"), "--cpu must be an integer in 0..63");
        foreach (string t in new[] { "0-", "-", "1--3", ",", "٣", "2147483648" })
            yield return new(Numbers, $"--args '{t}'", _ => A("run", "--args", t), "--args");
        yield return new(Numbers, "--cycles 0", _ => A("sensitivity", "--cycles", "0"), "--cycles value must be an integer in 1..256");
        yield return new(Numbers, "--cycles x", _ => A("sensitivity", "--cycles", "1,x"), "--cycles value must be an integer");
        yield return new(Numbers, "latency at 0 args", _ => A("sensitivity", "--mode", "latency", "--args", "0"), "mode latency needs args >= 1");
        yield return new(Numbers, "--format in capitals", s => A("compare", s.Good, s.Good, "--format", "HTML"), "unknown format 'html'; valid: markdown, json");

        // Input paths: not files, not JSON, not there, or more than one candidate.
        yield return new(Inputs, "a folder without results", s => { Directory.CreateDirectory(s.Path("nothing/deeper")); return A("compare", s.Good, s.Path("nothing")); }, "holds no summary.json");
        yield return new(Inputs, "/dev/null", s => A("compare", s.Good, "/dev/null"), "not a regular file");
        yield return new(Inputs, "/proc/self/status (size 0)", s => A("compare", s.Good, "/proc/self/status"), "not a regular file");
        yield return new(Inputs, "/etc/passwd", _ => A("machine", "/etc/passwd"), "corrupt JSON");
        yield return new(Inputs, "a binary (hookbench.dll)", _ => A("machine", Path.Combine(AppContext.BaseDirectory, "hookbench.dll")), "corrupt JSON");
        yield return new(Inputs, "a path with a newline", s => A("machine", s.Path("a\nb.json")), "a?b.json does not exist");
        yield return new(Inputs, "a path with a NUL", _ => A("machine", "a\0b"), "a path with a NUL character was given");
        yield return new(Inputs, "a 5,000-character path", s => A("machine", s.Path(new string('p', 5000))), "does not exist");
        yield return new(Inputs, "a dangling link", s => { File.CreateSymbolicLink(s.Path("dangling.json"), s.Path("gone.json")); return A("machine", s.Path("dangling.json")); }, "which does not exist");
        yield return new(Inputs, "a link to a folder without results", s => { Directory.CreateDirectory(s.Path("empty")); File.CreateSymbolicLink(s.Path("to-empty"), s.Path("empty")); return A("compare", s.Good, s.Path("to-empty")); }, "holds no summary.json");
        yield return new(Inputs, "a folder with two reports", s => { s.Write("two/a-report-full.json", RealResults.ReportText()); s.Write("two/b/b-report-full.json", RealResults.ReportText()); return A("compare", s.Report, s.Path("two")); }, "holds 2 BenchmarkDotNet reports; name one of them");
        yield return new(Inputs, "summary.json that is a folder", s => { Directory.CreateDirectory(s.Path("odd/summary.json")); return A("machine", s.Path("odd")); }, "is a folder");
        yield return new(Inputs, "summary.json linked to /dev/zero", s => { Directory.CreateDirectory(s.Path("z")); File.CreateSymbolicLink(s.Path("z/summary.json"), "/dev/zero"); return A("machine", s.Path("z")); }, "not a regular file");
        yield return new(Inputs, "summary.json that is a FIFO", s => { Directory.CreateDirectory(s.Path("f")); MakeFifo(s.Path("f/summary.json")); return A("report", s.Path("f"), "--out", s.Path("page")); }, "not a regular file");
        yield return new(Inputs, "report of one folder twice", s => A("report", Path.GetDirectoryName(s.Good)!, s.Good, "--out", s.Path("page")), "are both from machine");
        yield return new(Inputs, "a summary against a BenchmarkDotNet report", s => A("compare", s.Good, s.Report), "compare like with like");
        yield return new(Inputs, "no cells in common", s => A("compare", s.Good, Machine(s, "other.json", j => { j["cells"] = new JsonArray(Cell(j, 0).DeepClone()); Cell(j)["args"] = 99; })), "no cells in common");
        yield return new(Inputs, "the same file twice", s => A("compare", s.Good, s.Good), "", Exit: 0);

        // JSON syntax: encodings, grammar, limits.
        yield return Json("a UTF-8 byte-order mark", t => "\uFEFF" + t, "", exit: 0);
        yield return new(Syntax, "UTF-16 text", s => { File.WriteAllText(s.Path("u16.json"), RealResults.SummaryText(), Encoding.Unicode); return A("machine", s.Path("u16.json")); }, "corrupt JSON");
        yield return Json("trailing garbage", t => t + "x", "corrupt JSON");
        yield return Json("a second document", t => t + "{}", "corrupt JSON");
        yield return Json("a // comment", t => "// hi\n" + t, "corrupt JSON");
        yield return Json("a trailing comma", t => First(t, "\"schema\": \"hookbench/1\",", "\"schema\": \"hookbench/1\",,"), "corrupt JSON");
        yield return Json("single quotes", t => First(t, "\"schema\": \"hookbench/1\"", "'schema': 'hookbench/1'"), "corrupt JSON");
        yield return Json("nesting 100 deep", t => First(t, "\"schema\"", "\"x\": " + new string('[', 100) + new string(']', 100) + ", \"schema\""), "corrupt JSON");
        yield return Json("a 100 KiB string", t => First(t, "\"cpu\": \"", "\"cpu\": \"" + new string('c', 100 * 1024)), "longer than 64 KiB");
        yield return Json("a lone surrogate escape", t => First(t, "\"cpu\": \"", "\"cpu\": \"\\ud800"), "");
        yield return new(Syntax, "invalid UTF-8 bytes", s =>
        {
            byte[] bytes = Encoding.UTF8.GetBytes(RealResults.SummaryText());
            int at = Encoding.UTF8.GetByteCount(RealResults.SummaryText()[..(RealResults.SummaryText().IndexOf("\"cpu\": \"", StringComparison.Ordinal) + 8)]);
            (bytes[at], bytes[at + 1]) = ((byte)0xC3, (byte)0x28);
            File.WriteAllBytes(s.Path("bad-utf8.json"), bytes);
            return A("machine", s.Path("bad-utf8.json"));
        }, "");
        yield return Json("schema twice", t => First(t, "{", "{\"schema\": \"hookbench/1\", "), "appears twice");
        yield return Json("a nested field twice", t => First(t, "\"reps\": ", "\"reps\": 5, \"reps\": "), "Duplicate");
        yield return new(Syntax, "an empty file", s => A("machine", s.Write("empty.json", "")), "is empty or not a regular file");
        yield return Json("whitespace only", _ => "   \n\t ", "corrupt JSON");
        yield return Json("an empty object", _ => "{}", "no \"schema\" string field");
        yield return Json("schema as a number", t => First(t, "\"hookbench/1\"", "1"), "no \"schema\" string field");
        yield return Json("schema in capitals", t => First(t, "\"hookbench/1\"", "\"HOOKBENCH/1\""), "schema 'HOOKBENCH/1' is not supported");
        yield return Json("schema with a trailing space", t => First(t, "\"hookbench/1\"", "\"hookbench/1 \""), "is not supported");
        yield return Json("a lone brace", _ => "{", "corrupt JSON");
        yield return Json("leading zeros", t => First(t, "\"cpu_family\": ", "\"cpu_family\": 0"), "corrupt JSON");
        yield return Json("a plus sign", t => First(t, "\"cpu_family\": ", "\"cpu_family\": +"), "corrupt JSON");
        yield return Json("unknown extra fields", t => First(t, "{", "{\"added_later\": {\"x\": [1, 2]}, "), "", exit: 0);

        // Summary meaning: counts, consistency, ranges, names.
        yield return Summary("all repetitions discarded", s => Cell(s)["discarded_reps"] = Cell(s)["reps"]!.GetValue<int>(), "discarded_reps is");
        yield return Summary("one sample too many", s => Cell(s)["overhead_samples_ns"]!.AsArray().Add(0.1), "overhead samples but reps - discarded_reps");
        yield return Summary("one sample too few", s => Cell(s)["overhead_samples_ns"]!.AsArray().RemoveAt(0), "overhead samples but reps - discarded_reps");
        yield return Summary("ci_low above ci_high", s => { Cell(s)["overhead_ns"]!["ci_low"] = 9; Cell(s)["overhead_ns"]!["ci_high"] = 1; }, "has ci_low 9 above ci_high 1");
        yield return Summary("ns/call of 0", s => Cell(s)["ns_per_call"]!["median"] = 0, "a call takes a positive time");
        yield return Summary("negative ns/call", s => Cell(s)["ns_per_call"]!["median"] = -1, "a call takes a positive time");
        yield return Summary("TSC at 0 Hz", s => s["environment"]!["tsc_hz"] = 0, "tsc_hz is 0 Hz; a CPU clock is within 1E+07..1E+11 Hz");
        yield return Summary("negative core clock", s => s["environment"]!["core_hz_estimate"] = -1, "core_hz_estimate is -1");
        yield return Summary("a CPU name with a newline", s => s["environment"]!["cpu"] = "AMD\nEPYC", "holds control characters");
        yield return Summary("a kernel with an escape character", s => s["environment"]!["kernel"] = "6.1\u001b[31m", "holds control characters");
        yield return Summary("mitigations as an array", s => s["environment"]!["mitigations"] = new JsonArray(), "mitigations");
        yield return Summary("cpu_family -1", s => s["environment"]!["cpu_family"] = -1, "cpu_family is -1");
        yield return Summary("pinned_cpu -1", s => s["environment"]!["pinned_cpu"] = -1, "pinned_cpu is -1");
        yield return Summary("logical_cpus 0", s => s["environment"]!["logical_cpus"] = 0, "logical_cpus is 0");
        yield return Summary("measurement_ms 0", s => s["run"]!["measurement_ms"] = 0, "measurement_ms is 0");
        yield return Summary("negative wall time", s => s["run"]!["wall_seconds"] = -1, "wall_seconds is -1");
        yield return Summary("fixed reps that the cells do not have", s => s["run"]!["reps"] = 7, "but the run fixed 7 per cell");
        yield return Summary("args beyond int", s => Cell(s)["args"] = 2147483648L, "expected an integer");
        yield return Summary("args beyond this build's range", s => Cell(s)["args"] = 99, "this build does not know", exit: 0);
        yield return new(Meaning, "args beyond the range, in report", s => A("report", Machine(s, "r/summary.json", j => Cell(j)["args"] = 99), "--out", s.Path("page")), "this build does not know");
        yield return Summary("a strategy with a slash", s => Cell(s)["strategy"] = "a/b", "is not a name");
        yield return Summary("a strategy with a space", s => Cell(s)["strategy"] = " none", "is not a name");
        yield return Summary("a 65-character strategy", s => Cell(s)["strategy"] = new string('s', 65), "is not a name");
        yield return Summary("an empty handler", s => Cell(s)["handler"] = "", "handler is missing or empty");
        yield return Summary("an unknown mode", s => Cell(s)["mode"] = "cold", "this build does not know", exit: 0);
        yield return Summary("negative outliers", s => Cell(s)["outliers"] = -1, "outliers is -1");
        yield return Summary("negative instruction count", s => Cell(s)["instructions_per_call"] = -1, "instructions_per_call is -1");
        yield return Summary("a negative discard count", s => Cell(s)["discard_reasons"] = new JsonObject { ["gc"] = -2 }, "discard_reasons.gc is -2");
        yield return Summary("a negative call count", s => Cell(s)["calls_per_measurement"] = -5, "expected a non-negative integer");
        yield return Summary("a sample that is text", s => Cell(s)["overhead_samples_ns"]![0] = "0.1", "expected");
        yield return Summary("a sample that is null", s => Cell(s)["overhead_samples_ns"]![0] = null, "overhead_samples_ns");
        yield return Summary("a cell that is a number", s => s["cells"]![0] = 5, "expected");
        yield return new(Meaning, "a cell with one sample", s => A("compare", s.Good, Machine(s, "one.json", j => { Cell(j)["reps"] = 1; Cell(j)["discarded_reps"] = 0; Cell(j)["overhead_samples_ns"] = new JsonArray(0.5); })), "a comparison needs at least 2 on each side");

        // BenchmarkDotNet reports.
        yield return Report("a Hooked case twice", r => r["Benchmarks"]!.AsArray().Add(r["Benchmarks"]![1]!.DeepClone()), "appears twice");
        yield return Report("a negative time", r => EachBenchmark(r, b => b["Statistics"]!["OriginalValues"]![0] = -1.0), "not a positive number of ns up to one second");
        yield return Report("a median of 0", r => EachBenchmark(r, b => b["Statistics"]!["Median"] = 0), "not a positive number of ns up to one second");
        yield return Report("a time of 1e300 ns", r => EachBenchmark(r, b => b["Statistics"]!["Median"] = 1e300), "not a positive number of ns up to one second");
        yield return Report("Args as a word", r => EachBenchmark(r, b => b["Parameters"] = b["Parameters"]!.GetValue<string>().Replace("Args=", "Args=two", StringComparison.Ordinal)), "has Args");
        yield return Report("Args negative", r => EachBenchmark(r, b => b["Parameters"] = b["Parameters"]!.GetValue<string>().Replace("Args=", "Args=-", StringComparison.Ordinal)), "has Args");
        yield return new(Bdn, "an extra parameter (a future axis) on both sides", s =>
        {
            string f = s.BdnReport("axis-report-full.json", r => EachBenchmark(r, b => b["Parameters"] = b["Parameters"] + "&Loop=managed"));
            return A("compare", f, f);
        }, "this build does not know (direct/0/empty/throughput/loop=managed, ", Exit: 0);
        yield return Report("empty Parameters", r => EachBenchmark(r, b => b["Parameters"] = ""), "has no \"Parameters\"");
        yield return Report("Parameters without values", r => EachBenchmark(r, b => b["Parameters"] = "Strategy&Args"), "malformed \"Parameters\"");
        yield return Report("a parameter twice", r => EachBenchmark(r, b => b["Parameters"] = b["Parameters"] + "&Args=3"), "malformed \"Parameters\"");
        yield return Report("Benchmarks as an object", r => r["Benchmarks"] = new JsonObject(), "not a usable HookBench BenchmarkDotNet report");
        yield return Report("HostEnvironmentInfo null", r => r["HostEnvironmentInfo"] = null, "HostEnvironmentInfo is null");
        yield return Report("Statistics as text", r => EachBenchmark(r, b => b["Statistics"] = "n/a"), "not a usable");
        yield return Report("no Median", r => EachBenchmark(r, b => b["Statistics"]!.AsObject().Remove("Median")), "has no measurements");
        yield return Report("a NaN statistic", r => EachBenchmark(r, b => b["Statistics"]!["Median"] = "NaN"), "not a usable");
        yield return Report("a null benchmark", r => r["Benchmarks"]![0] = null, "Benchmarks[0] is null");

        // Output paths.
        yield return new(Outputs, "run --out /dev/null", _ => A("run", "--strategies", "none", "--args", "0", "--out", "/dev/null"), "is an existing file");
        yield return new(Outputs, "compare --out /dev/null", s => A("compare", s.Good, s.Good, "--out", "/dev/null"), "already exists");
        yield return new(Outputs, "compare --out to a folder with a slash", s => A("compare", s.Good, s.Good, "--out", s.Dir + "/new/"), "is a folder");
        yield return new(Outputs, "compare --out to an existing folder", s => A("compare", s.Good, s.Good, "--out", s.Dir), "is a folder");
        yield return new(Outputs, "compare --out with a NUL", s => A("compare", s.Good, s.Good, "--out", "a\0b.md"), "holds a NUL character");
        yield return new(Outputs, "report --out under a file", s => A("report", s.Good, "--out", Path.Combine(s.Good, "page")), "is a file, not a folder");
        yield return new(Outputs, "report --out 5,000 characters deep", s => A("report", s.Good, "--out", s.Path(string.Join('/', Enumerable.Repeat(new string('d', 200), 25)))), "too long a path");
        yield return new(Outputs, "report --out into the input folder", s => A("report", Path.GetDirectoryName(s.Good)!, "--out", Path.GetDirectoryName(s.Good)!), "", Exit: 0);
        yield return new(Outputs, "crosscheck --out an existing file", s => A("crosscheck", "--out", s.Good), "is an existing file");
        yield return new(Outputs, "crosscheck --out with a file named bdn", s => { s.Write("cc/bdn", "x"); return A("crosscheck", "--out", s.Path("cc")); }, "is a file where a folder for bdn goes");
        yield return new(Outputs, "publish --results an existing file", s => A("publish", "--skip-bdn", "--results", s.Good), "is an existing file");
        yield return new(Outputs, "publish --results with README.md a folder", s => { Directory.CreateDirectory(s.Path("pub/README.md")); return A("publish", "--skip-bdn", "--results", s.Path("pub")); }, "is a folder where the file README.md goes");
        yield return new(Outputs, "publish over a corrupt machine folder", s => { s.Write("pub2/other-machine/summary.json", "{"); return A("publish", "--skip-bdn", "--results", s.Path("pub2")); }, "corrupt JSON");
        yield return new(Outputs, "publish over a foreign machine folder", s => { Machine(s, "pub3/other/summary.json", j => { j["environment"]!["cpu"] = "Other CPU"; Cell(j)["strategy"] = "kprobe"; }); return A("publish", "--skip-bdn", "--results", s.Path("pub3")); }, "this build does not know");
        yield return new(Outputs, "run --out with a NUL", _ => A("run", "--strategies", "none", "--out", "a\0b"), "holds a NUL character");
    }

    static void MakeFifo(string path)
    {
        using var p = System.Diagnostics.Process.Start("mkfifo", [path]);
        p.WaitForExit();
    }

    public static IReadOnlyDictionary<string, HostileCase> ByName { get; } =
        All().ToDictionary(c => $"{c.Class}: {c.Name}", StringComparer.Ordinal);
}
