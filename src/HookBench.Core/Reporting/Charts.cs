using HookBench.Results;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace HookBench.Reporting;

/// <summary>
/// SVG charts drawn with OxyPlot's managed SVG exporter: no native graphics library, so they render the
/// same on a headless CI runner as on a desktop.
/// </summary>
public static partial class Charts
{
    public const int Width = 1000, Height = 540;

    internal static readonly IReadOnlyList<OxyColor> Palette =
    [
        OxyColor.FromRgb(0x88, 0x88, 0x88), OxyColor.FromRgb(0xD6, 0x27, 0x28), OxyColor.FromRgb(0x1F, 0x77, 0xB4),
        OxyColor.FromRgb(0x94, 0x67, 0xBD), OxyColor.FromRgb(0x2C, 0xA0, 0x2C), OxyColor.FromRgb(0xFF, 0x7F, 0x0E),
        OxyColor.FromRgb(0x8C, 0x56, 0x4B), OxyColor.FromRgb(0x17, 0xBE, 0xCF),
    ];

    /// <summary>Overhead (ns) against argument count, one line per strategy, with the 95% interval as error bars.</summary>
    public static string OverheadVersusArgs(RunSummary summary, string title)
    {
        var model = Model(title);
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "arguments", Minimum = -0.3, Maximum = 6.3, MajorStep = 1, MinorStep = 1 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "overhead per call (ns)", Minimum = 0, MajorGridlineStyle = LineStyle.Dot });
        int colour = 0;
        foreach (var group in ReportBuilder.ThreadCells(summary).Where(c => c.Handler == "empty" && c.Mode == "throughput").GroupBy(c => c.Strategy))
        {
            var color = Palette[colour++ % Palette.Count];
            var line = new LineSeries { Title = group.Key, Color = color, MarkerType = MarkerType.Circle, MarkerSize = 3, StrokeThickness = 1.5 };
            var bars = new ScatterErrorSeries { MarkerFill = color, ErrorBarColor = color, MarkerSize = 0 };
            foreach (var cell in group.OrderBy(c => c.Args))
            {
                line.Points.Add(new DataPoint(cell.Args, cell.OverheadNs.Median));
                bars.Points.Add(new ScatterErrorPoint(cell.Args, cell.OverheadNs.Median, 0, cell.OverheadNs.HasInterval ? cell.OverheadNs.HalfWidth : 0));
            }

            model.Series.Add(line);
            model.Series.Add(bars);
        }

        return Export(model);
    }

    /// <summary>Overhead at two arguments (empty handler, throughput) per strategy, with cycles in the labels.</summary>
    public static string OverheadAtTwoArgs(RunSummary summary, string title)
    {
        var cells = ReportBuilder.ThreadCells(summary).Where(c => c.Args == 2 && c.Handler == "empty" && c.Mode == "throughput").ToList();
        var model = Model(title);
        // Listed top to bottom in catalogue order, none first.
        var categories = new CategoryAxis { Position = AxisPosition.Left, GapWidth = 0.4, StartPosition = 1, EndPosition = 0 };
        categories.Labels.AddRange(cells.Select(c => c.Strategy));
        model.Axes.Add(categories);
        double widest = cells.Count == 0 ? 1 : cells.Max(c => c.OverheadNs.Median);
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "overhead per call (ns)", Minimum = 0, Maximum = widest * 1.18, MajorGridlineStyle = LineStyle.Dot });
        model.PlotMargins = new OxyThickness(110, double.NaN, 20, double.NaN);
        var bars = new BarSeries
        {
            FillColor = Palette[2],
            LabelPlacement = LabelPlacement.Outside,
            LabelFormatString = "{0:0.00} ns",
        };
        foreach (var cell in cells)
            bars.Items.Add(new BarItem(Math.Max(0, cell.OverheadNs.Median)));
        model.Series.Add(bars);
        return Export(model);
    }

    /// <summary>Overhead at two arguments per strategy (and attached shape measured under a profile), one bar per mitigation profile.</summary>
    public static string MitigationsAtTwoArgs(RunSummary summary, string title)
    {
        var cells = ReportBuilder.MitigationCells(summary).ToList();
        var strategies = cells.Select(c => c.Variant).Distinct().ToList();
        var model = Model(title);
        var categories = new CategoryAxis { Position = AxisPosition.Left, GapWidth = 0.3, StartPosition = 1, EndPosition = 0 };
        categories.Labels.AddRange(strategies);
        model.Axes.Add(categories);
        double widest = cells.Count == 0 ? 1 : cells.Max(c => c.OverheadNs.CiHigh ?? c.OverheadNs.Median);
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "overhead per call (ns)", Minimum = 0, Maximum = widest * 1.1, MajorGridlineStyle = LineStyle.Dot });
        model.PlotMargins = new OxyThickness(130, double.NaN, 20, double.NaN);
        int colour = 0;
        foreach (var profile in cells.GroupBy(c => c.Profile))
        {
            var bars = new BarSeries { Title = profile.Key, FillColor = Palette[colour++ % Palette.Count] };
            foreach (string strategy in strategies)
                bars.Items.Add(new BarItem(Math.Max(0, profile.FirstOrDefault(c => c.Variant == strategy)?.OverheadNs.Median ?? 0)));
            model.Series.Add(bars);
        }

        // A bar per strategy and profile: give each strategy's group of bars room.
        return Export(model, Math.Max(Height, 40 + 14 * cells.Count));
    }

    /// <summary>Smallest overhead the ladder's log axis shows; a rung cheaper than this (or negative) sits at it.</summary>
    public const double LadderFloorNs = 0.1;

    /// <summary>
    /// The ladder on a log axis (a direct call costs under a nanosecond, a single-stepped uprobe microseconds):
    /// one group of bars per rung, top to bottom from cheapest path to dearest, one bar each for the probe alone,
    /// the empty handler or program and the counter handler or program.
    /// </summary>
    public static string Ladder(RunSummary summary, string title)
    {
        var rungs = Reporting.Ladder.Rungs(summary);
        var model = Model(title);
        var categories = new CategoryAxis { Position = AxisPosition.Left, GapWidth = 0.3, StartPosition = 1, EndPosition = 0 };
        categories.Labels.AddRange(rungs.Select(r => r.Name));
        model.Axes.Add(categories);
        double dearest = rungs.SelectMany(r => new[] { r.Alone, r.Empty, r.Counter }).Where(c => c is not null).Select(c => c!.OverheadNs.Median).DefaultIfEmpty(1).Max();
        model.Axes.Add(new LogarithmicAxis
        {
            Position = AxisPosition.Bottom, Title = "overhead per call (ns, log scale)", Minimum = LadderFloorNs, Maximum = Math.Max(dearest, 1) * 3,
            MajorGridlineStyle = LineStyle.Dot, MinorGridlineStyle = LineStyle.None,
        });
        model.PlotMargins = new OxyThickness(110, double.NaN, 20, double.NaN);
        var series = new (string Title, Func<LadderRung, CellResult?> Cell, OxyColor Color)[]
        {
            ("probe alone", r => r.Alone, Palette[0]),
            ("empty", r => r.Empty, Palette[2]),
            ("counter", r => r.Counter, Palette[1]),
        };
        foreach (var (name, cell, color) in series)
        {
            var bars = new BarSeries { Title = name, FillColor = color, BaseValue = LadderFloorNs };
            foreach (var rung in rungs)
                bars.Items.Add(new BarItem(Math.Max(LadderFloorNs, cell(rung)?.OverheadNs.Median ?? LadderFloorNs)));
            model.Series.Add(bars);
        }

        return Export(model, Math.Max(Height, 60 + 36 * rungs.Count));
    }

    internal static PlotModel Model(string title)
    {
        var model = new PlotModel { Title = title, TitleFontSize = 15, Background = OxyColors.White, DefaultFont = "Arial" };
        model.Legends.Add(new Legend
        {
            LegendPosition = LegendPosition.BottomCenter,
            LegendPlacement = LegendPlacement.Outside,
            LegendOrientation = LegendOrientation.Horizontal,
            LegendBorder = OxyColors.Transparent,
            LegendItemSpacing = 30,
            LegendFontSize = 11,
            // The exporter measures text without a font (textMeasurer: null) and underestimates it; the legend's
            // clip box is sized from that estimate, so without room to spare the last entry was cut ("direct-ca").
            LegendPadding = 24,
        });
        return model;
    }

    // The vertical-alignment workaround places text by explicit offsets instead of dominant-baseline, which
    // several SVG renderers (librsvg, some browsers' image viewers) ignore, cutting titles and shifting legends.
    internal static string Export(PlotModel model, int height = Height) =>
        SvgExporter.ExportToString(model, Width, height, isDocument: true, textMeasurer: null, useVerticalTextAlignmentWorkaround: true);
}
