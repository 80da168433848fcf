namespace HookBench.Measurement;

/// <summary>
/// Instructions one call executes in user space, and, when part of the path is not static (a trap into
/// the kernel), why the figure is not the whole call.
/// </summary>
public sealed record PathWalk(int Instructions, string? NotStatic)
{
    public bool IsStatic => NotStatic is null;

    public override string ToString() => IsStatic ? Instructions.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Instructions} in user space + not countable ({NotStatic})";
}
