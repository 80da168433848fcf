namespace HookBench.Uprobes.Ebpf;

/// <summary>
/// The fields an eBPF opcode byte is made of, as include/uapi/linux/bpf_common.h and bpf.h define them:
/// the low 3 bits are the instruction class; for loads and stores the next 2 bits are the size and the
/// top 3 the mode; for ALU and jumps bit 3 is the source (immediate or register) and the top 4 the
/// operation.
/// </summary>
public static class BpfOpcode
{
    // Classes (bpf_common.h BPF_CLASS; BPF_JMP32 and BPF_ALU64 from bpf.h).
    public const byte ClassLd = 0x00;
    public const byte ClassLdx = 0x01;
    public const byte ClassSt = 0x02;
    public const byte ClassStx = 0x03;
    public const byte ClassAlu = 0x04;
    public const byte ClassJmp = 0x05;
    public const byte ClassJmp32 = 0x06;
    public const byte ClassAlu64 = 0x07;
    public const byte ClassMask = 0x07;

    // Sizes (BPF_SIZE; BPF_DW from bpf.h).
    public const byte SizeW = 0x00;
    public const byte SizeH = 0x08;
    public const byte SizeB = 0x10;
    public const byte SizeDw = 0x18;
    public const byte SizeMask = 0x18;

    // Modes (BPF_MODE; BPF_ATOMIC from bpf.h, the former BPF_XADD).
    public const byte ModeImm = 0x00;
    public const byte ModeMem = 0x60;
    public const byte ModeAtomic = 0xc0;
    public const byte ModeMask = 0xe0;

    // Source operand (BPF_SRC).
    public const byte SourceImmediate = 0x00;
    public const byte SourceRegister = 0x08;
    public const byte SourceMask = 0x08;

    // ALU operations (BPF_OP; BPF_MOV from bpf.h).
    public const byte OpAdd = 0x00;
    public const byte OpSub = 0x10;
    public const byte OpMov = 0xb0;
    public const byte OpMask = 0xf0;

    // Jump operations (BPF_OP for the JMP classes; BPF_JNE, BPF_CALL, BPF_EXIT from bpf.h).
    public const byte JumpAlways = 0x00;
    public const byte JumpEqual = 0x10;
    public const byte JumpNotEqual = 0x50;
    public const byte Call = 0x80;
    public const byte Exit = 0x90;

    /// <summary>The <c>imm</c> of an atomic instruction: which operation (bpf.h: BPF_ADD; BPF_FETCH = 0x01 also returns the old value).</summary>
    public const int AtomicAdd = 0x00;
    public const int AtomicFetch = 0x01;

    /// <summary><c>src_reg</c> of a 64-bit immediate load whose <c>imm</c> is a map file descriptor (bpf.h: BPF_PSEUDO_MAP_FD).</summary>
    public const byte PseudoMapFd = 1;

    /// <summary>The 16-byte <c>r = imm64</c> load: BPF_LD | BPF_DW | BPF_IMM, the only two-slot instruction.</summary>
    public const byte LoadImm64 = ClassLd | SizeDw | ModeImm;

    public static byte ClassOf(byte opcode) => (byte)(opcode & ClassMask);
}
