using CsCheck;
using HookBench.Uprobes.Ebpf;
using Xunit;

namespace HookBench.Tests.Uprobes;

/// <summary>
/// The eBPF encoder against bytes derived by hand from include/uapi/linux/bpf_common.h and bpf.h
/// (class | size | mode, or class | op | source; register byte src &lt;&lt; 4 | dst; off and imm
/// little-endian), and encode → decode round trips.
/// </summary>
public class BpfEncodingTests
{
    static byte[] Hex(string spaced) => Convert.FromHexString(spaced.Replace(" ", "", StringComparison.Ordinal).Replace("|", "", StringComparison.Ordinal));

    static string Bytes(Action<BpfAssembler> build)
    {
        var asm = new BpfAssembler();
        build(asm);
        return Convert.ToHexString(BpfInstruction.EncodeAll(asm.Build())).ToLowerInvariant();
    }

    public static TheoryData<string, string> SingleInstructions => new()
    {
        // BPF_ALU64 0x07 | BPF_MOV 0xb0 | BPF_K 0x00 = 0xb7; dst r3; imm -1.
        { "mov64 r3, -1", "b7 03 0000 ffffffff" },
        // BPF_ALU64 | BPF_MOV | BPF_X 0x08 = 0xbf; src r10, dst r2 -> 0xa2.
        { "mov64 r2, r10", "bf a2 0000 00000000" },
        // BPF_ALU64 | BPF_ADD 0x00 | BPF_K = 0x07.
        { "add64 r2, -4", "07 02 0000 fcffffff" },
        // BPF_ALU64 | BPF_ADD | BPF_X = 0x0f.
        { "add64 r1, r6", "0f 61 0000 00000000" },
        // BPF_LD 0x00 | BPF_DW 0x18 | BPF_IMM 0x00 = 0x18, two slots, upper half in the second imm.
        { "ld_imm64 r4, 0x1122334455667788", "18 04 0000 88776655 | 00 00 0000 44332211" },
        // Same, src_reg = BPF_PSEUDO_MAP_FD (1), imm = the fd.
        { "ld_map_fd r1, 7", "18 11 0000 07000000 | 00 00 0000 00000000" },
        // BPF_LDX 0x01 | BPF_DW | BPF_MEM 0x60 = 0x79.
        { "ldxdw r0, [r1-8]", "79 10 f8ff 00000000" },
        // BPF_STX 0x03 | BPF_DW | BPF_MEM = 0x7b.
        { "stxdw [r10-16], r7", "7b 7a f0ff 00000000" },
        // BPF_ST 0x02 | BPF_W 0x00 | BPF_MEM = 0x62.
        { "stw [r10-4], 0", "62 0a fcff 00000000" },
        // BPF_STX | BPF_DW | BPF_ATOMIC 0xc0 = 0xdb (the old BPF_XADD), imm = BPF_ADD.
        { "lock dw [r0+0] += r1", "db 10 0000 00000000" },
        // BPF_STX | BPF_W | BPF_ATOMIC = 0xc3.
        { "lock w [r3+4] += r2", "c3 23 0400 00000000" },
        // BPF_JMP 0x05 | BPF_CALL 0x80 = 0x85, imm = BPF_FUNC_map_lookup_elem (1).
        { "call map_lookup_elem", "85 00 0000 01000000" },
        // BPF_JMP | BPF_EXIT 0x90 = 0x95.
        { "exit", "95 00 0000 00000000" },
    };

    static readonly Dictionary<string, Action<BpfAssembler>> Builders = new()
    {
        ["mov64 r3, -1"] = a => a.Mov64(BpfRegister.R3, -1),
        ["mov64 r2, r10"] = a => a.Mov64(BpfRegister.R2, BpfRegister.R10),
        ["add64 r2, -4"] = a => a.Add64(BpfRegister.R2, -4),
        ["add64 r1, r6"] = a => a.Add64(BpfRegister.R1, BpfRegister.R6),
        ["ld_imm64 r4, 0x1122334455667788"] = a => a.LoadImm64(BpfRegister.R4, 0x1122334455667788),
        ["ld_map_fd r1, 7"] = a => a.LoadMapFd(BpfRegister.R1, 7),
        ["ldxdw r0, [r1-8]"] = a => a.Load(BpfSize.DoubleWord, BpfRegister.R0, BpfRegister.R1, -8),
        ["stxdw [r10-16], r7"] = a => a.Store(BpfSize.DoubleWord, BpfRegister.R10, -16, BpfRegister.R7),
        ["stw [r10-4], 0"] = a => a.Store(BpfSize.Word, BpfRegister.R10, -4, 0),
        ["lock dw [r0+0] += r1"] = a => a.AtomicAdd(BpfSize.DoubleWord, BpfRegister.R0, 0, BpfRegister.R1),
        ["lock w [r3+4] += r2"] = a => a.AtomicAdd(BpfSize.Word, BpfRegister.R3, 4, BpfRegister.R2),
        ["call map_lookup_elem"] = a => a.Call(BpfHelper.MapLookupElem),
        ["exit"] = a => a.Exit(),
    };

    [Theory]
    [MemberData(nameof(SingleInstructions))]
    public void Each_instruction_form_encodes_to_the_bytes_the_uapi_headers_define(string instruction, string expected) =>
        Assert.Equal(Convert.ToHexString(Hex(expected)).ToLowerInvariant(), Bytes(Builders[instruction]));

    [Fact]
    public void The_empty_program_is_r0_equals_0_then_exit()
    {
        byte[] expected = Hex("b7 00 0000 00000000  95 00 0000 00000000");
        Assert.Equal(expected, BpfPrograms.Empty().ToBytes());
    }

    [Fact]
    public void The_counter_program_is_byte_exact_with_the_map_fd_in_the_pseudo_load()
    {
        byte[] expected = Hex(
            "62 0a fcff 00000000" +   // *(u32 *)(r10 - 4) = 0
            "bf a2 0000 00000000" +   // r2 = r10
            "07 02 0000 fcffffff" +   // r2 += -4
            "18 11 0000 2a000000" +   // r1 = map fd 42 (BPF_PSEUDO_MAP_FD) ...
            "00 00 0000 00000000" +   // ... second slot
            "85 00 0000 01000000" +   // call bpf_map_lookup_elem
            "15 00 0200 00000000" +   // if r0 == 0 goto +2 (BPF_JMP | BPF_JEQ 0x10 | BPF_K)
            "b7 01 0000 01000000" +   // r1 = 1
            "db 10 0000 00000000" +   // lock *(u64 *)(r0 + 0) += r1
            "b7 00 0000 00000000" +   // out: r0 = 0
            "95 00 0000 00000000");   // exit
        Assert.Equal(expected, BpfPrograms.Counter(42).ToBytes());
    }

    [Fact]
    public void Jump_offsets_count_slots_after_the_jump_including_both_halves_of_a_wide_load()
    {
        var asm = new BpfAssembler();
        var top = asm.CreateLabel();
        var end = asm.CreateLabel();
        asm.Bind(top);
        asm.JumpIfNotEqual(BpfRegister.R1, 3, end);   // slot 0 -> end at slot 4: off 3
        asm.LoadImm64(BpfRegister.R2, -1);            // slots 1, 2
        asm.Jump(top);                                // slot 3 -> top at slot 0: off -4
        asm.Bind(end);
        asm.Exit();
        var code = asm.Build();
        Assert.Equal((short)3, code[0].Offset);
        Assert.Equal(0x55, code[0].Opcode);           // BPF_JMP | BPF_JNE 0x50 | BPF_K
        Assert.Equal((short)-4, code[3].Offset);
        Assert.Equal(0x05, code[3].Opcode);           // BPF_JMP | BPF_JA 0x00
        Assert.Equal(5, code.Length);
    }

    [Fact]
    public void An_unbound_label_a_rebound_label_and_a_narrow_atomic_are_refused()
    {
        var asm = new BpfAssembler();
        var nowhere = asm.CreateLabel();
        asm.Jump(nowhere);
        Assert.Throws<InvalidOperationException>(asm.Build);
        asm.Bind(nowhere);
        Assert.Throws<InvalidOperationException>(() => asm.Bind(nowhere));
        Assert.Throws<ArgumentOutOfRangeException>(() => asm.AtomicAdd(BpfSize.Byte, BpfRegister.R0, 0, BpfRegister.R1));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sixteen_chars_xx")]
    [InlineData("has-dash")]
    public void Program_names_follow_the_kernels_object_name_rules(string name) =>
        Assert.Throws<ArgumentException>(() => new BpfProgram(name, BpfPrograms.Empty().Instructions));

    static readonly Gen<BpfInstruction> AnyInstruction =
        Gen.Select(Gen.Byte, Gen.Byte[0, 15], Gen.Byte[0, 15], Gen.Short, Gen.Int,
            (code, dst, src, off, imm) => new BpfInstruction(code, (BpfRegister)dst, (BpfRegister)src, off, imm));

    [Fact]
    public void Encode_then_decode_gives_back_the_same_instruction() =>
        AnyInstruction.Array[1, 16].Sample(instructions =>
            Assert.Equal(instructions, BpfInstruction.DecodeAll(BpfInstruction.EncodeAll(instructions))));

    [Fact]
    public void Decode_then_encode_gives_back_the_same_bytes() =>
        Gen.Byte.Array[8].Sample(bytes =>
            Assert.Equal(bytes, BpfInstruction.EncodeAll(BpfInstruction.DecodeAll(bytes))));

    [Fact]
    public void The_emitted_programs_decode_to_what_was_assembled()
    {
        var counter = BpfPrograms.Counter(5);
        Assert.Equal(counter.Instructions, BpfInstruction.DecodeAll(counter.ToBytes()));
        Assert.Throws<ArgumentException>(() => BpfInstruction.DecodeAll(new byte[12]));
    }
}
