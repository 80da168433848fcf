using HookBench.Cells;
using HookBench.Results;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace HookBench.Reporting;

/// <summary>The charts of the footprint and caller-context sweeps (2 arguments, empty handler).</summary>
public static partial class Charts
{
    /// <summary>The caller contexts a chart and table show, in order: the three callers, then the serialized mode (an lfence after every call).</summary>
    public static IReadOnlyList<string> CallerColumns { get; } = [.. CallerContexts.All.Select(c => c.Name()), MeasurementMode.Serialized.Name()];

    /// <summary>
    /// Overhead (ns) against the number of hooked functions on a log₁₆ axis (1, 16, 256, 4096), one line per
    /// strategy measured at more than one function, with the 95% interval as error bars. The point at one
    /// function is the plain cell: one hot function, whose ftrace trampoline calls its callback directly.
    /// The axis is linear in log₁₆ M with labels written back as M, so its ticks are exactly the sweep's
    /// counts (OxyPlot's logarithmic axis adds intermediate ticks over so few decades).
    /// </summary>
    public static string OverheadVersusFunctions(RunSummary summary, string title)
    {
        var model = Model(title);
        var rows = FootprintRows(summary);
        int largest = rows.SelectMany(r => r.Cells).Select(c => c.Functions).DefaultIfEmpty(4096).Max();
        static double Log16(double m) => Math.Log(m, 16);
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Bottom, Title = "hooked functions (log scale)", Minimum = -0.15, Maximum = Math.Ceiling(Log16(largest) - 1e-9) + 0.15,
            MajorStep = 1, MinorStep = 1, MajorGridlineStyle = LineStyle.Dot,
            LabelFormatter = v => Math.Round(Math.Pow(16, v)).ToString("0", System.Globalization.CultureInfo.InvariantCulture),
        });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "overhead per call (ns)", Minimum = 0, MajorGridlineStyle = LineStyle.Dot });
        int colour = 1;
        foreach (var (strategy, cells) in rows)
        {
            var color = Palette[colour++ % Palette.Count];
            var line = new LineSeries { Title = strategy, Color = color, MarkerType = MarkerType.Circle, MarkerSize = 3, StrokeThickness = 1.5 };
            var bars = new ScatterErrorSeries { MarkerFill = color, ErrorBarColor = color, MarkerSize = 0 };
            foreach (var cell in cells)
            {
                line.Points.Add(new DataPoint(Log16(cell.Functions), cell.OverheadNs.Median));
                bars.Points.Add(new ScatterErrorPoint(Log16(cell.Functions), cell.OverheadNs.Median, 0, cell.OverheadNs.HalfWidth));
            }

            model.Series.Add(line);
            model.Series.Add(bars);
        }

        return Export(model);
    }

    /// <summary>Overhead (ns) per strategy under each caller context, grouped bars.</summary>
    public static string OverheadByCaller(RunSummary summary, string title)
    {
        var model = Model(title);
        var rows = CallerRows(summary);
        var categories = new CategoryAxis { Position = AxisPosition.Left, GapWidth = 0.3, StartPosition = 1, EndPosition = 0 };
        categories.Labels.AddRange(rows.Select(r => r.Strategy));
        model.Axes.Add(categories);
        double widest = rows.SelectMany(r => r.Cells).Where(c => c is not null).Select(c => c!.OverheadNs.Median).DefaultIfEmpty(1).Max();
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "overhead per call (ns)", Minimum = 0, Maximum = widest * 1.1, MajorGridlineStyle = LineStyle.Dot });
        model.PlotMargins = new OxyThickness(110, double.NaN, 20, double.NaN);
        for (int column = 0; column < CallerColumns.Count; column++)
        {
            var bars = new BarSeries { Title = CallerColumns[column], FillColor = Palette[(column + 1) % Palette.Count] };
            for (int row = 0; row < rows.Count; row++)
            {
                if (rows[row].Cells[column] is CellResult cell)
                    bars.Items.Add(new BarItem(Math.Max(0, cell.OverheadNs.Median), row));
            }

            model.Series.Add(bars);
        }

        return Export(model);
    }

    /// <summary>Strategies measured at more than one function, each with its cells by function count (2 args, empty, throughput, unrolled).</summary>
    public static IReadOnlyList<(string Strategy, IReadOnlyList<CellResult> Cells)> FootprintRows(RunSummary summary)
    {
        var cells = summary.Cells.Where(c => c.Args == 2 && c.Handler == "empty" && c.Mode == "throughput" && c.Caller == CallerContext.Unrolled.Name() && c.Profile == "none" && c.AttachSuffix.Length == 0).ToList();
        return [.. cells.Where(c => c.Functions > 1).Select(c => c.Strategy).Distinct()
            .Select(s => (s, (IReadOnlyList<CellResult>)[.. cells.Where(c => c.Strategy == s).OrderBy(c => c.Functions)]))];
    }

    /// <summary>
    /// Strategies measured under a caller other than the unrolled one, each with its cells in
    /// <see cref="CallerColumns"/> order (2 args, empty handler, one function; null where not measured).
    /// </summary>
    public static IReadOnlyList<(string Strategy, IReadOnlyList<CellResult?> Cells)> CallerRows(RunSummary summary)
    {
        var cells = summary.Cells.Where(c => c.Args == 2 && c.Handler == "empty" && c.Functions == 1 && c.Profile == "none" && c.AttachSuffix.Length == 0).ToList();
        CellResult? Find(string strategy, string column) => column == MeasurementMode.Serialized.Name()
            ? cells.FirstOrDefault(c => c.Strategy == strategy && c.Mode == column && c.Caller == CallerContext.Unrolled.Name())
            : cells.FirstOrDefault(c => c.Strategy == strategy && c.Mode == MeasurementMode.Throughput.Name() && c.Caller == column);
        return [.. cells.Where(c => c.Caller != CallerContext.Unrolled.Name()).Select(c => c.Strategy).Distinct()
            .Select(s => (s, (IReadOnlyList<CellResult?>)[.. CallerColumns.Select(column => Find(s, column))]))];
    }
}
