using System.Text;

namespace HookBench.Results;

/// <summary>
/// The one <c>--out</c> policy of every verb that writes, applied before any measuring: an empty path, a
/// file where a folder is wanted, a name that cannot be created (too long, under a file, through a link
/// loop), a folder that is not writable, a folder sitting where an output file goes, an existing file a
/// single-file output would replace, and an output that is one of the command's own inputs are all
/// refused with one line. The write itself (<see cref="AtomicFiles"/>) is then all or nothing.
/// </summary>
public static class OutputPaths
{
    /// <summary>NAME_MAX: bytes in one path component on Linux file systems (limits.h, pathconf(3)).</summary>
    public const int NameMax = 255;

    /// <summary>PATH_MAX: bytes in a whole path, terminating NUL included (limits.h).</summary>
    public const int PathMax = 4096;

    /// <summary>What <see cref="AtomicFiles"/> adds to a file name for its temporary and backup names.</summary>
    const int TemporaryOverhead = 22;

    /// <summary>
    /// Checks a folder that will receive <paramref name="files"/> (relative names, '/' for subfolders) and
    /// <paramref name="folders"/> (created by others, e.g. BenchmarkDotNet's artifacts); returns its full path.
    /// </summary>
    public static string CheckFolder(
        string? directory, string option, IEnumerable<string> files, IEnumerable<string>? inputs = null, IEnumerable<string>? folders = null)
    {
        if (string.IsNullOrWhiteSpace(directory))
            throw new UsageException($"{option} is empty; give a folder (new or existing)");
        string full = FullPath(directory, option);
        var names = files.ToList();
        CheckLengths(full, option, names, folders ?? []);

        switch (KindOf(full))
        {
            case EntryKind.File:
                throw new UsageException($"{option} {directory} is an existing file; give a folder (new or existing)");
            case EntryKind.LinkLoop:
                throw new UsageException($"{option} {directory} is a symbolic link loop; give a folder (new or existing)");
            case EntryKind.DanglingLink:
                throw new UsageException($"{option} {directory} is a symbolic link to a folder that does not exist; give a folder (new or existing)");
        }

        string existing = NearestExistingFolder(full, directory, option);
        ProbeWritable(existing, directory, option);

        foreach (string name in names)
            CheckEntry(full, name, option, wantFolder: false);
        foreach (string name in folders ?? [])
            CheckEntry(full, name, option, wantFolder: true);

        var outputs = names.Select(n => Comparable(Path.Combine(full, n))).ToHashSet(StringComparer.Ordinal);
        foreach (string input in inputs ?? [])
        {
            if (!string.IsNullOrWhiteSpace(input) && outputs.Contains(Comparable(input)))
                throw new UsageException($"{option} {directory} would overwrite {input}, an input of this command; choose another {option}");
        }

        return full;
    }

    /// <summary>Checks a single output file: it must not exist (nothing is overwritten) nor be an input; returns its full path.</summary>
    public static string CheckFile(string? file, string option, IEnumerable<string>? inputs = null)
    {
        if (string.IsNullOrWhiteSpace(file))
            throw new UsageException($"{option} is empty; give a new file name");
        string full = FullPath(file, option);
        if (file.EndsWith('/') || file.EndsWith(Path.DirectorySeparatorChar) || Directory.Exists(full))
            throw new UsageException($"{option} {file} is a folder; give a new file name");
        foreach (string input in inputs ?? [])
        {
            if (!string.IsNullOrWhiteSpace(input) && Comparable(input) == Comparable(full))
                throw new UsageException($"{option} {file} is an input of this command; give a new file name");
        }

        if (KindOf(full) != EntryKind.Missing)
            throw new UsageException($"{option} {file} already exists; give a new file name (nothing is overwritten)");
        string parent = Path.GetDirectoryName(full)!;
        CheckFolder(parent, option, [Path.GetFileName(full)]);
        return full;
    }

    static string FullPath(string path, string option)
    {
        if (path.Contains('\0', StringComparison.Ordinal))
            throw new UsageException($"{option} holds a NUL character; give a path");
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"{option} {path} is not a usable path ({ResultFileReader.OneLine(e.Message)})");
        }
    }

    static void CheckLengths(string full, string option, IEnumerable<string> files, IEnumerable<string> folders)
    {
        foreach (string component in full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
            CheckName(component, NameMax, option);
        foreach (string file in files)
        {
            string[] parts = file.Split('/', StringSplitOptions.RemoveEmptyEntries);
            for (int i = 0; i < parts.Length; i++)
                CheckName(parts[i], i == parts.Length - 1 ? NameMax - TemporaryOverhead : NameMax, option);
        }

        foreach (string folder in folders)
        {
            foreach (string part in folder.Split('/', StringSplitOptions.RemoveEmptyEntries))
                CheckName(part, NameMax, option);
        }

        foreach (string name in files.Concat(folders))
        {
            int bytes = Encoding.UTF8.GetByteCount(Path.Combine(full, name)) + TemporaryOverhead;
            if (bytes >= PathMax)
                throw new UsageException($"{option}: {Shorten(full)} is too long a path for its files ({bytes} bytes with the temporary name; the limit is {PathMax - 1})");
        }
    }

    static void CheckName(string name, int limit, string option)
    {
        int bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > limit)
        {
            string room = limit < NameMax ? $" ({limit} for an output file, which is first written under a longer temporary name)" : string.Empty;
            throw new UsageException($"{option}: the name '{Shorten(name)}' is {bytes} bytes; a file or folder name holds at most {NameMax}{room}");
        }
    }

    static string NearestExistingFolder(string full, string given, string option)
    {
        string probe = full;
        while (!Directory.Exists(probe))
        {
            string? parent = Path.GetDirectoryName(probe);
            if (parent is null || parent == probe)
                throw new UsageException($"{option} {given}: no existing parent folder");
            switch (KindOf(parent))
            {
                case EntryKind.File:
                    throw new UsageException($"{option} {given}: {parent} is a file, not a folder");
                case EntryKind.LinkLoop:
                    throw new UsageException($"{option} {given}: {parent} is a symbolic link loop");
                case EntryKind.DanglingLink:
                    throw new UsageException($"{option} {given}: {parent} is a symbolic link to a folder that does not exist");
            }

            probe = parent;
        }

        return probe;
    }

    static void ProbeWritable(string folder, string given, string option)
    {
        string test = Path.Combine(folder, $".hookbench-write-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(test, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UsageException($"{option} {given}: {folder} is not writable ({ResultFileReader.OneLine(e.Message)}); choose a folder you can write to");
        }
    }

    /// <summary>Refuses an entry in the way of an output: a folder where a file goes, a file where a folder goes, on any level.</summary>
    static void CheckEntry(string full, string relative, string option, bool wantFolder)
    {
        string path = full;
        string[] parts = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            path = Path.Combine(path, parts[i]);
            bool last = i == parts.Length - 1;
            var kind = KindOf(path);
            if (kind == EntryKind.Missing)
                return;
            if (kind is EntryKind.LinkLoop or EntryKind.DanglingLink)
                throw new UsageException($"{option}: {path} is a broken symbolic link where {relative} goes; remove it or choose another {option}");
            if (kind == EntryKind.Folder && last && !wantFolder)
                throw new UsageException($"{option}: {path} is a folder where the file {relative} goes; remove it or choose another {option}");
            if (kind == EntryKind.File && (!last || wantFolder))
                throw new UsageException($"{option}: {path} is a file where a folder for {relative} goes; remove it or choose another {option}");
        }
    }

    enum EntryKind
    {
        Missing,
        Folder,
        File,
        LinkLoop,
        DanglingLink,
    }

    static EntryKind KindOf(string path)
    {
        if (Directory.Exists(path))
            return EntryKind.Folder;
        var info = new FileInfo(path);
        if (!info.Exists)
            return EntryKind.Missing;
        if (info.LinkTarget is null)
            return EntryKind.File;
        try
        {
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            return target is { Exists: true } ? EntryKind.File : EntryKind.DanglingLink;
        }
        catch (IOException)
        {
            return EntryKind.LinkLoop;
        }
    }

    /// <summary>A path for "is this the same file" questions: full, with links of the file itself followed.</summary>
    static string Comparable(string path)
    {
        try
        {
            string full = Path.GetFullPath(path);
            var info = new FileInfo(full);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                return target.FullName;
            return full;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return path;
        }
    }

    static string Shorten(string text) => text.Length <= 60 ? text : text[..40] + "…" + text[^15..];
}
