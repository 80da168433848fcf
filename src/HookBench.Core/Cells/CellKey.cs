using System.Globalization;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Kernel;
using HookBench.Mitigations;
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
/// <see cref="TryParse"/>, its rule in <see cref="TryValidate"/>, and its parser in <see cref="CellAxes"/>.</remarks>
public sealed record CellKey(Strategy Strategy, int Args, HandlerKind Handler, MeasurementMode Mode)
{
    public const char Separator = '/';

    /// <summary>The term that names a non-default profile: <c>/profile=NAME</c>.</summary>
    public const string ProfileTerm = "profile=";

    /// <summary>The term that names a BPF program on a kernel probe: <c>/bpf=NAME</c>, after the profile's.</summary>
    public const string BpfTerm = "bpf=";

    /// <summary>The mitigation profile the target, trampoline and handlers are compiled with (default: none).</summary>
    public MitigationProfile Profile { get; init; } = MitigationProfiles.None;

    /// <summary>The BPF program run on each hit of a kernel probe (default: none, the probe alone; other strategies take only none).</summary>
    public ProbeProgram Bpf { get; init; } = ProbeProgram.None;

    /// <summary>The key as summary files, compare and report write it.</summary>
    public string Text => Format(Strategy.Name, Args, Handler.Name(), Mode.Name(), Profile.Name, Bpf.Name());

    public override string ToString() => Text;

    /// <summary>A key from the names a result file carries (which may name strategies this build does not know).</summary>
    public static string Format(string strategy, int args, string handler, string mode, string? profile = null, string? bpf = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{strategy}{Separator}{args}{Separator}{handler}{Separator}{mode}")
        + (profile is null || profile == MitigationProfiles.None.Name ? string.Empty : $"{Separator}{ProfileTerm}{profile}")
        + (bpf is null || bpf == ProbeProgram.None.Name() ? string.Empty : $"{Separator}{BpfTerm}{bpf}");

    /// <summary>What this cell builds: the hook set under <paramref name="abi"/>.</summary>
    public HookSetOptions HookSet(Abi.CallingConvention abi, StackAlignment alignment = StackAlignment.Kernel) =>
        new(Strategy, Handler, Args, abi, alignment) { Profile = Profile, Program = Bpf };

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
    /// Parses <c>strategy/args/handler/mode[/profile=NAME][/bpf=NAME]</c>; false with a one-line reason when a part is
    /// unknown or malformed.
    /// </summary>
    public static bool TryParse(string text, out CellKey? key, out string? error)
    {
        key = null;
        string[] parts = text.Split(Separator);
        string shape = $"strategy{Separator}args{Separator}handler{Separator}mode[{Separator}{ProfileTerm}NAME][{Separator}{BpfTerm}NAME]";
        string? profile = null, bpf = null;
        bool wellFormed = parts.Length is >= 4 and <= 6;
        for (int i = 4; wellFormed && i < parts.Length; i++)
        {
            if (parts[i].StartsWith(ProfileTerm, StringComparison.Ordinal) && profile is null && bpf is null)
                profile = parts[i][ProfileTerm.Length..];
            else if (parts[i].StartsWith(BpfTerm, StringComparison.Ordinal) && bpf is null)
                bpf = parts[i][BpfTerm.Length..];
            else
                wellFormed = false;
        }

        if (!wellFormed)
        {
            error = $"cell key '{text}' is not {shape}";
            return false;
        }

        try
        {
            key = new CellKey(
                StrategyCatalog.Parse(parts[0]),
                CellAxes.ParseArgCount(parts[1], "args"),
                HandlerKinds.Parse(parts[2]),
                MeasurementModes.Parse(parts[3]))
            {
                Profile = profile is null ? MitigationProfiles.None : MitigationProfiles.Parse(profile),
                Bpf = bpf is null ? ProbeProgram.None : ProbePrograms.Parse(bpf),
            };
        }
        catch (UsageException e)
        {
            error = $"cell key '{text}': {e.Message}";
            return false;
        }

        return key.TryValidate(out error);
    }
}
