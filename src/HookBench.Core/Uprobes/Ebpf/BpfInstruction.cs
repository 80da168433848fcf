using System.Buffers.Binary;

namespace HookBench.Uprobes.Ebpf;

/// <summary>
/// One 8-byte eBPF instruction slot, <c>struct bpf_insn</c> (include/uapi/linux/bpf.h): <c>code</c> (u8),
/// then <c>dst_reg:4</c> and <c>src_reg:4</c> sharing a byte, then <c>off</c> (s16) and <c>imm</c> (s32).
/// The kernel is little-endian on x86-64, where the first bit-field takes the low bits: the register
/// byte is <c>src &lt;&lt; 4 | dst</c>. A 64-bit immediate load takes two slots; the second has
/// <c>code</c> 0 and carries the upper 32 bits in <c>imm</c>.
/// </summary>
public readonly record struct BpfInstruction(byte Opcode, BpfRegister Destination, BpfRegister Source, short Offset, int Immediate)
{
    public const int Size = 8;

    public void Encode(Span<byte> destination)
    {
        if ((byte)Destination > 0xF || (byte)Source > 0xF)
            throw new ArgumentOutOfRangeException(nameof(destination), $"registers are 4-bit fields: dst {Destination}, src {Source}");
        destination[0] = Opcode;
        destination[1] = (byte)(((byte)Source << 4) | (byte)Destination);
        BinaryPrimitives.WriteInt16LittleEndian(destination[2..], Offset);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], Immediate);
    }

    public static BpfInstruction Decode(ReadOnlySpan<byte> source) => new(
        source[0],
        (BpfRegister)(source[1] & 0xF),
        (BpfRegister)(source[1] >> 4),
        BinaryPrimitives.ReadInt16LittleEndian(source[2..]),
        BinaryPrimitives.ReadInt32LittleEndian(source[4..]));

    public static byte[] EncodeAll(IReadOnlyList<BpfInstruction> instructions)
    {
        var bytes = new byte[instructions.Count * Size];
        for (int i = 0; i < instructions.Count; i++)
            instructions[i].Encode(bytes.AsSpan(i * Size, Size));
        return bytes;
    }

    public static BpfInstruction[] DecodeAll(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % Size != 0)
            throw new ArgumentException($"eBPF code is a whole number of {Size}-byte slots; got {bytes.Length} bytes", nameof(bytes));
        var instructions = new BpfInstruction[bytes.Length / Size];
        for (int i = 0; i < instructions.Length; i++)
            instructions[i] = Decode(bytes.Slice(i * Size, Size));
        return instructions;
    }

    public override string ToString() =>
        $"{{code 0x{Opcode:x2}, dst r{(byte)Destination}, src r{(byte)Source}, off {Offset}, imm {Immediate}}}";
}
