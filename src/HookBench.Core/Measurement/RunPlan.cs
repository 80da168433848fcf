using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Strategies;

namespace HookBench.Measurement;

/// <summary>Which cells a run measures.</summary>
public static class RunPlan
{
    /// <summary>
    /// The quick matrix (<c>./run-bench.sh</c>): every strategy × args 0..6 with the empty handler in
    /// throughput mode, plus the counter and args handlers, latency mode and serialized mode at 2 arguments
    /// (serialized cells are where the regression gate sees a single added cycle).
    /// </summary>
    public static IReadOnlyList<CellSpec> Quick()
    {
        var cells = new List<CellSpec>();
        foreach (var strategy in StrategyCatalog.All)
        {
            for (int n = 0; n <= HookSetOptions.MaxArgs; n++)
                cells.Add(new CellSpec(strategy, n, HandlerKind.Empty, MeasurementMode.Throughput));
            foreach (var handler in new[] { HandlerKind.Counter, HandlerKind.Args })
            {
                if (!strategy.RefusedHandlers.ContainsKey(handler))
                    cells.Add(new CellSpec(strategy, 2, handler, MeasurementMode.Throughput));
            }

            cells.Add(new CellSpec(strategy, 2, HandlerKind.Empty, MeasurementMode.Latency));
            cells.Add(new CellSpec(strategy, 2, HandlerKind.Empty, MeasurementMode.Serialized));
        }

        return cells;
    }

    /// <summary>
    /// The cross product of a selection. Combinations a strategy refuses, and latency at 0 arguments
    /// (nothing to chain), are left out and listed in <paramref name="skipped"/>.
    /// </summary>
    public static IReadOnlyList<CellSpec> Select(
        IReadOnlyList<Strategy> strategies, IReadOnlyList<int> args, IReadOnlyList<HandlerKind> handlers,
        IReadOnlyList<MeasurementMode> modes, out IReadOnlyList<string> skipped)
    {
        var cells = new List<CellSpec>();
        var skips = new List<string>();
        foreach (var strategy in strategies)
        foreach (var n in args)
        foreach (var handler in handlers)
        foreach (var mode in modes)
        {
            var cell = new CellSpec(strategy, n, handler, mode);
            if (strategy.RefusedHandlers.ContainsKey(handler))
                skips.Add($"{cell}: {strategy.Name} refuses handler {handler.Name()}");
            else if (mode == MeasurementMode.Latency && n == 0)
                skips.Add($"{cell}: latency needs an argument to chain");
            else
                cells.Add(cell);
        }

        skipped = skips;
        return cells;
    }

    /// <summary>Parses "0-6", "2", "0,2,6" or "1-3,6" into argument counts, refusing empty or inverted ranges.</summary>
    public static IReadOnlyList<int> ParseArgs(string text)
    {
        var result = new SortedSet<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            string[] ends = part.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length is < 1 or > 2 || ends.Any(e => !int.TryParse(e, out _)))
                throw new UsageException($"--args '{text}' is not a count or range; valid: numbers 0..{HookSetOptions.MaxArgs} as N, A-B or a comma list");
            int lo = int.Parse(ends[0]), hi = int.Parse(ends[^1]);
            if (lo > hi)
                throw new UsageException($"--args range '{part}' is inverted; write it low-high, within 0..{HookSetOptions.MaxArgs}");
            if (lo < 0 || hi > HookSetOptions.MaxArgs)
                throw new UsageException($"--args '{part}' is outside 0..{HookSetOptions.MaxArgs}");
            for (int n = lo; n <= hi; n++)
                result.Add(n);
        }

        return [.. result];
    }

    /// <summary>Parses a comma list of names with <paramref name="parse"/>, refusing an empty list.</summary>
    public static IReadOnlyList<T> ParseList<T>(string text, string option, Func<string, T> parse)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
            throw new UsageException($"{option} is empty; give at least one value");
        return [.. parts.Select(parse).Distinct()];
    }
}
