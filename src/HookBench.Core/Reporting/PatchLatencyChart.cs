using HookBench.Patching.Latency;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace HookBench.Reporting;

/// <summary>Attach cost per site against batch size, one line per patcher, both axes logarithmic, with the 95% interval as error bars.</summary>
public static class PatchLatencyChart
{
    public static string AttachCostPerSite(PatchLatencyResult result, string title)
    {
        var model = Charts.Model(title);
        // A vertical legend in the plot's empty lower-left corner. The exporter estimates text widths
        // (no text measurer runs headless) and clips a legend entry's last letters; three no-break spaces
        // after each title absorb the shortfall.
        model.Legends.Clear();
        model.Legends.Add(new Legend
        {
            LegendPosition = LegendPosition.BottomLeft,
            LegendPlacement = LegendPlacement.Inside,
            LegendOrientation = LegendOrientation.Vertical,
            LegendBackground = OxyColors.White,
            LegendBorder = OxyColors.LightGray,
            LegendFontSize = 12,
            LegendPadding = 8,
        });
        model.Axes.Add(new LogarithmicAxis
        {
            Position = AxisPosition.Bottom, Title = "sites per batch", Base = 2, MajorGridlineStyle = LineStyle.Dot,
            MinimumPadding = 0.05, MaximumPadding = 0.05,
        });
        model.Axes.Add(new LogarithmicAxis
        {
            Position = AxisPosition.Left, Title = "attach cost per site (µs)", Base = 10, MajorGridlineStyle = LineStyle.Dot,
            MinorGridlineStyle = LineStyle.None, MinimumPadding = 0.1, MaximumPadding = 0.1,
        });
        int colour = 1;
        foreach (var group in result.Rows.GroupBy(r => r.Patcher))
        {
            var color = Charts.Palette[colour++ % Charts.Palette.Count];
            var line = new LineSeries { Title = group.Key + "\u00A0\u00A0\u00A0", Color = color, MarkerType = MarkerType.Circle, MarkerSize = 3, StrokeThickness = 1.5 };
            var bars = new ScatterErrorSeries { MarkerFill = color, ErrorBarColor = color, MarkerSize = 0 };
            foreach (var row in group.OrderBy(r => r.Sites))
            {
                line.Points.Add(new DataPoint(row.Sites, row.AttachPerSiteUs.Median));
                bars.Points.Add(new ScatterErrorPoint(row.Sites, row.AttachPerSiteUs.Median, 0, row.AttachPerSiteUs.HalfWidth));
            }

            model.Series.Add(line);
            model.Series.Add(bars);
        }

        return Charts.Export(model);
    }
}
