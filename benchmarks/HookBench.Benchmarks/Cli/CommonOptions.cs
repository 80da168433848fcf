using System.CommandLine;
using System.Globalization;
using HookBench.Abi;
using HookBench.Cells;
using HookBench.Handlers;
using HookBench.Mitigations;
using HookBench.Strategies;
using HookBench.Uprobes;

namespace HookBench.Cli;

/// <summary>
/// The options the verbs share, and the one place their values are parsed. Help texts are generated from
/// the catalogs, so a new strategy, handler, mode or loop shape appears in every verb's help by itself.
/// </summary>
public static class CommonOptions
{
    public static Option<string> Strategy(bool required) => new("--strategy", "-s")
    {
        Description = $"Hooking strategy: {StrategyCatalog.ValidNames}",
        Required = required,
    };

    public static Option<string> Strategies() => new("--strategies")
    {
        Description = $"Comma list: {StrategyCatalog.ValidNames} (default: the emitted ones, {StrategyCatalog.UserSpace[0].Name}..{StrategyCatalog.UserSpace[^1].Name}; with --bpf-prog alone, the kernel probes)",
    };

    public static Option<string> Programs() => new("--bpf-prog")
    {
        Description = $"Comma list of BPF programs run on each hit of a kernel probe ({string.Join(", ", StrategyCatalog.KernelProbes.Select(s => s.Name))}): {ProbePrograms.ValidNames} (default: none)",
    };

    public static Option<string> Handler() => new("--handler")
    {
        Description = $"Handler: {HandlerKinds.ValidNames}",
        DefaultValueFactory = _ => HandlerKind.Empty.Name(),
    };

    public static Option<string> Handlers() => new("--handlers")
    {
        Description = $"Comma list: {HandlerKinds.ValidNames} (default: {HandlerKind.Empty.Name()})",
    };

    public static Option<string> Modes(string defaultMode) => new("--mode")
    {
        Description = $"Comma list: {MeasurementModes.ValidNames} (default: {defaultMode})",
    };

    public static Option<string> Functions() => new("--functions")
    {
        Description = $"Hooked functions per cell: counts in 1..{Footprint.FootprintBudget.MaxFunctions} as a comma list (default: 1; the sweep is 1,16,256,4096); more than one needs {Footprint.FootprintShapes.SupportedNames}",
    };

    public static Option<string> Callers() => new("--caller")
    {
        Description = $"Code around each call, comma list: {CallerContexts.ValidNames} (default: {CallerContext.Unrolled.Name()}; for an lfence after every call use --mode serialized)",
    };

    public static Option<string> Profile() => new("--profile")
    {
        Description = $"Mitigation profile: {MitigationProfiles.ValidNames} (default: none; see 'hookbench list')",
        DefaultValueFactory = _ => MitigationProfiles.None.Name,
    };

    public static Option<string> Profiles() => new("--profiles")
    {
        Description = $"Comma list of mitigation profiles: {MitigationProfiles.ValidNames} (default: none)",
    };

    public static Option<string> Loop() => new("--loop")
    {
        Description = $"Timing loop: {LoopShapes.ValidNames} (default: {LoopShape.Unrolled.Name()}; managed-shaped is BenchmarkDotNet's loop, for comparisons)",
    };

    public static Option<string> Abi() => new("--abi")
    {
        Description = $"Calling convention: {string.Join(", ", CallingConvention.All.Select(c => c.Name))} (default: this host's)",
        DefaultValueFactory = _ => CallingConvention.Host.Name,
    };

    public static Option<string> Alignment() => new("--align")
    {
        Description = $"Handler stack alignment: {string.Join(", ", StackAlignments.All.Select(a => a.Name()))}",
        DefaultValueFactory = _ => StackAlignment.Kernel.Name(),
    };

    public static Option<string> Args() => new("--args", "-n")
    {
        Description = $"Argument count of the target, {CellAxes.ArgRange}",
        Required = true,
    };

    public static Option<string> ArgList(string defaultArgs) => new("--args")
    {
        Description = $"Argument counts: N, A-B or a comma list within {CellAxes.ArgRange} (default: {defaultArgs})",
    };

    /// <summary>Parses an argument count, refusing anything outside the valid range with the range.</summary>
    public static int ParseArgCount(string text) => CellAxes.ParseArgCount(text, "--args");

    /// <summary>An integer option within [min, max], or <paramref name="fallback"/> when absent.</summary>
    public static int ParseInt(string? text, string option, int min, int max, int fallback)
    {
        if (text is null)
            return fallback;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new UsageException($"{option} must be an integer in {min}..{max}; got '{text}'");
    }

    /// <summary>A 64-bit integer option within [min, max], or <paramref name="fallback"/> when absent.</summary>
    public static long ParseLong(string? text, string option, long min, long max, long fallback)
    {
        if (text is null)
            return fallback;
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) && value >= min && value <= max
            ? value
            : throw new UsageException($"{option} must be an integer in {min}..{max}; got '{text}'");
    }

    /// <summary>A finite number option within [min, max], or <paramref name="fallback"/> when absent.</summary>
    public static double ParseDouble(string? text, string option, double min, double max, double fallback)
    {
        if (text is null)
            return fallback;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && value >= min && value <= max
            ? value
            : throw new UsageException($"{option} must be a number in {min}..{max}; got '{text}'");
    }
}
