using HookBench.Native;
using HookBench.Sites;

namespace HookBench.Patching;

/// <summary>
/// One aligned 8-byte store per site through the alias, then one sync for the batch: what user-space
/// hookers that patch without stopping threads rely on. A data store of an aligned qword is atomic
/// (Intel SDM Vol. 3A, "Guaranteed Atomic Operations"); for instruction fetch the manuals promise less,
/// which is why the kernel uses the int3 protocol. It cannot write a site that crosses an 8-byte
/// boundary, and refuses one with the reason.
/// </summary>
public sealed class AtomicPatcher : LivePatcher
{
    public override string Name => "atomic";

    public override string Description => "one aligned 8-byte store per site, then one sync (refuses a site that crosses an 8-byte boundary)";

    public override bool CanWrite(Site site) => CodeArena.FitsOneAtomicStore(site.Address, site.Length);

    public override string? Refusal(Site site)
    {
        if (CanWrite(site))
            return null;
        int offset = (int)(site.Address & 7);
        return $"patcher atomic writes one aligned 8-byte word, but the {site.Length}-byte site at 0x{site.Address:X} spans bytes "
            + $"{offset}..{offset + site.Length - 1} of its word and crosses into the next; valid patchers for this site: {LivePatchers.NamesFor(site)}";
    }

    protected override void Write(CodeArena arena, IReadOnlyList<SitePatch> patches, Action<PatchStep> afterStep)
    {
        foreach (var patch in patches)
            arena.PatchAtomic(patch.Address, [.. patch.To]);
        Sync();
    }
}
