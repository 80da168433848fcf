namespace HookBench.Uprobes;

/// <summary>Thrown by <see cref="KernelOutcome{T}.Value"/> when the outcome is a refusal; the message is its one line.</summary>
public sealed class KernelUnavailableException(KernelUnavailable unavailable) : Exception(unavailable.Line)
{
    public KernelUnavailable Unavailable { get; } = unavailable;
}
