namespace HookBench.Uprobes;

/// <summary>
/// Either what a kernel operation produced or why the kernel or this process refused it. A refusal is
/// an expected result on machines without the privilege or the kernel option, not an error: callers
/// skip, report the line, or carry on without kernel probes.
/// </summary>
public sealed class KernelOutcome<T> where T : class
{
    readonly T? _value;

    public KernelOutcome(T value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    public KernelOutcome(KernelUnavailable unavailable) => Unavailable = unavailable ?? throw new ArgumentNullException(nameof(unavailable));

    public KernelUnavailable? Unavailable { get; }

    public bool IsAvailable => _value is not null;

    /// <summary>The result; throws <see cref="KernelUnavailableException"/> when the kernel refused.</summary>
    public T Value => _value ?? throw new KernelUnavailableException(Unavailable!);

    public static implicit operator KernelOutcome<T>(T value) => new(value);

    public static implicit operator KernelOutcome<T>(KernelUnavailable unavailable) => new(unavailable);

    public override string ToString() => _value?.ToString() ?? Unavailable!.Line;
}
