using HookBench.Native;

namespace HookBench.Patching;

/// <summary>
/// The kernel's protocol for live text (arch/x86/kernel/alternative.c: smp_text_poke_batch_finish,
/// formerly text_poke_bp_batch): list the sites in the trap table; write int3 over each site's first
/// byte, sync; write each tail, sync; write each first byte, sync; empty the table once no handler is in
/// it. A thread that meets an int3 meanwhile is handled by <see cref="TrapEmulator"/>, which runs the new
/// instruction for it. Unbatched (<c>int3</c>), every site pays its own three syncs, as
/// smp_text_poke_single does; batched (<c>batch</c>), up to <see cref="TrapEmulator.Capacity"/> sites share
/// them, as ftrace's batched updates do.
/// </summary>
public sealed class Int3Patcher(bool batched) : LivePatcher
{
    const byte Int3 = 0xCC;

    public override string Name => batched ? "batch" : "int3";

    public override string Description => batched
        ? "the int3 protocol with every site of a batch sharing its three syncs (smp_text_poke_batch_finish)"
        : "the kernel's int3 protocol per site: int3, sync, tail, sync, first byte, sync (smp_text_poke_single)";

    protected override void Write(CodeArena arena, IReadOnlyList<SitePatch> patches, Action<PatchStep> afterStep)
    {
        var emulator = TrapEmulator.Shared;
        emulator.EnsureInstalled();
        emulator.Register(arena);
        if (!batched)
        {
            foreach (var patch in patches)
                Run(arena, emulator, [patch], afterStep);
            return;
        }

        foreach (var chunk in patches.OrderBy(p => p.Address).Chunk(TrapEmulator.Capacity))
            Run(arena, emulator, chunk, afterStep);
    }

    void Run(CodeArena arena, TrapEmulator emulator, IReadOnlyList<SitePatch> patches, Action<PatchStep> afterStep)
    {
        emulator.Publish([.. patches.Select(p => p.Emulation)]);
        try
        {
            afterStep(PatchStep.Published);
            foreach (var patch in patches)
                arena.Patch(patch.Address, [Int3]);
            Sync();
            afterStep(PatchStep.TrapsWritten);

            bool wroteTail = false;
            foreach (var patch in patches.Where(p => !p.From.Skip(1).SequenceEqual(p.To.Skip(1))))
            {
                arena.Patch(patch.Address + 1, [.. patch.To.Skip(1)]);
                wroteTail = true;
            }

            // "According to Intel, this core syncing is very likely not necessary and we'd be safe even
            // without it. But better safe than sorry (plus there's not only Intel)." (the kernel, same step)
            if (wroteTail)
                Sync();
            afterStep(PatchStep.TailsWritten);

            foreach (var patch in patches)
                arena.Patch(patch.Address, [patch.To[0]]);
            Sync();
            afterStep(PatchStep.FirstBytesWritten);
        }
        finally
        {
            emulator.Retire();
        }

        afterStep(PatchStep.Retired);
    }
}
