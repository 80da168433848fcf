using System.Diagnostics;
using HookBench.Abi;
using HookBench.Emission;
using HookBench.Handlers;
using HookBench.HookSets;
using HookBench.Native;
using HookBench.Targets;

namespace HookBench.Patching.Stress;

/// <summary>
/// T caller threads call one hooked target in a loop (<see cref="CallerLoopEmitter"/>, each with its own
/// <see cref="CallerBlock"/>) while this thread attaches and detaches the site M times with a live
/// patcher. Each attach goes to the next of <see cref="PatchStressOptions.Trampolines"/> trampoline
/// copies; after the detach that copy is freed (overwritten with int3) once the <see cref="ReclaimPolicy"/>
/// allows, and written again when the rotation reuses it, so a caller still inside freed code would
/// trap. Callers keep calling until the toggles are done and together they have made the calls asked for.
/// </summary>
public static class PatchStress
{
    /// <summary>
    /// Refuses, before any work, options that cannot run: invalid values, or a patcher that cannot write
    /// the site as the options place it (the atomic patcher on a site crossing 8 bytes).
    /// </summary>
    public static void Check(PatchStressOptions options)
    {
        using var set = Emit(options);
    }

    public static PatchStressResult Run(PatchStressOptions options, Action<string>? progress = null)
    {
        if (options.IsUnsafe && !LivePatcher.UnsafeAllowed)
            throw new InvalidOperationException(
                $"patcher {options.Patcher.Name} with reclaim {options.Reclaim.Name()} breaks callers on purpose and runs only in a child process");
        using var set = Emit(options);

        var data = set.Image.Data;
        ulong phase = data.Allocate("stress.phase", 1, alignment: 64).Address;
        ulong[] blocks = [.. Enumerable.Range(0, options.Threads)
            .Select(i => data.Allocate($"stress.caller{i}", CallerBlock.Slots, CallerBlock.Alignment).Address)];
        var loop = set.Image.Emit("stress-caller", BlobKind.Harness, asm => CallerLoopEmitter.Emit(asm, set.Target.Address, phase));
        set.Seal();

        var arena = set.Arena;
        foreach (ulong block in blocks)
        {
            arena.WriteUInt64(block + CallerBlock.Expected, TargetEmitter.Reference(TargetEmitter.TargetSeed, [block]));
            arena.WriteUInt64(block + CallerBlock.Chunk, PatchStressOptions.ChunkCalls);
        }

        var toggler = new Toggler(options, set, phase, blocks);
        long quota = (options.Calls + options.Threads - 1) / options.Threads;
        int togglesDone = 0;
        var callers = blocks.Select(block => new Thread(() =>
        {
            while (Volatile.Read(ref togglesDone) == 0 || arena.ReadUInt64(block + CallerBlock.Calls) < (ulong)quota)
                arena.Invoke(loop.Address, block);
        })
        { IsBackground = true, Name = "patch-stress caller" }).ToList();

        var trapsBefore = TrapEmulator.Shared.Counts;
        long syncsBefore = options.Patcher.Syncs;
        var clock = Stopwatch.StartNew();
        callers.ForEach(t => t.Start());
        try
        {
            toggler.Run(progress);
        }
        finally
        {
            Volatile.Write(ref togglesDone, 1);
            callers.ForEach(t => t.Join());
        }

        clock.Stop();
        var expectedSite = options.Toggles % 2 == 0 ? set.Site.Kind.Original : set.Site.RoutedTo(toggler.LastDestination);
        var pool = toggler.Pool!;
        return new PatchStressResult(
            options,
            clock.Elapsed,
            [.. blocks.Select(b => CallerTally.Read(arena, b))],
            TrapEmulator.Shared.Counts - trapsBefore,
            options.Patcher.Syncs - syncsBefore,
            arena.Read(set.Site.Address, set.Site.Length).SequenceEqual(expectedSite))
        {
            Reclaim = new ReclaimCounts(pool.Count, pool.Frees, pool.Reuses, pool.Waits),
        };
    }

    /// <summary>The hook set, not sealed yet; refuses options the patcher cannot honour.</summary>
    static HookSet Emit(PatchStressOptions options)
    {
        options.EnsureValid();
        var hookOptions = new HookSetOptions(options.Strategy, HandlerKind.Counter, 1, CallingConvention.SysV)
        {
            Backing = ArenaBacking.File,
            ThreadCounters = true,
            SiteOffset = options.SiteOffset,
            SpareTrampolines = PatchStressOptions.Trampolines - 1,
        };
        hookOptions.EnsureValid();
        var set = HookSetBuilder.Emit(hookOptions);
        if (options.Patcher.Refusal(set.Site) is string refusal)
        {
            set.Dispose();
            throw new UsageException(refusal);
        }

        return set;
    }

    /// <summary>Attaches and detaches, keeps the phase, and frees and reuses the trampolines.</summary>
    sealed class Toggler(PatchStressOptions options, HookSet set, ulong phase, ulong[] blocks)
    {
        public TrampolinePool? Pool { get; private set; }

        public ulong LastDestination { get; private set; }

        public void Run(Action<string>? progress)
        {
            var arena = set.Arena;
            var grace = new GracePeriod(arena, [.. blocks.Select(b => new QuiescentPoint(b + CallerBlock.Calls, b + CallerBlock.Active))]);
            var pool = new TrampolinePool(arena, [set.Trampoline!, .. set.SpareTrampolines], grace, options.Reclaim);
            Pool = pool;
            int attached = -1;
            for (int k = 0; k < options.Toggles; k++)
            {
                bool attaching = k % 2 == 0;
                SitePatch patch;
                if (attaching)
                {
                    (attached, LastDestination) = pool.Acquire();
                    patch = SitePatch.Attach(set.Site, LastDestination);
                }
                else
                {
                    patch = SitePatch.Detach(set.Site, LastDestination);
                }

                arena.WriteUInt64(phase, 2 * (ulong)k + 1);
                options.Patcher.Apply(arena, [patch]);
                arena.WriteUInt64(phase, 2 * (ulong)k + 2);
                if (!attaching)
                    pool.Release(attached);
                pool.Poll();

                // Now and then hold the attached state until every caller has finished a call that began
                // after the patch, so some calls run entirely on the routed site and must see the handler.
                if (k % DwellEvery == 0)
                    grace.WaitFor(grace.Start(), passes: 2);
                if ((k + 1) % 1000 == 0)
                    progress?.Invoke($"{k + 1} of {options.Toggles} toggles");
            }

            pool.Drain();
        }
    }

    /// <summary>Toggles between waits for calls made entirely on the attached site (an even number: the wait follows an attach).</summary>
    const int DwellEvery = 16;
}
