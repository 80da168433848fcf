namespace HookBench.Measurement;

/// <summary>
/// Instructions one call executes in user space, and, when part of the path is not static (a trap into
/// the kernel), why the figure is not the whole call.
/// </summary>
public sealed record PathWalk(int Instructions, string? NotStatic)
{
    public bool IsStatic => NotStatic is null;

    /// <summary>Calls executed (return-stack-buffer pushes), not counting the caller's own call into the target.</summary>
    public int Calls { get; init; }

    /// <summary>Returns executed (return-stack-buffer pops), the final return to the caller included.</summary>
    public int Returns { get; init; }

    public override string ToString() => IsStatic ? Instructions.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Instructions} in user space + not countable ({NotStatic})";
}
