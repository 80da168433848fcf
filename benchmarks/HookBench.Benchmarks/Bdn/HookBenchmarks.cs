using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using HookBench.Abi;
using HookBench.Cells;
using HookBench.Comparison;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Measurement;
using HookBench.Mitigations;
using HookBench.Native;
using HookBench.Strategies;

namespace HookBench.Cli.Bdn;

/// <summary>
/// The strategies under BenchmarkDotNet. Each case emits, in [GlobalSetup] inside the benchmark process, two
/// byte-identical copies of the hook set, one left unpatched. Every invocation of <see cref="HookedAndUnhooked"/>
/// runs a loop of calls through each copy, hooked first on even invocations and unhooked first on odd ones,
/// timing each loop; both loops are the same JIT-compiled method with the same placement, in the same process,
/// moments apart, so the loop's alignment (which moves a separate benchmark's baseline between ~1.2 and ~1.7 ns
/// per call from one process to the next) cancels in their difference. At [GlobalCleanup] the process records
/// the median per-invocation difference as one launch (see <see cref="BdnLaunches"/>); the job runs several
/// launches, and the overhead is estimated over launches. BenchmarkDotNet's own Mean is per call of either copy.
/// Only the emitted strategies run here: a kernel probe's first hit rewrites the site and a probed copy can
/// never be patched again, which BenchmarkDotNet's pilot and warm-up stages would hide; the native harness
/// times it (<c>hookbench run --strategies uprobe-nop5</c>).
/// </summary>
public class HookBenchmarks
{
    /// <summary>Calls per loop; an invocation runs two loops (hooked and unhooked).</summary>
    public const int CallsPerInvoke = 1024;

    /// <summary>Invocations recorded per launch at most (the median needs no more).</summary>
    const int MaxRecorded = 1 << 21;

    HookPair? _pair;
    ulong _unhooked;
    ulong _hooked;
    MeasurementMode _mode;
    float[] _hookedNs = [];
    float[] _unhookedNs = [];
    int _recorded;
    long _invocations;

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

    /// <summary>What sits between the trampoline and the program (<see cref="BdnAttach"/>); the standard matrix keeps the default.</summary>
    [ParamsSource(nameof(AttachValues))]
    public string Attach { get; set; } = BdnAttach.Default;

    public static IEnumerable<string> StrategyNames => StrategyCatalog.UserSpace.Select(s => s.Name);

    public static IEnumerable<int> ArgCounts => Enumerable.Range(0, HookSetOptions.MaxArgs + 1);

    public static IEnumerable<string> HandlerNames => HandlerKinds.All.Select(h => h.Name());

    public static IEnumerable<string> ModeNames => MeasurementModes.All.Select(m => m.Name());

    public static IEnumerable<string> ProfileNames => MitigationProfiles.Names;

    public static IEnumerable<string> AttachValues => BdnAttach.Values;

    public string Key => KeyOf(Strategy, Args, Handler, Mode, Profile, Attach);

    /// <summary>The cell key of a case's parameters: what its launches, columns and the <c>--cells</c> filter key it by.</summary>
    public static string KeyOf(string strategy, int args, string handler, string mode, string profile, string attach) =>
        CellKey.Format(strategy, args, handler, mode,
            [(CellKeyTerms.Profile, profile), .. BdnAttach.Parse(attach).Terms().Select(t => (t.Axis, (string?)t.Value))]);

    /// <summary><see cref="KeyOf(string, int, string, string, string, string)"/> of a case's BenchmarkDotNet parameters.</summary>
    public static string KeyOf(BenchmarkDotNet.Parameters.ParameterInstances p) =>
        KeyOf((string)p["Strategy"], (int)p["Args"], (string)p["Handler"], (string)p["Mode"], (string)p["Profile"], (string)p["Attach"]);

    [GlobalSetup]
    public void Setup()
    {
        _pair = HookPair.Build(Options());
        _unhooked = _pair.Unhooked.EntryPoint;
        _hooked = _pair.Hooked.EntryPoint;
        _mode = MeasurementModes.Parse(Mode);
        _hookedNs = new float[MaxRecorded];
        _unhookedNs = new float[MaxRecorded];
        _recorded = 0;
        _invocations = 0;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pair?.Dispose();
        if (Launch() is { } launch && Environment.GetEnvironmentVariable(BdnLaunches.DirectoryVariable) is { Length: > 0 } directory)
            BdnLaunches.WriteLaunch(directory, launch);
    }

    [Benchmark(OperationsPerInvoke = 2 * CallsPerInvoke)]
    public ulong HookedAndUnhooked()
    {
        bool hookedFirst = _invocations++ % 2 == 0;
        long t0 = Stopwatch.GetTimestamp();
        ulong first = Call(hookedFirst ? _hooked : _unhooked);
        long t1 = Stopwatch.GetTimestamp();
        ulong second = Call(hookedFirst ? _unhooked : _hooked);
        long t2 = Stopwatch.GetTimestamp();
        if (_recorded < _hookedNs.Length)
        {
            float a = PerCall(t1 - t0), b = PerCall(t2 - t1);
            _hookedNs[_recorded] = hookedFirst ? a : b;
            _unhookedNs[_recorded] = hookedFirst ? b : a;
            _recorded++;
        }

        return first ^ second;
    }

    /// <summary>This process's launch so far: medians over its invocations, or null before any.</summary>
    public BdnLaunch? Launch()
    {
        if (_recorded == 0)
            return null;
        var difference = new float[_recorded];
        for (int i = 0; i < _recorded; i++)
            difference[i] = _hookedNs[i] - _unhookedNs[i];
        return new BdnLaunch(Key, Median(difference), Median(_hookedNs.AsSpan(0, _recorded).ToArray()), Median(_unhookedNs.AsSpan(0, _recorded).ToArray()), _invocations);
    }

    static float PerCall(long ticks) => (float)(ticks * 1e9 / Stopwatch.Frequency / CallsPerInvoke);

    static double Median(float[] values)
    {
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + (double)values[n / 2]) / 2;
    }

    ulong Call(ulong entry) => _mode switch
    {
        MeasurementMode.Latency => NativeCallLoop.Latency(entry, Args, CallsPerInvoke),
        MeasurementMode.Serialized => NativeCallLoop.Serialized(entry, Args, CallsPerInvoke),
        _ => NativeCallLoop.Throughput(entry, Args, CallsPerInvoke),
    };

    HookSetOptions Options() =>
        new(StrategyCatalog.Parse(Strategy), HandlerKinds.Parse(Handler), Args, CallingConvention.Host)
        {
            Profile = MitigationProfiles.Parse(Profile),
            Attach = BdnAttach.Parse(Attach),
        };
}
