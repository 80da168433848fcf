using HookBench.Results;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace HookBench.Reporting;

/// <summary>The charts of what sits between the trampoline and the program: overhead against K ops and against P programs.</summary>
public static partial class Charts
{
    /// <summary>
    /// ops-list's overhead against K, one line per number of matching ops (all K, one, none), and min-regs,
    /// the per-ops trampoline that serves one op without the list, as a flat reference. A linear axis, so a
    /// constant cost per registered op is a straight line and any cliff shows.
    /// </summary>
    public static string OverheadVersusOps(AttachedCells cells, string title)
    {
        var list = cells.OpsList;
        var model = LegendInside(Model(title));
        int widest = list.Max(AttachedCells.Ops);
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "ftrace_ops registered (K)", Minimum = 0, Maximum = widest + 1, MajorStep = widest > 16 ? 4 : 1, MinorStep = 1 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "overhead per call (ns)", Minimum = 0, MajorGridlineStyle = LineStyle.Dot });
        (string Title, Func<CellResult, bool> Keep)[] series =
        [
            ("ops-list, all K ops match", c => AttachedCells.Matching(c) == AttachedCells.Ops(c)),
            ("ops-list, one of the K matches", c => AttachedCells.Matching(c) == 1 && AttachedCells.Ops(c) > 1),
            ("ops-list, none matches", c => AttachedCells.Matching(c) == 0),
        ];
        int colour = 1;
        foreach (var (name, keep) in series)
        {
            var points = list.Where(keep).ToList();
            if (name.StartsWith("ops-list, one", StringComparison.Ordinal) && points.Count > 0)
                points = [.. list.Where(c => AttachedCells.Ops(c) == 1 && AttachedCells.Matching(c) == 1), .. points];
            if (points.Count > 0)
                AddLine(model, name, Palette[colour++ % Palette.Count], points.Select(c => (AttachedCells.Ops(c), c)));
        }

        if (cells.MinRegs is { } minRegs)
            AddLine(model, "min-regs (one op, its own trampoline)", Palette[0], [(1, minRegs), (widest, minRegs)]);
        return Export(model);
    }

    /// <summary>The BPF trampoline's overhead against P programs (linear axis: the per-program cost is the slope), one line per profile and lookup.</summary>
    public static string OverheadVersusProgs(AttachedCells cells, string title)
    {
        var model = LegendInside(Model(title));
        int widest = cells.Direct.Max(AttachedCells.Progs);
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "programs on the trampoline (P)", Minimum = 0, Maximum = widest + 1, MajorStep = widest > 16 ? 4 : 1, MinorStep = 1 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "overhead per call (ns)", Minimum = 0, MajorGridlineStyle = LineStyle.Dot });
        int colour = 1;
        foreach (var shape in cells.Direct.GroupBy(c => (AttachedCells.Bpf(c), AttachedCells.Lookup(c))).Where(g => g.Count() > 1))
        {
            string name = shape.Key.Item2 == "const" ? shape.Key.Item1 : $"{shape.Key.Item1}, lookup={shape.Key.Item2}";
            AddLine(model, name, Palette[colour++ % Palette.Count], shape.Select(c => (AttachedCells.Progs(c), c)));
        }

        return Export(model);
    }

    /// <summary>Several long series names: a legend column in the empty top-left corner instead of one crowded row.</summary>
    static PlotModel LegendInside(PlotModel model)
    {
        var legend = model.Legends[0];
        legend.LegendPlacement = OxyPlot.Legends.LegendPlacement.Inside;
        legend.LegendPosition = OxyPlot.Legends.LegendPosition.TopLeft;
        legend.LegendOrientation = OxyPlot.Legends.LegendOrientation.Vertical;
        legend.LegendBackground = OxyColor.FromAColor(220, OxyColors.White);
        return model;
    }

    static void AddLine(PlotModel model, string title, OxyColor color, IEnumerable<(int X, CellResult Cell)> points)
    {
        var line = new LineSeries { Title = title, Color = color, MarkerType = MarkerType.Circle, MarkerSize = 3, StrokeThickness = 1.5 };
        var bars = new ScatterErrorSeries { MarkerFill = color, ErrorBarColor = color, MarkerSize = 0 };
        foreach (var (x, cell) in points.OrderBy(p => p.X))
        {
            line.Points.Add(new DataPoint(x, cell.OverheadNs.Median));
            bars.Points.Add(new ScatterErrorPoint(x, cell.OverheadNs.Median, 0, cell.OverheadNs.HalfWidth));
        }

        model.Series.Add(line);
        model.Series.Add(bars);
    }
}
