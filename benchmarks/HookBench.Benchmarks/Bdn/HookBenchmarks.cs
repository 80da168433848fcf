using BenchmarkDotNet.Attributes;
using HookBench.Cells;
using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Mitigations;
using HookBench.Native;
using HookBench.Strategies;

namespace HookBench.Cli.Bdn;

/// <summary>
/// The strategies under BenchmarkDotNet. Each case emits, in [GlobalSetup] inside the benchmark
/// process, two byte-identical copies of the hook set; <see cref="Unhooked"/> (the baseline) and
/// <see cref="Hooked"/> call them through the same <c>delegate* unmanaged[SuppressGCTransition]</c>
/// loop, so the harness cost cancels in the overhead column. Which parameter combinations run is
/// decided by <see cref="MatrixFilter"/>. Only the emitted strategies run here: a kernel probe's first hit
/// rewrites the site and a probed copy can never be patched again, which BenchmarkDotNet's pilot and
/// warm-up stages would hide; the native harness times it (hookbench run --strategies uprobe-nop5).
/// </summary>
public class HookBenchmarks
{
    /// <summary>Calls per benchmark invocation; BenchmarkDotNet divides by it.</summary>
    public const int CallsPerInvoke = 1024;

    HookPair? _pair;
    ulong _unhooked;
    ulong _hooked;
    MeasurementMode _mode;

    [ParamsSource(nameof(StrategyNames))]
    public string Strategy { get; set; } = StrategyCatalog.None.Name;

    [ParamsSource(nameof(ArgCounts))]
    public int Args { get; set; }

    [ParamsSource(nameof(HandlerNames))]
    public string Handler { get; set; } = HandlerKind.Empty.Name();

    [ParamsSource(nameof(ModeNames))]
    public string Mode { get; set; } = MeasurementMode.Throughput.Name();

    [ParamsSource(nameof(ProfileNames))]
    public string Profile { get; set; } = MitigationProfiles.None.Name;

    public static IEnumerable<string> StrategyNames => StrategyCatalog.UserSpace.Select(s => s.Name);

    public static IEnumerable<int> ArgCounts => Enumerable.Range(0, HookSetOptions.MaxArgs + 1);

    public static IEnumerable<string> HandlerNames => HandlerKinds.All.Select(h => h.Name());

    public static IEnumerable<string> ModeNames => MeasurementModes.All.Select(m => m.Name());

    public static IEnumerable<string> ProfileNames => MitigationProfiles.Names;

    [GlobalSetup]
    public void Setup()
    {
        _pair = HookPair.Build(Options());
        _unhooked = _pair.Unhooked.EntryPoint;
        _hooked = _pair.Hooked.EntryPoint;
        _mode = MeasurementModes.Parse(Mode);
    }

    [GlobalCleanup]
    public void Cleanup() => _pair?.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = CallsPerInvoke)]
    public ulong Unhooked() => Call(_unhooked);

    [Benchmark(OperationsPerInvoke = CallsPerInvoke)]
    public ulong Hooked() => Call(_hooked);

    ulong Call(ulong entry) => _mode switch
    {
        MeasurementMode.Latency => NativeCallLoop.Latency(entry, Args, CallsPerInvoke),
        MeasurementMode.Serialized => NativeCallLoop.Serialized(entry, Args, CallsPerInvoke),
        _ => NativeCallLoop.Throughput(entry, Args, CallsPerInvoke),
    };

    HookSetOptions Options() =>
        new(StrategyCatalog.Parse(Strategy), HandlerKinds.Parse(Handler), Args, CallingConvention.Host) { Profile = MitigationProfiles.Parse(Profile) };
}
