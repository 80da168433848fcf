namespace HookBench.Results;

/// <summary>
/// Writes a set of files so that each appears whole or not at all: every file goes to a temporary name
/// in the destination folder first, and only when all are written are they renamed into place.
/// </summary>
public static class AtomicFiles
{
    public static void WriteAll(string directory, IReadOnlyDictionary<string, string> files)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"could not create {directory} ({e.Message}); choose a folder you can write to");
        }

        var temporaries = new List<(string Temp, string Final)>();
        try
        {
            foreach (var (name, content) in files)
            {
                string final = Path.Combine(directory, name);
                string temp = Path.Combine(directory, $".{name}.{Environment.ProcessId}.tmp");
                using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
                using (var writer = new StreamWriter(stream))
                {
                    writer.Write(content);
                    writer.Flush();
                    stream.Flush(flushToDisk: true);
                }

                temporaries.Add((temp, final));
            }

            foreach (var (temp, final) in temporaries)
                File.Move(temp, final, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"could not write results to {directory} ({e.Message}); nothing was replaced");
        }
        finally
        {
            foreach (var (temp, _) in temporaries)
            {
                if (File.Exists(temp))
                    File.Delete(temp);
            }
        }
    }

    /// <summary>
    /// Refuses, before any work, an output path that cannot take the files: an existing file, or a
    /// folder (or nearest existing parent) that is not writable. Leaves nothing behind.
    /// </summary>
    public static void EnsureWritableDirectory(string directory, string optionName)
    {
        string full = Path.GetFullPath(directory);
        if (File.Exists(full))
            throw new UsageException($"{optionName} {directory} is an existing file; give a folder (new or existing)");
        string probe = full;
        while (!Directory.Exists(probe))
        {
            string? parent = Path.GetDirectoryName(probe);
            if (parent is null || parent == probe)
                throw new UsageException($"{optionName} {directory}: no existing parent folder");
            if (File.Exists(parent))
                throw new UsageException($"{optionName} {directory}: {parent} is a file, not a folder");
            probe = parent;
        }

        string test = Path.Combine(probe, $".hookbench-write-test-{Environment.ProcessId}");
        try
        {
            using (File.Create(test, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UsageException($"{optionName} {directory}: {probe} is not writable; choose a folder you can write to");
        }
    }
}
