namespace HookBench.Cli;

/// <summary>Where results go by default: results/ at the repository root (found from the executable).</summary>
public static class ResultsFolders
{
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bench.sln")))
                return dir.FullName;
        }

        return Directory.GetCurrentDirectory();
    }

    /// <summary>results/runs/&lt;UTC timestamp&gt;/ (git-ignored).</summary>
    public static string NewRunFolder() =>
        Path.Combine(RepositoryRoot(), "results", "runs", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'"));
}
