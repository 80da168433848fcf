using System.CommandLine;
using System.Globalization;
using HookBench.Native;
using HookBench.Patching;
using HookBench.Patching.Stress;
using HookBench.Strategies;

namespace HookBench.Cli;

/// <summary>
/// <c>hookbench patch-stress</c>: caller threads call a hooked target while one thread attaches and
/// detaches it with a live patcher; the summary line says whether anything crashed and whether every
/// call is accounted for. Unsafe runs (the unsafe patcher, early reclaim) happen only in child
/// processes; the parent reports how they ended.
/// </summary>
public static class PatchStressCommand
{
    public static int DefaultThreads => Math.Max(2, ThreadPinning.AllowedCpus().Count);

    public static Command Create(TextWriter output)
    {
        var patcher = new Option<string>("--patcher") { Description = $"Live patcher: {LivePatchers.ValidNames} (default: int3; unsafe runs only in child processes)" };
        var threads = new Option<string>("--threads") { Description = $"Caller threads, 1..{PatchStressOptions.MaxThreads} (default: every CPU, at least 2; here {DefaultThreads})" };
        var toggles = new Option<string>("--toggles") { Description = "Attaches + detaches, 0..10000000 (default: 10000)" };
        var calls = new Option<string>("--calls") { Description = "Calls the callers make at least, together (default: 10000000); they go on until the toggles are done" };
        var strategy = new Option<string>("--strategy") { Description = $"Hooking strategy: {string.Join(", ", PatchStressOptions.Strategies.Select(s => s.Name))} (default: min-regs)" };
        var siteOffset = new Option<string>("--site-offset") { Description = "Where the target starts in its 64-byte line, 0..63 (default: 0; 4..7 make the 5-byte site cross an 8-byte boundary)" };
        var reclaim = new Option<string>("--reclaim") { Description = $"When a detached trampoline is freed: {string.Join(", ", ReclaimPolicies.All.Select(p => p.Name()))} (default: grace; early runs only in child processes)" };
        var tries = new Option<string>("--tries") { Description = "Child processes for an unsafe run, 1..1000 (default: 10)" };
        var child = new Option<bool>("--child") { Description = "Run an unsafe configuration in this process (what the parent starts)", Hidden = true };
        var command = new Command("patch-stress", "Attach and detach a hook while other threads keep calling it; check every call.")
        {
            patcher, threads, toggles, calls, strategy, siteOffset, reclaim, tries, child,
        };
        command.SetAction(parse =>
        {
            var options = new PatchStressOptions(
                LivePatchers.Parse(parse.GetValue(patcher) ?? LivePatchers.Int3.Name),
                CommonOptions.ParseInt(parse.GetValue(threads), "--threads", 1, PatchStressOptions.MaxThreads, DefaultThreads),
                CommonOptions.ParseInt(parse.GetValue(toggles), "--toggles", 0, 10_000_000, 10_000),
                CommonOptions.ParseLong(parse.GetValue(calls), "--calls", 1, 1_000_000_000_000, 10_000_000))
            {
                Strategy = StrategyCatalog.Parse(parse.GetValue(strategy) ?? StrategyCatalog.MinRegs.Name),
                SiteOffset = CommonOptions.ParseInt(parse.GetValue(siteOffset), "--site-offset", 0, 63, 0),
                Reclaim = ReclaimPolicies.Parse(parse.GetValue(reclaim) ?? ReclaimPolicy.Grace.Name()),
            };
            int childTries = CommonOptions.ParseInt(parse.GetValue(tries), "--tries", 1, 1000, 10);
            if (!OperatingSystem.IsLinux())
                throw new UsageException($"patch-stress patches live code through a memfd alias and emulates int3 with a SIGTRAP handler: Linux only; this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
            PatchStress.Check(options);

            if (options.IsUnsafe && !parse.GetValue(child))
                return RunChildren(options, childTries, parse.Tokens.Select(t => t.Value), output);

            if (options.IsUnsafe)
                LivePatcher.AllowUnsafeInThisProcess();   // this is the disposable child
            var result = PatchStress.Run(options);
            for (int i = 0; i < result.Callers.Count; i++)
                output.WriteLine(CallerLine(i, result.Callers[i]));
            output.WriteLine(result.Summary());
            return result.IsExact ? HookBenchCli.Ok : HookBenchCli.Failed;
        });
        return command;
    }

    static string CallerLine(int index, CallerTally c) =>
        $"caller {index}: {N(c.Calls)} calls, body ran {N(c.BodyRuns)} times, handler {N(c.HandlerRuns)} times "
        + $"({N(c.Routed)} calls attached throughout, {N(c.Transitional)} overlapping a patch, {N(c.Unrouted)} detached throughout): "
        + (c.IsExact ? "exact" : "WRONG");

    /// <summary>
    /// Runs the unsafe configuration in <paramref name="tries"/> child processes, one at a time, and reports
    /// how they ended: a signal (a crash), exit 1 (the child finished but its accounting was wrong), killed
    /// after a timeout (hung), or exit 0 (no failure seen in that try).
    /// </summary>
    static int RunChildren(PatchStressOptions options, int tries, IEnumerable<string> tokens, TextWriter output)
    {
        string[] arguments = ["patch-stress", .. tokens.SkipWhile(t => t == "patch-stress"), "--child"];
        var timeout = TimeSpan.FromSeconds(120);
        var outcomes = new List<ChildOutcome>();
        for (int i = 0; i < tries; i++)
        {
            var outcome = SelfProcess.Run(arguments, timeout);
            if (outcome.End == ChildEnd.Failed && outcome.Code == HookBenchCli.BadInput)
                throw new UsageException($"the child refused its options: {outcome.Error.Trim()}");
            outcomes.Add(outcome);
            output.WriteLine($"try {i + 1}: {Describe(outcome)}");
        }

        int crashed = outcomes.Count(o => o.End == ChildEnd.Signalled);
        int wrong = outcomes.Count(o => o.End == ChildEnd.Failed);
        int hung = outcomes.Count(o => o.End == ChildEnd.Hung);
        int clean = outcomes.Count(o => o.End == ChildEnd.Succeeded);
        string signals = crashed == 0 ? "" : " (" + string.Join(", ", outcomes.Where(o => o.End == ChildEnd.Signalled)
            .GroupBy(o => o.SignalName).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}")) + ")";
        output.WriteLine(
            $"patch-stress: {options.Patcher.Name}, {options.Strategy.Name} + counter, reclaim {options.Reclaim.Name()} (unsafe: run in child processes), "
            + $"{options.Threads} caller threads, {N((ulong)options.Toggles)} toggles per try: {tries} tries, {crashed} crashed{signals}, "
            + $"{wrong} computed wrong results or counts, {hung} hung, {clean} showed no failure");
        return HookBenchCli.Ok;
    }

    static string Describe(ChildOutcome outcome) => outcome.End switch
    {
        ChildEnd.Signalled => $"crashed ({outcome.SignalName})",
        ChildEnd.Hung => "hung (killed after the timeout)",
        ChildEnd.Failed => "finished with wrong accounting: " + LastLine(outcome.Output),
        _ => "finished with exact accounting: " + LastLine(outcome.Output),
    };

    static string LastLine(string text) => text.Trim().Split('\n').LastOrDefault()?.Trim() ?? "";

    static string N(ulong value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
