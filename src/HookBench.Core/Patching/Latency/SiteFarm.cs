using HookBench.Abi;
using HookBench.Emission;
using HookBench.Handlers;
using HookBench.Mitigations;
using HookBench.Native;
using HookBench.Sites;
using HookBench.Targets;

namespace HookBench.Patching.Latency;

/// <summary>
/// Many hookable functions in one file-backed arena, one per 64-byte line, all attached to one shared
/// destination, as ftrace attaches every traced function to one ftrace_caller. The destination is an
/// in-place counter handler (the cheapest thing a site can call), because the farm measures patching,
/// not the hook path. Timing callers (<see cref="TimedCallerLoopEmitter"/>) run through its first sites.
/// </summary>
public sealed class SiteFarm : IDisposable
{
    public const int Stride = 64;

    SiteFarm(CodeArena arena, IReadOnlyList<Site> sites, ulong destination, ulong counter, ulong phase, IReadOnlyList<ulong> callers, ulong loop)
    {
        Arena = arena;
        Sites = sites;
        Destination = destination;
        Counter = counter;
        Phase = phase;
        Callers = callers;
        Loop = loop;
    }

    public CodeArena Arena { get; }
    public IReadOnlyList<Site> Sites { get; }
    public ulong Destination { get; }

    /// <summary>The destination handler's counter slot.</summary>
    public ulong Counter { get; }

    /// <summary>The patch phase: odd while a patch is in progress.</summary>
    public ulong Phase { get; }

    /// <summary>Each timing caller's <see cref="TimedCallerBlock"/>.</summary>
    public IReadOnlyList<ulong> Callers { get; }

    /// <summary>The timing caller loop; its argument is a caller block.</summary>
    public ulong Loop { get; }

    public static SiteFarm Build(int sites, int callers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sites, 1);
        var arena = CodeArena.Create(sites * Stride + 4 * CodeArena.PageSize, 4 * CodeArena.PageSize, ArenaBacking.File);
        try
        {
            var image = new CodeImage(arena);
            var abi = CallingConvention.SysV;
            var targets = new List<Site>(sites);
            for (int i = 0; i < sites; i++)
            {
                var blob = image.Emit($"farm{i}", BlobKind.Target,
                    asm => TargetEmitter.Emit(asm, Rel32Site.FentryCall, abi, 1, TargetEmitter.TargetSeed, null, ThunkSet.None));
                if (blob.Address != arena.CodeBase + (ulong)(i * Stride))
                    throw new InvalidOperationException($"farm target {i} does not fit one {Stride}-byte line");
                targets.Add(new Site(Rel32Site.FentryCall, blob.Address));
            }

            var slots = HandlerSlots.Allocate(image.Data, "farm.handler", 1);
            var spec = new HandlerSpec(HandlerKind.Counter, HandlerSignature.InPlace, HandlerRole.Entry, abi, 1, ContextLayout.None, slots);
            var destination = image.Emit("farm-destination", BlobKind.Handler, asm => HandlerEmitter.Emit(asm, spec));
            ulong phase = image.Data.Allocate("farm.phase", 1, alignment: 64).Address;
            ulong[] blocks = [.. Enumerable.Range(0, callers)
                .Select(i => image.Data.Allocate($"farm.caller{i}", TimedCallerBlock.Slots, TimedCallerBlock.Alignment).Address)];
            var loop = image.Emit("farm-caller", BlobKind.Harness, asm => TimedCallerLoopEmitter.Emit(asm, arena.CodeBase, Stride, phase));
            arena.Seal();
            return new SiteFarm(arena, targets, destination.Address, slots.Counter.Address, phase, blocks, loop.Address);
        }
        catch
        {
            arena.Dispose();
            throw;
        }
    }

    public IReadOnlyList<SitePatch> Attach(int count) => [.. Sites.Take(count).Select(s => SitePatch.Attach(s, Destination))];

    public IReadOnlyList<SitePatch> Detach(int count) => [.. Sites.Take(count).Select(s => SitePatch.Detach(s, Destination))];

    public void Dispose() => Arena.Dispose();
}
