using System.Diagnostics;

namespace HookBench.Cli;

/// <summary>
/// Starts this same <c>hookbench</c> as a child process, for runs that are meant to crash (the unsafe
/// patch controls): the apphost next to hookbench.dll, or hookbench.dll under the dotnet host, which is
/// also how a test process (whose own executable is the test host) finds it.
/// </summary>
public static class SelfProcess
{
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        string dll = typeof(HookBenchCli).Assembly.Location;
        string directory = Path.GetDirectoryName(dll)!;
        string apphost = Path.Combine(directory, OperatingSystem.IsWindows() ? "hookbench.exe" : "hookbench");
        var info = File.Exists(apphost) ? new ProcessStartInfo(apphost) : new ProcessStartInfo(DotnetHost()) { ArgumentList = { dll } };
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        return info;
    }

    /// <summary>Runs a child to its end (or kills it after <paramref name="timeout"/>) and says how it ended.</summary>
    public static ChildOutcome Run(IEnumerable<string> arguments, TimeSpan timeout)
    {
        using var process = Process.Start(StartInfo(arguments)) ?? throw new InvalidOperationException("could not start a hookbench child process");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new ChildOutcome(ChildEnd.Hung, null, output.Result, error.Result);
        }

        process.WaitForExit();   // drain the redirected streams
        int code = process.ExitCode;
        // .NET reports a child killed by signal N as exit code 128 + N, as shells do.
        if (code > 128 && code < 128 + 65)
            return new ChildOutcome(ChildEnd.Signalled, code - 128, output.Result, error.Result);
        return new ChildOutcome(code == 0 ? ChildEnd.Succeeded : ChildEnd.Failed, code, output.Result, error.Result);
    }

    static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is string host && File.Exists(host) ? host
        : Environment.ProcessPath is string self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";
}
