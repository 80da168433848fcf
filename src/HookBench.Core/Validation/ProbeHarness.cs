using HookBench.Abi;
using HookBench.Emission;
using HookBench.HookSets;
using HookBench.Native;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Validation;

/// <summary>
/// The register-canary probe. Called from managed code under the host convention, it is also the
/// adapter into the target's convention (so Microsoft x64 code runs on Linux): it saves the host's
/// callee-saved registers, builds the target convention's outgoing area (shadow space, stack
/// arguments), loads every general-purpose register and EFLAGS from data slots, calls the target, and
/// records every register, RSP and EFLAGS after it returns.
/// <code>
///  host rsp    host callee-saved registers (pushed)           saved_host_rsp = rsp
///              and rsp, -16 ; sub rsp, shadow + stack args     rsp_before_call = rsp (≡ 0 mod 16)
///  rsp+shadow  stack argument 0, 1, ...
///  rsp         shadow space (Microsoft x64: 32 bytes)
///              call target  →  parent_ip = the address after this call
/// </code>
/// </summary>
public sealed class ProbeHarness
{
    ProbeHarness(EmittedBlob blob, ProbeSlots slots, ulong parentIp)
    {
        Blob = blob;
        Slots = slots;
        ParentIp = parentIp;
    }

    public EmittedBlob Blob { get; }
    public ProbeSlots Slots { get; }

    /// <summary>The return address the target sees: what ftrace calls parent_ip.</summary>
    public ulong ParentIp { get; }

    /// <summary>Writes <paramref name="inputs"/> into the slots the probe loads before the call.</summary>
    public void Load(CodeArena arena, ProbeInputs inputs, CallingConvention abi)
    {
        foreach (Register register in CallingConvention.GeneralPurposeRegisters)
            arena.WriteUInt64(Slots.RegistersIn[ProbeSlots.IndexOf(register)], inputs.RegisterValue(register, abi));
        arena.WriteUInt64(Slots.FlagsIn.Address, inputs.Flags);
        for (int i = abi.ArgumentRegisters.Count; i < inputs.Arguments.Count; i++)
            arena.WriteUInt64(Slots.StackArgumentsIn[i - abi.ArgumentRegisters.Count], inputs.Arguments[i]);
    }

    /// <summary>What <paramref name="register"/> held when the target returned to the probe.</summary>
    public ulong Output(CodeArena arena, Register register) => arena.ReadUInt64(Slots.RegistersOut[ProbeSlots.IndexOf(register)]);

    /// <summary>Emits the probe for <paramref name="set"/>'s target; call before the set is sealed.</summary>
    public static ProbeHarness Emit(HookSet set, CallingConvention host) =>
        Emit(set.Image, set.Options.Abi, set.Options.ArgCount, host, asm => asm.call(set.EntryPoint));

    /// <summary>
    /// Emits a probe that calls whatever address <paramref name="callee"/> holds (<c>call [rip + callee]</c>):
    /// one probe for every function of a footprint set.
    /// </summary>
    public static ProbeHarness Emit(CodeImage image, CallingConvention target, int argCount, CallingConvention host, DataSlot callee) =>
        Emit(image, target, argCount, host, asm => asm.AddInstruction(Instruction.Create(Code.Call_rm64, RipRelative.At(callee.Address))));

    static ProbeHarness Emit(CodeImage image, CallingConvention target, int argCount, CallingConvention host, Action<Assembler> call)
    {
        var slots = ProbeSlots.Allocate(image.Data);
        int stackArgs = target.StackArgumentCount(argCount);
        if (stackArgs > ProbeSlots.MaxStackArguments)
            throw new ArgumentException("too many stack arguments for the probe");
        Label parent = default;
        var blob = image.Emit("probe-harness", BlobKind.Harness, asm =>
        {
            parent = asm.CreateLabel("parent");
            foreach (Register saved in host.CalleeSaved)
                asm.push(saved.R64());
            asm.StoreRip(slots.SavedHostRsp.Address, Register.RSP);
            asm.and(rsp, -16);
            int outgoing = (target.ShadowSpaceBytes + 8 * stackArgs + 15) & ~15;
            if (outgoing > 0)
                asm.sub(rsp, outgoing);
            Register scratch = target.Scratch[0];
            for (int k = 0; k < stackArgs; k++)
            {
                asm.LoadRip(scratch, slots.StackArgumentsIn[k]);
                asm.mov(__qword_ptr[rsp + target.ShadowSpaceBytes + 8 * k], scratch.R64());
            }

            asm.StoreRip(slots.RspBeforeCall.Address, Register.RSP);
            asm.PushRip(slots.FlagsIn.Address);
            asm.popfq();
            foreach (Register register in CallingConvention.GeneralPurposeRegisters.Where(r => r != Register.RSP))
                asm.LoadRip(register, slots.RegistersIn[ProbeSlots.IndexOf(register)]);
            call(asm);
            asm.Label(ref parent);
            asm.StoreRip(slots.RspOut.Address, Register.RSP);
            asm.pushfq();
            asm.PopRip(slots.FlagsOut.Address);
            foreach (Register register in CallingConvention.GeneralPurposeRegisters.Where(r => r != Register.RSP))
                asm.StoreRip(slots.RegistersOut[ProbeSlots.IndexOf(register)], register);
            asm.LoadRip(Register.RSP, slots.SavedHostRsp.Address);
            foreach (Register saved in host.CalleeSaved.Reverse())
                asm.pop(saved.R64());
            asm.ret();
        });
        return new ProbeHarness(blob, slots, blob.LabelAddress(parent));
    }
}
