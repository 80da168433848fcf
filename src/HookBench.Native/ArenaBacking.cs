namespace HookBench.Native;

/// <summary>What an arena's code pages are made of.</summary>
public enum ArenaBacking
{
    /// <summary>
    /// Anonymous memory: code pages are read-write while code is written and read-execute after
    /// sealing; a patch flips the touched pages to read-write (not executable) and back, so a thread
    /// executing them meanwhile faults.
    /// </summary>
    Anonymous,

    /// <summary>
    /// A memfd (Linux only): threads execute a private read-execute mapping of it, and code is written
    /// and patched through a second, shared read-write mapping of the same file. No executable page
    /// ever loses execute permission, so a site can be patched while another thread runs it, and the
    /// kernel can put a uprobe on the code (it probes an inode and an offset).
    /// </summary>
    File,
}
