using System.Runtime.InteropServices;

namespace HookBench.Native;

/// <summary>Where HookBench can run: an x86-64 process on Linux, macOS or Windows.</summary>
public static class HostPlatform
{
    /// <summary>Why this process cannot run emitted code, or null when it can.</summary>
    public static string? UnsupportedReason(Architecture architecture, bool knownOs)
    {
        if (architecture != Architecture.X64)
            return $"HookBench emits x86-64 code; this process is {architecture}";
        if (!knownOs)
            return $"HookBench runs on Linux, macOS or Windows; this is {RuntimeInformation.OSDescription}";
        return null;
    }

    public static string? UnsupportedReason() => UnsupportedReason(
        RuntimeInformation.ProcessArchitecture,
        OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsWindows());

    public static void EnsureSupported()
    {
        string? reason = UnsupportedReason();
        if (reason is not null)
            throw new UsageException(reason);
    }
}
