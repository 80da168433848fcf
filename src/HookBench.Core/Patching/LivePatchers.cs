using HookBench.Sites;

namespace HookBench.Patching;

/// <summary>The live patchers, by name.</summary>
public static class LivePatchers
{
    public static LivePatcher Int3 { get; } = new Int3Patcher(batched: false);

    public static LivePatcher Batch { get; } = new Int3Patcher(batched: true);

    public static LivePatcher Atomic { get; } = new AtomicPatcher();

    public static LivePatcher Unsafe { get; } = new UnsafePatcher();

    public static IReadOnlyList<LivePatcher> All { get; } = [Int3, Batch, Atomic, Unsafe];

    public static string ValidNames => string.Join(", ", All.Select(p => p.Name));

    public static LivePatcher Parse(string name) => NamedValues.Parse(name, All, p => p.Name, "patcher");

    /// <summary>The patchers that can write <paramref name="site"/>.</summary>
    public static string NamesFor(Site site) => string.Join(", ", All.Where(p => p.CanWrite(site)).Select(p => p.Name));
}
