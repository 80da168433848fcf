using HookBench.Emission;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Mitigations;

/// <summary>
/// The mitigation thunks of one hook set, emitted once into its arena as the kernel has one copy of each
/// (arch/x86/lib/retpoline.S), and the helpers every emitter uses to compile a return, a call's depth
/// accounting, an indirect call and an entry the way the profile says. The call-depth counter is a data
/// slot of the set rather than a %gs-relative per-CPU variable: the measuring thread is its only user.
/// With profile <c>none</c> nothing is emitted or allocated, so listings and addresses stay what they were.
/// </summary>
public sealed class ThunkSet
{
    readonly Dictionary<Register, (EmittedBlob Blob, Label Slot)> _retpolines = [];
    readonly Dictionary<Register, List<ulong>> _indirectDestinations = [];

    ThunkSet(MitigationProfile profile) => Profile = profile;

    public MitigationProfile Profile { get; }

    /// <summary>Where every return jumps (x86_return_thunk), or null when returns are plain <c>ret</c>.</summary>
    public ulong? ReturnThunk { get; private set; }

    /// <summary>The call-depth counter (__x86_call_depth), or null without call-depth accounting.</summary>
    public DataSlot? DepthCounter { get; private set; }

    public IReadOnlyList<EmittedBlob> Blobs => _blobs;

    readonly List<EmittedBlob> _blobs = [];

    /// <summary>No mitigation: plain <c>ret</c>, plain calls, no ENDBR (what emitters get when nobody asks for a profile).</summary>
    public static ThunkSet None { get; } = new(MitigationProfiles.None);

    /// <summary>
    /// Emits the thunks <paramref name="profile"/> needs into <paramref name="image"/>, before anything that
    /// jumps to them: the return thunk, then a retpoline thunk per register in <paramref name="indirectRegisters"/>.
    /// </summary>
    public static ThunkSet Emit(CodeImage image, PathFacts facts, MitigationProfile profile, IEnumerable<Register> indirectRegisters)
    {
        if (profile.IsNone)
            return new ThunkSet(profile);
        var set = new ThunkSet(profile);
        if (profile.CallDepthAccounting || profile.Return == ReturnKind.CallDepthThunk)
        {
            var counter = image.Data.Allocate("__x86_call_depth");
            image.Arena.WriteUInt64(counter.Address, CallDepth.Init);
            set.DepthCounter = counter;
        }

        switch (profile.Return)
        {
            case ReturnKind.ReturnThunk:
                set.ReturnThunk = set.Add(image, facts, "__x86_return_thunk",
                    "arch/x86/lib/retpoline.S __x86_return_thunk: ret; int3 (retbleed_return_thunk and its_return_thunk execute the same)",
                    (asm, _) =>
                    {
                        asm.ret();
                        asm.int3();
                    }).Address;
                break;
            case ReturnKind.SrsoThunk:
                set.ReturnThunk = set.Add(image, facts, "srso_return_thunk",
                    "arch/x86/lib/retpoline.S srso_return_thunk: call srso_safe_ret; ud2 / srso_safe_ret: lea rsp, [rsp+8]; ret "
                    + "(srso_alias_return_thunk, chosen on family 0x19 by srso_apply_mitigation(), runs the same at aliasing addresses)",
                    EmitSrso).Address;
                break;
            case ReturnKind.CallDepthThunk:
                set.ReturnThunk = set.Add(image, facts, "call_depth_return_thunk",
                    "arch/x86/lib/retpoline.S call_depth_return_thunk: shlq $5 on the depth; ret unless it reached 0, else "
                    + "refill the RSB with 16 calls and credit the depth (CREDIT_CALL_DEPTH)",
                    set.EmitCallDepthReturn).Address;
                break;
        }

        if (profile.IndirectCall == IndirectCallKind.RetpolineThunk)
        {
            foreach (Register register in indirectRegisters.Distinct())
                set.EmitRetpoline(image, facts, register);
        }

        return set;
    }

    /// <summary><c>endbr64</c> when the profile has IBT: the first instruction of an indirectly reachable entry.</summary>
    public void EmitEndbr(Assembler asm)
    {
        if (Profile.Endbr)
            asm.endbr64();
    }

    /// <summary>A function's <c>ret</c>: the instruction itself, or <c>jmp x86_return_thunk</c> (emit_return()).</summary>
    public void EmitReturn(Assembler asm)
    {
        // The kernel always writes JMP32 (E9 rel32: emit_return(), __text_gen_insn(JMP32_INSN_OPCODE, ...)); Iced's
        // block encoder shortens it to EB rel8 where the thunk is in reach, the same instruction in fewer bytes.
        if (ReturnThunk is ulong thunk)
            asm.jmp(thunk);
        else
            asm.ret();
    }

    /// <summary>
    /// CALL_DEPTH_ACCOUNT / INCREMENT_CALL_DEPTH: <c>sarq $5</c> on the depth counter, before a call (or, in a
    /// trampoline's first instruction, for the call that entered it). Nothing without call-depth accounting.
    /// </summary>
    public void EmitCallAccounting(Assembler asm)
    {
        if (Profile.CallDepthAccounting && DepthCounter is DataSlot counter)
            asm.AddInstruction(Instruction.Create(Code.Sar_rm64_imm8, RipRelative.At(counter.Address), CallDepth.Shift));
    }

    /// <summary>Bytes <see cref="EmitCallAccounting"/> emits: the call thunk callthunks.c writes into a function's padding.</summary>
    public int CallAccountingLength => Profile.CallDepthAccounting ? 8 : 0;

    /// <summary>
    /// An indirect call to <paramref name="destination"/> through <paramref name="register"/>, compiled as the
    /// profile says (CALL_NOSPEC). Returns the call's contribution to the depth counter beyond what the
    /// return-stack buffer sees: −1 when call-depth accounting is on but the call is not a retpoline, because
    /// only the retpoline's call thunk (__x86_indirect_call_thunk_reg) accounts an indirect call, which is why
    /// the kernel enables call-depth tracking only together with retpolines (cdt_possible() in bugs.c).
    /// </summary>
    public int EmitIndirectCall(Assembler asm, Register register, ulong destination, ICollection<PathFact> facts) =>
        EmitIndirectCall(asm, register, [destination], facts);

    /// <summary>
    /// An indirect call that runs once per entry of <paramref name="destinations"/> per hooked call (a call in a
    /// loop: the ftrace list walk's <c>op->func</c>, a multi-attach trampoline's <c>bpf_func</c>), going to
    /// each in turn; returns the depth-counter contribution of ONE run (see the overload above).
    /// </summary>
    /// <remarks>
    /// Through a retpoline the destinations become the thunk's return-slot fact, which lists every call the
    /// register's thunk serves in execution order; call sites are appended in emission order, so the call
    /// sites of one register must run one after another, as every hook path here does (one site per register,
    /// or sites in straight-line order).
    /// </remarks>
    public int EmitIndirectCall(Assembler asm, Register register, IReadOnlyList<ulong> destinations, ICollection<PathFact> facts)
    {
        var at = asm.CreateLabel("indirect_call");
        switch (Profile.IndirectCall)
        {
            case IndirectCallKind.RetpolineThunk:
                if (!_retpolines.TryGetValue(register, out var thunk))
                    throw new InvalidOperationException($"no retpoline thunk for {register} was emitted; ask ThunkSet.Emit for it");
                asm.call(thunk.Blob.Address);
                if (!_indirectDestinations.TryGetValue(register, out var list))
                    _indirectDestinations[register] = list = [];
                list.AddRange(destinations);
                return 0;
            case IndirectCallKind.LfenceCall:
                asm.lfence();
                break;
        }

        asm.Label(ref at);
        asm.call(register.R64());
        facts.Add(new TransferFact(at, destinations));
        return Profile.CallDepthAccounting ? -1 : 0;
    }

    /// <summary>Pins, once every blob is emitted, where each retpoline thunk's rewritten return slot sends each call.</summary>
    public void AddIndirectFacts(PathFacts facts)
    {
        foreach (var (register, (blob, slot)) in _retpolines)
        {
            if (_indirectDestinations.TryGetValue(register, out var destinations))
                facts.Add(blob, [new ReturnSlotFact(slot, destinations)]);
        }
    }

    EmittedBlob Add(CodeImage image, PathFacts facts, string name, string source, Action<Assembler, List<PathFact>> build)
    {
        var pinned = new List<PathFact>();
        var blob = image.Describe(image.Emit(name, BlobKind.Thunk, asm => build(asm, pinned)), source);
        facts.Add(blob, pinned);
        _blobs.Add(blob);
        return blob;
    }

    static void EmitSrso(Assembler asm, List<PathFact> facts)
    {
        var safeRet = asm.CreateLabel("srso_safe_ret");
        asm.call(safeRet);
        asm.ud2();
        asm.Label(ref safeRet);
        asm.lea(rsp, __[rsp + 8]);                  // Safe-RET: discard the return address the call pushed
        asm.ret();                                  // ... and return to the real one, mispredicted into the ud2
        asm.int3();
        facts.Add(new StackDropFact(safeRet, 1));
    }

    void EmitCallDepthReturn(Assembler asm, List<PathFact> facts)
    {
        ulong counter = DepthCounter!.Value.Address;
        var stuff = asm.CreateLabel("stuff");
        var test = asm.CreateLabel("underflow");
        asm.AddInstruction(Instruction.Create(Code.Shl_rm64_imm8, RipRelative.At(counter), CallDepth.Shift));
        asm.Label(ref test);
        asm.jz(stuff);
        asm.ret();
        asm.int3();
        asm.Label(ref stuff);
        for (int i = 0; i < CallDepth.StuffLoops; i++)
        {
            var next = asm.CreateLabel();
            asm.call(next);
            asm.int3();
            asm.Label(ref next);
        }

        asm.add(rsp, 8 * CallDepth.StuffLoops);
        asm.AddInstruction(Instruction.Create(Code.Mov_rm64_imm32, RipRelative.At(counter), -1));   // CREDIT_CALL_DEPTH
        asm.ret();
        asm.int3();
        facts.Add(new RepeatingBranchFact(test, false,
            "the depth counter starts at RET_DEPTH_INIT and every call is accounted before its return, so no return shifts it to zero"));
    }

    void EmitRetpoline(CodeImage image, PathFacts facts, Register register)
    {
        Label slot = default;
        bool callThunk = Profile.CallDepthAccounting;
        string reg = register.ToString().ToLowerInvariant();
        string name = callThunk ? $"__x86_indirect_call_thunk_{reg}" : $"__x86_indirect_thunk_{reg}";
        string source = callThunk
            ? "arch/x86/lib/retpoline.S CALL_THUNK: CALL_DEPTH_ACCOUNT; call 1f; int3; 1: mov [rsp], reg; ret; int3"
            : "arch/x86/lib/retpoline.S THUNK/RETPOLINE: call 1f; int3; 1: mov [rsp], reg; RET";
        var blob = Add(image, facts, name, source, (asm, _) =>
        {
            slot = asm.CreateLabel("do_rop");
            EmitCallAccounting(asm);
            asm.call(slot);
            asm.int3();                                     // the speculation trap: where the return predicts to go
            asm.Label(ref slot);
            asm.mov(__qword_ptr[rsp], register.R64());
            if (callThunk)
            {
                asm.ret();                                  // ANNOTATE_UNRET_SAFE; ret
                asm.int3();
            }
            else
            {
                EmitReturn(asm);                            // RET: jmp x86_return_thunk under RETHUNK
            }
        });
        _retpolines[register] = (blob, slot);
    }
}
