using HookBench.Emission;

namespace HookBench.Handlers;

/// <summary>The data a handler writes in every build: its counter and the sink the args handler fills.</summary>
public sealed record HandlerSlots(DataSlot Counter, DataSlot Sink)
{
    public static HandlerSlots Allocate(DataBlock data, string owner, int argCount) => new(
        data.Allocate($"{owner}.counter"),
        data.Allocate($"{owner}.sink", argCount + 1));
}
