using HookBench.Abi;
using HookBench.Emission;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Handlers;

/// <summary>Emits the stand-in for an attached program; it uses only the convention's scratch registers.</summary>
public static class HandlerEmitter
{
    /// <summary>High bits of the junk a clobbering handler leaves in volatile registers.</summary>
    public const ulong ClobberPattern = 0xBAD0_BAD0_0000_0000;

    public static void Emit(Assembler asm, HandlerSpec spec)
    {
        if (spec.Signature == HandlerSignature.InPlace && (spec.ClobberVolatiles || spec.Kind == HandlerKind.Args || spec.RedirectTo is not null))
            throw new InvalidOperationException("an in-place handler must leave the target's registers alone and has no context");

        // The JIT starts a program with emit_cfi(), an ENDBR under IBT (arch/x86/net/bpf_jit_comp.c); an ftrace
        // callback is a C function, which IBT kernels compile with ENDBR too.
        spec.Thunks.EmitEndbr(asm);
        if (spec.Observation is not null)
            EmitObservation(asm, spec, spec.Observation);

        switch (spec.Kind)
        {
            case HandlerKind.Empty:
                break;
            case HandlerKind.Counter when spec.CounterAtFirstArgument is int offset:
                EmitCountAtFirstArgument(asm, spec, offset);
                break;
            case HandlerKind.Counter:
                asm.IncRip(spec.Slots.Counter.Address);
                break;
            case HandlerKind.Args:
                EmitReadArguments(asm, spec);
                break;
        }

        // A re-entering program (tests of the recursion guards): the traced function again, from inside the hook.
        if (spec.Reenter is ulong traced)
            asm.call(traced);

        if (spec.RedirectTo is ulong replacement)
        {
            // Livepatch's redirect: regs->ip = new function; the trampoline copies RIP back to its return slot.
            Register scratch = spec.Abi.Scratch[0];
            asm.mov(scratch.R64(), replacement);
            asm.mov(__qword_ptr[ContextRegister(spec).R64() + PtRegs.Rip], scratch.R64());
        }

        if (spec.ClobberVolatiles)
            EmitClobber(asm, spec.Abi);

        if (spec.ReturnValue is ulong value)
        {
            // BPF_REG_0: "return 0" compiles to xor eax, eax (emit_mov_imm32), other constants to mov.
            if (value == 0)
                asm.xor(eax, eax);
            else if (value <= int.MaxValue)
                asm.MovSignExtended(Register.RAX, (int)value);
            else
                asm.mov(rax, value);
        }

        spec.Thunks.EmitReturn(asm);
    }

    /// <summary>The register holding the context pointer on entry.</summary>
    public static Register ContextRegister(HandlerSpec spec) => spec.Signature switch
    {
        HandlerSignature.FtraceCallback => spec.Abi.ArgumentRegisters[3],
        HandlerSignature.BpfProgram => spec.Abi.ArgumentRegisters[0],
        _ => Register.None,
    };

    static void EmitObservation(Assembler asm, HandlerSpec spec, ObservationSlots obs)
    {
        asm.StoreRip(obs.Rsp.Address, Register.RSP);
        asm.IncRip(obs.Hits.Address);
        for (int i = 0; i < obs.Arguments.Count; i++)
            asm.StoreRip(obs.Arguments[i], spec.Abi.ArgumentRegisters[i]);
        if (spec.Context.Kind != ContextKind.PtRegs)
            return;
        var ctx = ContextRegister(spec).R64();
        Register scratch = spec.Abi.Scratch[0];
        (int Offset, DataSlot Slot)[] fields =
            [(PtRegs.Eflags, obs.RegsFlags), (PtRegs.Rip, obs.RegsIp), (PtRegs.Rsp, obs.RegsSp), (PtRegs.Cs, obs.RegsCs)];
        foreach (var (offset, slot) in fields)
        {
            asm.mov(scratch.R64(), __qword_ptr[ctx + offset]);
            asm.StoreRip(slot.Address, scratch);
        }
    }

    /// <summary>inc qword [arg0 + offset], finding argument 0 where this handler's signature puts it.</summary>
    static void EmitCountAtFirstArgument(Assembler asm, HandlerSpec spec, int offset)
    {
        ArgumentLocation first = spec.Abi.Argument(0);
        if (spec.ArgCount < 1 || !first.InRegister)
            throw new InvalidOperationException("a per-thread counter needs argument 0 in a register");
        Register block = spec.Abi.Scratch[0];
        var ctx = ContextRegister(spec);
        switch (spec.Context.Kind)
        {
            case ContextKind.None when spec.Signature == HandlerSignature.InPlace:
                block = first.Register;   // called from the site with the target's registers
                break;
            case ContextKind.PtRegs:
                asm.mov(block.R64(), __qword_ptr[ctx.R64() + PtRegs.OffsetOf(first.Register)]);
                break;
            case ContextKind.ArgsArray:
                asm.mov(block.R64(), __qword_ptr[ctx.R64() + spec.Context.ArgumentOffsets[0]]);
                break;
            default:
                throw new InvalidOperationException($"a {spec.Signature} handler with context {spec.Context.Kind} cannot find argument 0");
        }

        asm.inc(__qword_ptr[block.R64() + offset]);
    }

    static void EmitReadArguments(Assembler asm, HandlerSpec spec)
    {
        Register value = spec.Abi.Scratch[0];
        Register pointer = spec.Abi.Scratch[1];
        var ctx = ContextRegister(spec);
        for (int i = 0; i < spec.ArgCount; i++)
        {
            ArgumentLocation location = spec.Abi.Argument(i);
            switch (spec.Context.Kind)
            {
                case ContextKind.PtRegs when location.InRegister:
                    asm.mov(value.R64(), __qword_ptr[ctx.R64() + PtRegs.OffsetOf(location.Register)]);
                    break;
                case ContextKind.PtRegs:
                    // Stack arguments sit above the traced function's entry RSP, which pt_regs->sp holds.
                    asm.mov(pointer.R64(), __qword_ptr[ctx.R64() + PtRegs.Rsp]);
                    asm.mov(value.R64(), __qword_ptr[pointer.R64() + location.EntryStackOffset]);
                    break;
                case ContextKind.ArgsArray:
                    asm.mov(value.R64(), __qword_ptr[ctx.R64() + spec.Context.ArgumentOffsets[i]]);
                    break;
                default:
                    throw new InvalidOperationException("the args handler needs a context");
            }

            asm.StoreRip(spec.Slots.Sink[i], value);
        }

        if (spec.Role == HandlerRole.Exit && spec.Context.ReturnValueOffset is int returnOffset)
        {
            asm.mov(value.R64(), __qword_ptr[ctx.R64() + returnOffset]);
            asm.StoreRip(spec.Slots.Sink[spec.ArgCount], value);
        }
    }

    static void EmitClobber(Assembler asm, CallingConvention abi)
    {
        // xor sets ZF and PF and clears CF, SF and OF: the flags differ from any pattern with CF set.
        asm.xor(abi.Scratch[0].R64(), abi.Scratch[0].R64());
        ulong index = 0;
        foreach (Register register in abi.Volatile)
            asm.mov(register.R64(), ClobberPattern | index++);
    }
}
