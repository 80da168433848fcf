using HookBench.Emission;

namespace HookBench.Handlers;

/// <summary>
/// What a validation build of a handler records on entry: hits, RSP, its first four argument registers
/// (ip, parent_ip, ops, regs for ftrace callbacks) and, given a pt_regs, regs->flags/ip/sp/cs.
/// </summary>
public sealed record ObservationSlots(
    DataSlot Hits, DataSlot Rsp, DataSlot Arguments, DataSlot RegsFlags, DataSlot RegsIp, DataSlot RegsSp, DataSlot RegsCs)
{
    public static ObservationSlots Allocate(DataBlock data, string owner) => new(
        data.Allocate($"{owner}.obs.hits"),
        data.Allocate($"{owner}.obs.rsp"),
        data.Allocate($"{owner}.obs.args", 4),
        data.Allocate($"{owner}.obs.regs_flags"),
        data.Allocate($"{owner}.obs.regs_ip"),
        data.Allocate($"{owner}.obs.regs_sp"),
        data.Allocate($"{owner}.obs.regs_cs"));
}
