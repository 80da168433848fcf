using HookBench.Abi;
using HookBench.Emission;

namespace HookBench.Validation;

/// <summary>The probe harness's inputs and outputs, indexed like <see cref="CallingConvention.GeneralPurposeRegisters"/>.</summary>
public sealed record ProbeSlots(
    DataSlot RegistersIn,
    DataSlot FlagsIn,
    DataSlot StackArgumentsIn,
    DataSlot RegistersOut,
    DataSlot FlagsOut,
    DataSlot RspOut,
    DataSlot RspBeforeCall,
    DataSlot SavedHostRsp)
{
    public const int MaxStackArguments = 4;

    public static ProbeSlots Allocate(DataBlock data) => new(
        data.Allocate("probe.in.regs", 16),
        data.Allocate("probe.in.flags"),
        data.Allocate("probe.in.stack_args", MaxStackArguments),
        data.Allocate("probe.out.regs", 16),
        data.Allocate("probe.out.flags"),
        data.Allocate("probe.out.rsp"),
        data.Allocate("probe.rsp_before_call"),
        data.Allocate("probe.saved_host_rsp"));

    public static int IndexOf(Iced.Intel.Register register)
    {
        int index = -1;
        for (int i = 0; i < CallingConvention.GeneralPurposeRegisters.Count; i++)
        {
            if (CallingConvention.GeneralPurposeRegisters[i] == register)
                index = i;
        }

        return index >= 0 ? index : throw new ArgumentOutOfRangeException(nameof(register));
    }
}
