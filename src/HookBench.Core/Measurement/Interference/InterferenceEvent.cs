namespace HookBench.Measurement.Interference;

/// <summary>Runtime activity that can disturb a measurement, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
public readonly record struct InterferenceEvent(string Kind, long Start, long End)
{
    public bool Overlaps(long windowStart, long windowEnd) => Start <= windowEnd && End >= windowStart;
}

/// <summary>Records runtime events while measurements run; the runner discards repetitions they overlap.</summary>
public interface IInterferenceMonitor : IDisposable
{
    /// <summary>What the monitor watches, for the run's record (e.g. "EventPipe: GC, JIT, thread pool").</summary>
    string Description { get; }

    void Start();

    /// <summary>Stops recording and returns everything seen since <see cref="Start"/>.</summary>
    IReadOnlyList<InterferenceEvent> Stop();
}

/// <summary>Sees nothing: for hosts without a diagnostics IPC channel.</summary>
public sealed class NoInterferenceMonitor : IInterferenceMonitor
{
    public string Description => "none";

    public void Start()
    {
    }

    public IReadOnlyList<InterferenceEvent> Stop() => [];

    public void Dispose()
    {
    }
}
