namespace HookBench.Uprobes.Ebpf;

/// <summary>
/// Builds eBPF code one instruction at a time, in the kernel's own notation (the BPF_* macros of
/// include/linux/filter.h are the model: one method per instruction form). Jumps take labels;
/// <see cref="Build"/> turns them into the slot offsets the encoding wants (relative to the slot after
/// the jump, counting both slots of a 64-bit immediate load).
/// </summary>
public sealed class BpfAssembler
{
    readonly List<BpfInstruction> _slots = [];
    readonly List<(int Slot, BpfLabel Target)> _jumps = [];
    readonly List<int?> _labels = [];

    public int SlotCount => _slots.Count;

    public BpfLabel CreateLabel()
    {
        _labels.Add(null);
        return new BpfLabel(_labels.Count - 1);
    }

    /// <summary>Makes <paramref name="label"/> name the next instruction.</summary>
    public void Bind(BpfLabel label)
    {
        if (_labels[label.Id] is not null)
            throw new InvalidOperationException($"label {label.Id} is already bound");
        _labels[label.Id] = _slots.Count;
    }

    /// <summary><c>dst = imm</c> (BPF_ALU64 | BPF_MOV | BPF_K; imm is sign-extended).</summary>
    public void Mov64(BpfRegister destination, int immediate) =>
        Alu64(BpfOpcode.OpMov, BpfOpcode.SourceImmediate, destination, BpfRegister.R0, immediate);

    /// <summary><c>dst = src</c> (BPF_ALU64 | BPF_MOV | BPF_X).</summary>
    public void Mov64(BpfRegister destination, BpfRegister source) =>
        Alu64(BpfOpcode.OpMov, BpfOpcode.SourceRegister, destination, source, 0);

    /// <summary><c>dst += imm</c> (BPF_ALU64 | BPF_ADD | BPF_K).</summary>
    public void Add64(BpfRegister destination, int immediate) =>
        Alu64(BpfOpcode.OpAdd, BpfOpcode.SourceImmediate, destination, BpfRegister.R0, immediate);

    /// <summary><c>dst += src</c> (BPF_ALU64 | BPF_ADD | BPF_X).</summary>
    public void Add64(BpfRegister destination, BpfRegister source) =>
        Alu64(BpfOpcode.OpAdd, BpfOpcode.SourceRegister, destination, source, 0);

    /// <summary><c>dst = imm64</c>: two slots, the upper half in the second slot's imm.</summary>
    public void LoadImm64(BpfRegister destination, long immediate) =>
        LoadImm64(destination, 0, immediate);

    /// <summary>
    /// <c>dst = map</c>: a 64-bit immediate load with src_reg = BPF_PSEUDO_MAP_FD, which the verifier
    /// replaces with the address of the map the file descriptor names (kernel/bpf/verifier.c).
    /// </summary>
    public void LoadMapFd(BpfRegister destination, int mapFd) =>
        LoadImm64(destination, BpfOpcode.PseudoMapFd, (uint)mapFd);

    /// <summary><c>dst = *(size *)(src + off)</c> (BPF_LDX | size | BPF_MEM).</summary>
    public void Load(BpfSize size, BpfRegister destination, BpfRegister source, short offset) =>
        Emit(new((byte)(BpfOpcode.ClassLdx | (byte)size | BpfOpcode.ModeMem), destination, source, offset, 0));

    /// <summary><c>*(size *)(dst + off) = src</c> (BPF_STX | size | BPF_MEM).</summary>
    public void Store(BpfSize size, BpfRegister destination, short offset, BpfRegister source) =>
        Emit(new((byte)(BpfOpcode.ClassStx | (byte)size | BpfOpcode.ModeMem), destination, source, offset, 0));

    /// <summary><c>*(size *)(dst + off) = imm</c> (BPF_ST | size | BPF_MEM).</summary>
    public void Store(BpfSize size, BpfRegister destination, short offset, int immediate) =>
        Emit(new((byte)(BpfOpcode.ClassSt | (byte)size | BpfOpcode.ModeMem), destination, BpfRegister.R0, offset, immediate));

    /// <summary>
    /// <c>lock *(size *)(dst + off) += src</c> (BPF_STX | size | BPF_ATOMIC, imm = BPF_ADD). Only word and
    /// double-word atomics exist.
    /// </summary>
    public void AtomicAdd(BpfSize size, BpfRegister destination, short offset, BpfRegister source)
    {
        if (size is not (BpfSize.Word or BpfSize.DoubleWord))
            throw new ArgumentOutOfRangeException(nameof(size), size, "atomic operations are Word or DoubleWord");
        Emit(new((byte)(BpfOpcode.ClassStx | (byte)size | BpfOpcode.ModeAtomic), destination, source, offset, BpfOpcode.AtomicAdd));
    }

    /// <summary><c>goto target</c> (BPF_JMP | BPF_JA).</summary>
    public void Jump(BpfLabel target) => JumpTo(BpfOpcode.JumpAlways, BpfRegister.R0, 0, target);

    /// <summary><c>if dst == imm goto target</c> (BPF_JMP | BPF_JEQ | BPF_K, 64-bit compare).</summary>
    public void JumpIfEqual(BpfRegister destination, int immediate, BpfLabel target) =>
        JumpTo(BpfOpcode.JumpEqual, destination, immediate, target);

    /// <summary><c>if dst != imm goto target</c> (BPF_JMP | BPF_JNE | BPF_K).</summary>
    public void JumpIfNotEqual(BpfRegister destination, int immediate, BpfLabel target) =>
        JumpTo(BpfOpcode.JumpNotEqual, destination, immediate, target);

    /// <summary><c>call helper</c> (BPF_JMP | BPF_CALL, imm = helper number); R1–R5 are clobbered, R0 is the result.</summary>
    public void Call(BpfHelper helper) =>
        Emit(new(BpfOpcode.ClassJmp | BpfOpcode.Call, BpfRegister.R0, BpfRegister.R0, 0, (int)helper));

    /// <summary><c>exit</c> (BPF_JMP | BPF_EXIT): return R0.</summary>
    public void Exit() => Emit(new(BpfOpcode.ClassJmp | BpfOpcode.Exit, BpfRegister.R0, BpfRegister.R0, 0, 0));

    /// <summary>The finished slots, every jump resolved.</summary>
    public BpfInstruction[] Build()
    {
        var slots = _slots.ToArray();
        foreach (var (slot, target) in _jumps)
        {
            int bound = _labels[target.Id] ?? throw new InvalidOperationException($"label {target.Id} is never bound");
            int offset = bound - (slot + 1);
            if (offset is < short.MinValue or > short.MaxValue)
                throw new InvalidOperationException($"jump at slot {slot} spans {offset} slots; off is 16-bit");
            slots[slot] = slots[slot] with { Offset = (short)offset };
        }

        return slots;
    }

    void Alu64(byte operation, byte source, BpfRegister destination, BpfRegister sourceRegister, int immediate) =>
        Emit(new((byte)(BpfOpcode.ClassAlu64 | operation | source), destination, sourceRegister, 0, immediate));

    void LoadImm64(BpfRegister destination, byte pseudo, long immediate)
    {
        Emit(new(BpfOpcode.LoadImm64, destination, (BpfRegister)pseudo, 0, unchecked((int)immediate)));
        Emit(new(0, BpfRegister.R0, BpfRegister.R0, 0, unchecked((int)(immediate >> 32))));
    }

    void JumpTo(byte operation, BpfRegister destination, int immediate, BpfLabel target)
    {
        _jumps.Add((_slots.Count, target));
        Emit(new((byte)(BpfOpcode.ClassJmp | operation | BpfOpcode.SourceImmediate), destination, BpfRegister.R0, 0, immediate));
    }

    void Emit(BpfInstruction instruction) => _slots.Add(instruction);
}
