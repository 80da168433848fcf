namespace HookBench.Uprobes;

/// <summary>
/// The verifier rejected a program HookBench emitted: a bug in the emitter, not a missing privilege.
/// The message carries the verifier's log, whose last lines name the instruction it refused and why.
/// </summary>
public sealed class BpfVerifierException(string programName, int errno, string log)
    : Exception($"the BPF verifier rejected program '{programName}' ({Errno.Name(errno)}); its log:{System.Environment.NewLine}{log}")
{
    public string ProgramName { get; } = programName;

    public int ErrorNumber { get; } = errno;

    public string Log { get; } = log;
}
