using System.Text;

namespace HookBench.Results;

/// <summary>
/// Writes a set of files all or nothing: each goes to a temporary name beside its final one, and only when
/// every one is written are they moved into place (rename(2) replaces a name atomically). If anything fails,
/// files already moved are put back as they were, temporaries and folders this call created are removed,
/// and the one-line error says nothing was changed.
/// </summary>
public static class AtomicFiles
{
    /// <summary>
    /// Writes <paramref name="files"/> (paths relative to <paramref name="directory"/>, '/' for subfolders).
    /// With <paramref name="replace"/> false an existing file is refused instead of replaced.
    /// </summary>
    public static void WriteAll(string directory, IReadOnlyDictionary<string, string> files, bool replace = true) =>
        WriteAll(directory, files, replace, OpenTemporary);

    static Stream OpenTemporary(string path) =>
        new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);

    /// <summary>As above; tests pass an <paramref name="open"/> that fails part-way, as a full disk does.</summary>
    internal static void WriteAll(string directory, IReadOnlyDictionary<string, string> files, bool replace, Func<string, Stream> open)
    {
        if (string.IsNullOrWhiteSpace(directory))
            throw new UsageException("no output folder was given (an empty path)");
        string root = Path.GetFullPath(directory);
        var created = new List<string>();
        var temporaries = new List<string>();
        var committed = new List<(string Final, string? Backup)>();
        string tag = $"{Environment.ProcessId}.{Guid.NewGuid():N}"[..16];
        try
        {
            var plan = files.Select(f => (Final: Target(root, f.Key), Content: f.Value)).ToList();
            foreach (var (final, _) in plan)
                CreateFolders(Path.GetDirectoryName(final)!, created);

            foreach (var (final, content) in plan)
            {
                string temp = Path.Combine(Path.GetDirectoryName(final)!, $".{Path.GetFileName(final)}.{tag}.tmp");
                temporaries.Add(temp);     // before it exists: a write that fails half-way still leaves it on the list
                using var stream = open(temp);
                byte[] bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content);
                stream.Write(bytes);
                stream.Flush();
                if (stream is FileStream file)
                    file.Flush(flushToDisk: true);
            }

            for (int i = 0; i < plan.Count; i++)
            {
                string final = plan[i].Final, temp = temporaries[i];
                if (Directory.Exists(final))
                    throw new IOException($"{final} is a folder");
                if (File.Exists(final) || new FileInfo(final).LinkTarget is not null)
                {
                    if (!replace)
                        throw new IOException($"{final} already exists");
                    string backup = Path.Combine(Path.GetDirectoryName(final)!, $".{Path.GetFileName(final)}.{tag}.old");
                    File.Replace(temp, final, backup, ignoreMetadataErrors: true);
                    committed.Add((final, backup));
                }
                else
                {
                    File.Move(temp, final, overwrite: false);
                    committed.Add((final, null));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            bool restored = RollBack(committed, temporaries, created);
            string outcome = restored ? "nothing was changed" : "some files may be left replaced; check the folder";
            throw new UsageException($"could not write results to {directory} ({ResultFileReader.OneLine(e.Message)}); {outcome}");
        }

        foreach (var (_, backup) in committed)
        {
            if (backup is not null)
                TryDelete(backup);
        }
    }

    /// <summary>The final path of a relative name, refusing names that would leave the folder.</summary>
    static string Target(string root, string relative)
    {
        string full = Path.GetFullPath(Path.Combine(root, relative));
        if (Path.IsPathRooted(relative) || !full.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"'{relative}' is not a file name inside the folder");
        return full;
    }

    static void CreateFolders(string folder, List<string> created)
    {
        var missing = new Stack<string>();
        for (string? f = folder; f is not null && !Directory.Exists(f); f = Path.GetDirectoryName(f))
            missing.Push(f);
        while (missing.Count > 0)
        {
            string f = missing.Pop();
            Directory.CreateDirectory(f);
            created.Add(f);
        }
    }

    static bool RollBack(List<(string Final, string? Backup)> committed, List<string> temporaries, List<string> created)
    {
        bool ok = true;
        for (int i = committed.Count - 1; i >= 0; i--)
        {
            var (final, backup) = committed[i];
            try
            {
                if (backup is null)
                    File.Delete(final);
                else
                    File.Move(backup, final, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ok = false;
            }
        }

        foreach (string temp in temporaries)
            ok &= TryDelete(temp);
        for (int i = created.Count - 1; i >= 0; i--)
        {
            try
            {
                Directory.Delete(created[i]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ok = false;
            }
        }

        return ok;
    }

    static bool TryDelete(string file)
    {
        try
        {
            File.Delete(file);     // no error when it does not exist
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
