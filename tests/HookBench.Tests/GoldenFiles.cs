using System.Runtime.CompilerServices;
using Xunit;

namespace HookBench.Tests;

/// <summary>Compares text with a reviewed file in Golden/; HOOKBENCH_UPDATE_GOLDEN=1 rewrites it instead.</summary>
public static class GoldenFiles
{
    public static void AssertMatches(string name, string actual, [CallerFilePath] string caller = "")
    {
        string directory = Path.Combine(FindTestsRoot(caller), "Golden");
        string path = Path.Combine(directory, name);
        if (Environment.GetEnvironmentVariable("HOOKBENCH_UPDATE_GOLDEN") == "1")
            File.WriteAllText(path, actual);
        Assert.True(File.Exists(path), $"missing golden file {path}; run with HOOKBENCH_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    static string FindTestsRoot(string caller)
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(caller)!); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HookBench.Tests.csproj")))
                return dir.FullName;
        }

        throw new InvalidOperationException("HookBench.Tests.csproj not found above " + caller);
    }
}
