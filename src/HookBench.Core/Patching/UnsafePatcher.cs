using HookBench.Native;

namespace HookBench.Patching;

/// <summary>
/// The negative control: each site's bytes written one at a time, first byte first, with no int3 and no
/// sync, as a hooker that "relies on luck" does. A thread that runs the site between two of these
/// stores executes half of one instruction and half of another (for NOP5 → call: E8 1F 44 00 00, a call
/// to a nearby address that holds no function). Only ever run in a child process.
/// </summary>
public sealed class UnsafePatcher : LivePatcher
{
    public override string Name => "unsafe";

    public override string Description => "byte by byte, first byte first, no int3 and no sync (negative control; child process only)";

    public override bool IsUnsafe => true;

    protected override void Write(CodeArena arena, IReadOnlyList<SitePatch> patches, Action<PatchStep> afterStep)
    {
        foreach (var patch in patches)
        {
            for (int i = 0; i < patch.To.Count; i++)
                arena.Patch(patch.Address + (ulong)i, [patch.To[i]]);
        }
    }
}
