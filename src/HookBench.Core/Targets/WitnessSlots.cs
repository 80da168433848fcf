using HookBench.Emission;

namespace HookBench.Targets;

/// <summary>
/// Where a validation build of a target records what reached its body: how often it ran, EFLAGS, RSP,
/// the hidden-argument register (System V's AL) and every argument.
/// </summary>
public sealed record WitnessSlots(DataSlot Hits, DataSlot Flags, DataSlot Rsp, DataSlot HiddenArgument, DataSlot Arguments)
{
    public static WitnessSlots Allocate(DataBlock data, string owner, int argCount) => new(
        data.Allocate($"{owner}.hits"),
        data.Allocate($"{owner}.flags"),
        data.Allocate($"{owner}.rsp"),
        data.Allocate($"{owner}.hidden"),
        data.Allocate($"{owner}.args", Math.Max(1, argCount)));
}
