using HookBench.Emission;
using HookBench.Handlers;

namespace HookBench.HookSets;

/// <summary>
/// One emitted handler of a hook set: its code, the slots it writes, what a validation build observes,
/// and the stack alignment the code that calls it documents (RSP mod 16 at its first instruction).
/// </summary>
public sealed record AttachedHandler(EmittedBlob Blob, HandlerSlots Slots, ObservationSlots? Observation, int EntryRspMod16)
{
    /// <summary>The observation slots, which only validation builds (<see cref="HookSetOptions.Instrumented"/>) have.</summary>
    public ObservationSlots RequireObservation() =>
        Observation ?? throw new InvalidOperationException($"{Blob.Name} is not instrumented; build with Instrumented = true");
}
