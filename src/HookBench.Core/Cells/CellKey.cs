using System.Globalization;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Strategies;

namespace HookBench.Cells;

/// <summary>
/// The name of one cell of a matrix: its axes, typed. The run plan, the timing harness, the
/// BenchmarkDotNet filter, summary files, compare and report all key cells by it, and its rules are the
/// only statement of which combinations exist. On disk a key is <c>strategy/args/handler/mode</c>; axes
/// added later follow as <c>/axis=value</c>, written only when they differ from their default so keys of
/// older result files stay what they were.
/// </summary>
/// <remarks>Adding an axis: a property here (with its default), its term in <see cref="Text"/> and
/// <see cref="TryParse"/>, its rule in <see cref="TryValidate"/>, and its parser in <see cref="CellAxes"/>.
/// The <see cref="Attachment"/> axes keep their terms, parsers and rules together in that record.</remarks>
public sealed record CellKey(Strategy Strategy, int Args, HandlerKind Handler, MeasurementMode Mode)
{
    public const char Separator = '/';

    /// <summary>What sits between the trampoline and the program (ops-list's K and match, direct's P, profile and lookup).</summary>
    public Attachment Attach { get; init; } = Attachment.Default;

    /// <summary>The key as summary files, compare and report write it.</summary>
    public string Text => Format(Strategy.Name, Args, Handler.Name(), Mode.Name()) + Attach.Suffix;

    public override string ToString() => Text;

    /// <summary>A key from the names a result file carries (which may name strategies this build does not know).</summary>
    public static string Format(string strategy, int args, string handler, string mode) =>
        string.Create(CultureInfo.InvariantCulture, $"{strategy}{Separator}{args}{Separator}{handler}{Separator}{mode}");

    /// <summary>What this cell builds: the hook set under <paramref name="abi"/>.</summary>
    public HookSetOptions HookSet(Abi.CallingConvention abi, StackAlignment alignment = StackAlignment.Kernel) =>
        new(Strategy, Handler, Args, abi, alignment) { Attach = Attach };

    /// <summary>Whether the cell can be built and measured; <paramref name="error"/> is a one-line reason naming what is valid.</summary>
    public bool TryValidate(out string? error)
    {
        if (!HookSet(Abi.CallingConvention.Host).TryValidate(out error))
            return false;
        if (Args < Mode.MinArgs())
        {
            error = $"mode {Mode.Name()} needs args >= {Mode.MinArgs()} (it chains each result into the next call's first argument); got {Args}";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Throws the <see cref="TryValidate"/> reason as bad input.</summary>
    public CellKey Validate() => TryValidate(out string? error) ? this : throw new UsageException(error!);

    /// <summary>
    /// Parses <c>strategy/args/handler/mode</c> followed by any <c>/axis=value</c> terms; false with a one-line
    /// reason when a part is unknown or malformed.
    /// </summary>
    public static bool TryParse(string text, out CellKey? key, out string? error)
    {
        key = null;
        string[] parts = text.Split(Separator);
        if (parts.Length < 4)
        {
            error = $"cell key '{text}' is not strategy{Separator}args{Separator}handler{Separator}mode[{Separator}axis=value...]";
            return false;
        }

        try
        {
            var attach = Attachment.Default;
            foreach (string term in parts.Skip(4))
            {
                string[] axisValue = term.Split('=', 2);
                if (axisValue.Length != 2)
                    throw new UsageException($"'{term}' is not axis=value; axes: {string.Join(", ", Attachment.Axes)}");
                attach = attach.With(axisValue[0], axisValue[1]);
            }

            key = new CellKey(
                StrategyCatalog.Parse(parts[0]),
                CellAxes.ParseArgCount(parts[1], "args"),
                HandlerKinds.Parse(parts[2]),
                MeasurementModes.Parse(parts[3])) { Attach = attach };
        }
        catch (UsageException e)
        {
            error = $"cell key '{text}': {e.Message}";
            return false;
        }

        return key.TryValidate(out error);
    }
}
