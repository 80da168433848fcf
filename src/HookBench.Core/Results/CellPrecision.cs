using System.Globalization;
using System.Text.Json.Serialization;

namespace HookBench.Results;

/// <summary>
/// Whether a cell's overhead interval met the run's precision target. A cell that missed it is marked in every
/// table, counted in the summary line and left out of the regression gate: its interval is too wide to say
/// whether it moved.
/// </summary>
/// <param name="Met">The overhead's 95% half-width is within <paramref name="AllowedNs"/>.</param>
/// <param name="HalfWidthNs">The overhead's 95% half-width, or null when the cell has no 95% interval at all.</param>
/// <param name="AllowedNs">max(absolute, relative × |overhead|) of the run's target.</param>
public sealed record CellPrecision(bool Met, double? HalfWidthNs, double AllowedNs)
{
    /// <summary>The mark tables put beside an imprecise cell.</summary>
    public const string Mark = "†";

    /// <summary>Why the cell is imprecise, e.g. "±0.90 ns against ±0.19 allowed", or null when it met its target.</summary>
    [JsonIgnore]
    public string? Shortfall => Met
        ? null
        : HalfWidthNs is double h
            ? string.Create(CultureInfo.InvariantCulture, $"±{h:F2} ns against ±{AllowedNs:F2} allowed")
            : string.Create(CultureInfo.InvariantCulture, $"no 95% interval (too few rounds) against ±{AllowedNs:F2} allowed");
}
