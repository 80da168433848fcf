namespace HookBench.Results;

/// <summary>
/// Opens a result file (a summary.json or a BenchmarkDotNet report) only when reading it is safe and
/// bounded: the path is not empty, symbolic links end in a file (a loop is refused, not followed), the
/// file is regular and non-empty, and its size is within <see cref="MaxBytes"/>. Nothing is read before
/// these checks, so a FIFO cannot block and /dev/zero or a 1 GB file cannot fill memory.
/// </summary>
public static class ResultFileReader
{
    /// <summary>
    /// 256 MiB. The largest file HookBench can write is a summary of the full matrix (about 430 cells)
    /// at the <c>--reps</c> maximum of 10,000, about 30 bytes per indented sample: roughly 130 MB. The
    /// published quick run is 0.16 MB and the BenchmarkDotNet standard report 1.4 MB (full matrix: about
    /// 20 MB), so this leaves twice the worst case and three orders of magnitude over the real ones.
    /// </summary>
    public const long MaxBytes = 256L * 1024 * 1024;

    /// <summary>What a result argument may be, for messages.</summary>
    public const string Expected = "a summary.json, a BenchmarkDotNet *-report-full.json, or a folder holding one";

    /// <summary>
    /// The file a path names after following symbolic links, or a one-line refusal: empty path, missing,
    /// a link loop, a dangling link. Folders are returned as they are (the caller decides what they hold).
    /// </summary>
    public static string Resolve(string path, string expected = Expected)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException($"an empty path was given; give {expected}");
        if (path.Contains('\0', StringComparison.Ordinal))
            throw new UsageException($"a path with a NUL character was given; give {expected}");
        FileSystemInfo entry = new FileInfo(path);
        if (Directory.Exists(path))
            return path;
        if (!entry.Exists)
            throw new UsageException($"{path} does not exist; give {expected}");
        if (entry.LinkTarget is null)
            return path;
        FileSystemInfo? target;
        try
        {
            target = entry.ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (IOException)
        {
            // ELOOP (symlink(7)): the kernel stops after 40 links; .NET stops the same way.
            throw new UsageException($"{path} is a symbolic link loop; give {expected}");
        }

        if (target is null || !target.Exists)
            throw new UsageException($"{path} is a symbolic link to {target?.FullName ?? "nothing"}, which does not exist; give {expected}");
        return path;
    }

    /// <summary>
    /// Opens <paramref name="file"/> for a streaming read after the checks above; reading past
    /// <see cref="MaxBytes"/> (a file that grew after the check) fails as well.
    /// </summary>
    public static Stream Open(string file)
    {
        Resolve(file);
        if (Directory.Exists(file))
            throw new UsageException($"{file} is a folder; give {Expected}");
        var info = new FileInfo(file);
        if (info.LinkTarget is not null)
            info = (FileInfo)info.ResolveLinkTarget(returnFinalTarget: true)!;

        // stat(2) reports size 0 for FIFOs, sockets and character or block devices, and an empty regular
        // file holds no result either; refusing size 0 before open(2) is what keeps a FIFO from blocking.
        long length = info.Length;
        if (length == 0)
            throw new UsageException($"{file} is empty or not a regular file (a FIFO, socket or device); give {Expected}");
        if (length > MaxBytes)
            throw new UsageException($"{file} is {length / (1024 * 1024)} MiB; result files are at most {MaxBytes / (1024 * 1024)} MiB (the largest run HookBench writes is about 130 MB)");
        try
        {
            // Unbuffered: both readers (the outline scan and the serializer) read in large blocks of their own.
            var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
            return new BoundedReadStream(stream, MaxBytes, file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new UsageException($"{file}: cannot read ({OneLine(e.Message)})");
        }
    }

    /// <summary>Reads the whole stream through a check, mapping read errors (EIO, EACCES) to one line.</summary>
    public static T Read<T>(string file, Func<Stream, T> parse)
    {
        using var stream = Open(file);
        try
        {
            return parse(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{file}: cannot read ({OneLine(e.Message)})");
        }
    }

    internal static string OneLine(string message)
    {
        string line = message.ReplaceLineEndings("\n").Split('\n')[0].Trim();
        return line.Length <= 300 ? line : line[..300] + "…";
    }
}
