using HookBench.Native;
using HookBench.Sites;

namespace HookBench.Patching;

/// <summary>
/// A way to rewrite sites that other threads may be executing, through the writable alias of a
/// file-backed arena (the execute view never loses execute permission, and no mapping is ever writable
/// and executable). Every patcher first checks that each site holds the bytes its patch expects and
/// writes nothing if one does not; patches of this process are serialized by one lock, as the kernel's
/// are by text_mutex. The catalog is <see cref="LivePatchers"/>.
/// </summary>
public abstract class LivePatcher
{
    static readonly Lock PatchLock = new();
    static int s_unsafeAllowed;
    long _syncs;

    /// <summary>Whether this process agreed to run unsafe patches (<see cref="AllowUnsafeInThisProcess"/>).</summary>
    public static bool UnsafeAllowed => Volatile.Read(ref s_unsafeAllowed) != 0;

    /// <summary>
    /// Marks this process as a disposable child that may run unsafe patches and early reclaim; nothing
    /// else calls it. Until then an unsafe patcher refuses to write.
    /// </summary>
    public static void AllowUnsafeInThisProcess() => Volatile.Write(ref s_unsafeAllowed, 1);

    /// <summary>The name on the command line.</summary>
    public abstract string Name { get; }

    /// <summary>One line: what it writes and when it syncs.</summary>
    public abstract string Description { get; }

    /// <summary>Breaks running callers on purpose (the negative control); only ever run in a child process.</summary>
    public virtual bool IsUnsafe => false;

    /// <summary>Core syncs this patcher has issued (membarrier SYNC_CORE or its fallback).</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>Whether the site's layout lets this patcher write it.</summary>
    public virtual bool CanWrite(Site site) => true;

    /// <summary>Why this patcher cannot write <paramref name="site"/>, naming the patchers that can, or null when it can.</summary>
    public virtual string? Refusal(Site site) => null;

    /// <summary>
    /// Rewrites every site in <paramref name="patches"/>. <paramref name="afterStep"/> is called at each
    /// step the patcher has (the int3 protocol's, after each sync), on this thread, with the patch lock held.
    /// </summary>
    public void Apply(CodeArena arena, IReadOnlyList<SitePatch> patches, Action<PatchStep>? afterStep = null)
    {
        if (arena.Backing != ArenaBacking.File)
            throw new InvalidOperationException(
                $"patcher {Name} rewrites live code through the writable alias of a file-backed arena; this arena is anonymous (HookSetOptions.Backing = File)");
        if (IsUnsafe && !UnsafeAllowed)
            throw new InvalidOperationException(
                $"patcher {Name} breaks running callers on purpose and runs only in a child process ('hookbench patch-stress --patcher {Name}' starts them)");
        if (patches.Count == 0)
            return;
        foreach (var patch in patches)
        {
            if (patch.From.Count != patch.To.Count || patch.To.Count != patch.Site.Length)
                throw new ArgumentException($"patch {patch} does not rewrite the whole {patch.Site.Length}-byte site", nameof(patches));
            if (Refusal(patch.Site) is string why)
                throw new UsageException(why);
        }

        lock (PatchLock)
        {
            foreach (var patch in patches)
            {
                byte[] actual = arena.Read(patch.Address, patch.Site.Length);
                if (!actual.SequenceEqual(patch.From))
                    throw new SiteMismatchException(
                        $"site at 0x{patch.Address:X} holds {Convert.ToHexString(actual)}, expected {Convert.ToHexString([.. patch.From])}; refusing to patch");
            }

            Write(arena, patches, afterStep ?? (_ => { }));
        }
    }

    /// <summary>Writes verified patches; called with the patch lock held.</summary>
    protected abstract void Write(CodeArena arena, IReadOnlyList<SitePatch> patches, Action<PatchStep> afterStep);

    /// <summary>Serializes every core running a thread of this process (the kernel's text_poke_sync).</summary>
    protected void Sync()
    {
        CoreSync.SerializeAllCores();
        Interlocked.Increment(ref _syncs);
    }

    public override string ToString() => Name;
}
