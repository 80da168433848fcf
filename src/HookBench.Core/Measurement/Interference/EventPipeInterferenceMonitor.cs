using System.Diagnostics;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace HookBench.Measurement.Interference;

/// <summary>
/// An EventPipe session on this very process (Microsoft.Diagnostics.NETCore.Client), parsed by TraceEvent's
/// <see cref="EventPipeEventSource"/>: garbage collections (suspend → restart), JIT compilations and
/// thread-pool activity. Their timestamps are the runtime's QPC clock, the same clock as
/// <see cref="Stopwatch.GetTimestamp"/>, so they line up with the measurement windows.
/// </summary>
public sealed class EventPipeInterferenceMonitor : IInterferenceMonitor
{
    readonly List<InterferenceEvent> _events = [];
    readonly Dictionary<string, long> _open = [];
    EventPipeSession? _session;
    volatile bool _stopping;
    Thread? _reader;

    string? _unavailable;

    public string Description => _unavailable is null
        ? "EventPipe (own process): GC suspensions, JIT compilations, thread-pool events"
        : $"none: EventPipe unavailable ({_unavailable})";

    public void Start()
    {
        _stopping = false;
        var client = new DiagnosticsClient(Environment.ProcessId);
        var keywords = ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.Jit | ClrTraceEventParser.Keywords.Threading;
        var provider = new EventPipeProvider(ClrTraceEventParser.ProviderName, EventLevel.Verbose, (long)keywords);
        try
        {
            _session = client.StartEventPipeSession(provider, requestRundown: false, circularBufferMB: 64);
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or TimeoutException or IOException)
        {
            // DOTNET_EnableDiagnostics=0, or no IPC channel: measure without discarding, and say so in the run.
            _unavailable = e.Message.Split('\n')[0];
            return;
        }

        var source = new EventPipeEventSource(_session.EventStream);
        source.Clr.All += OnEvent;
        _reader = new Thread(() =>
        {
            try
            {
                source.Process();
            }
            catch (Exception) when (_stopping)
            {
                // The stream closes under the parser when the session stops.
            }
        })
        {
            IsBackground = true,
            Name = "hookbench-eventpipe",
        };
        _reader.Start();
    }

    void OnEvent(TraceEvent e)
    {
        // TimeStampQPC is "discouraged" in favour of session-relative milliseconds, but the raw QPC value
        // is exactly what Stopwatch.GetTimestamp() reads in this same process: no conversion, no drift.
#pragma warning disable CS0618
        long at = e.TimeStampQPC;
#pragma warning restore CS0618
        var (kind, role) = Classify(e.EventName ?? string.Empty);
        if (role == Role.Ignore)
            return;
        lock (_events)
        {
            if (role == Role.Begin)
            {
                _open[kind] = at;
                return;
            }

            long start = role == Role.End && _open.Remove(kind, out long begun) ? begun : at;
            _events.Add(new InterferenceEvent(kind, start, at));
        }
    }

    enum Role
    {
        Ignore,
        Begin,
        End,
        Point,
    }

    /// <summary>
    /// What disturbs a measurement: the runtime suspending threads for a GC (SuspendEE → RestartEE, and
    /// GC Start → Stop), compiling a method (JittingStarted → MethodLoad) and thread-pool threads coming and
    /// going. Bookkeeping events (allocation ticks, heap statistics, IL maps) do not, and are ignored.
    /// </summary>
    static (string Kind, Role Role) Classify(string name) => name switch
    {
        "GC/SuspendEEStart" => ("gc-suspend", Role.Begin),
        "GC/RestartEEStop" => ("gc-suspend", Role.End),
        "GC/Start" => ("gc", Role.Begin),
        "GC/Stop" => ("gc", Role.End),
        "Method/JittingStarted" => ("jit", Role.Begin),
        "Method/LoadVerbose" or "Method/Load" => ("jit", Role.End),
        _ when name.StartsWith("ThreadPoolWorkerThread", StringComparison.Ordinal) => ("threadpool", Role.Point),
        _ => (string.Empty, Role.Ignore),
    };

    public IReadOnlyList<InterferenceEvent> Stop()
    {
        var session = _session;
        if (session is not null)
        {
            _stopping = true;
            session.Stop();
            _reader?.Join(TimeSpan.FromSeconds(10));
            _session = null;
            session.Dispose();
        }

        lock (_events)
        {
            // An interval still open at the end lasted until now.
            foreach (var (kind, begun) in _open)
                _events.Add(new InterferenceEvent(kind, begun, Stopwatch.GetTimestamp()));
            _open.Clear();
            return [.. _events];
        }
    }

    public void Dispose()
    {
        if (_session is not null)
            Stop();
    }
}
