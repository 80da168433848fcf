using BenchmarkDotNet.Attributes;
using HookBench.Cells;
using HookBench.Abi;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Native;
using HookBench.Strategies;

namespace HookBench.Cli.Bdn;

/// <summary>
/// The strategies under BenchmarkDotNet. Each case emits, in [GlobalSetup] inside the benchmark
/// process, two byte-identical copies of the hook set; <see cref="Unhooked"/> (the baseline) and
/// <see cref="Hooked"/> call them through the same <c>delegate* unmanaged[SuppressGCTransition]</c>
/// loop, so the harness cost cancels in the overhead column. Which parameter combinations run is
/// decided by <see cref="MatrixFilter"/>.
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

    /// <summary>What sits between the trampoline and the program (<see cref="BdnAttach"/>); the standard matrix keeps the default.</summary>
    [ParamsSource(nameof(AttachValues))]
    public string Attach { get; set; } = BdnAttach.Default;

    public static IEnumerable<string> StrategyNames => StrategyCatalog.All.Select(s => s.Name);

    public static IEnumerable<int> ArgCounts => Enumerable.Range(0, HookSetOptions.MaxArgs + 1);

    public static IEnumerable<string> HandlerNames => HandlerKinds.All.Select(h => h.Name());

    public static IEnumerable<string> ModeNames => MeasurementModes.All.Select(m => m.Name());

    public static IEnumerable<string> AttachValues => BdnAttach.Values;

    [GlobalSetup]
    public void Setup()
    {
        _pair = HookPair.Build(Options());
        _unhooked = _pair.Unhooked.Target.Address;
        _hooked = _pair.Hooked.Target.Address;
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
        new(StrategyCatalog.Parse(Strategy), HandlerKinds.Parse(Handler), Args, CallingConvention.Host) { Attach = BdnAttach.Parse(Attach) };
}
