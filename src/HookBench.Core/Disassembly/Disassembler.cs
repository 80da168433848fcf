using HookBench.Emission;
using HookBench.HookSets;
using Iced.Intel;

namespace HookBench.Disassembly;

/// <summary>
/// Decodes a hook set's code with Iced's decoder and formats it with the Intel formatter, naming
/// blobs and data slots instead of printing raw addresses. With <c>displayBase</c> the listing is
/// relocated (code base → displayBase), which makes it identical from run to run (golden files).
/// </summary>
public sealed class Disassembler
{
    readonly HookSet _set;
    readonly ulong _displayBase;
    readonly IntelFormatter _formatter;

    public Disassembler(HookSet set, ulong? displayBase = null)
    {
        _set = set;
        _displayBase = displayBase ?? set.Arena.CodeBase;
        _formatter = new IntelFormatter(new Symbols(this))
        {
            Options =
            {
                HexPrefix = "0x",
                HexSuffix = string.Empty,
                UppercaseHex = false,
                SpaceAfterOperandSeparator = true,
                FirstOperandCharIndex = 7,
                MemorySizeOptions = MemorySizeOptions.Always,
            },
        };
    }

    ulong ToDisplay(ulong real) => real - _set.Arena.CodeBase + _displayBase;

    ulong ToReal(ulong display) => display - _displayBase + _set.Arena.CodeBase;

    public IReadOnlyList<ListingLine> Blob(EmittedBlob blob) => Range(blob.Address, blob.Length, blob.DataStart);

    /// <summary>The patchable site: the first instruction of the target.</summary>
    public ListingLine Site() => Range(_set.Site.Address, _set.Site.Length, null)[0];

    public IReadOnlyList<ListingLine> Range(ulong address, int length, ulong? dataStart)
    {
        byte[] bytes = _set.Arena.Read(address, length);
        int codeLength = dataStart is ulong data ? (int)(data - address) : length;
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(bytes, 0, codeLength));
        decoder.IP = ToDisplay(address);
        var lines = new List<ListingLine>();
        var output = new StringOutput();
        while (decoder.IP < ToDisplay(address) + (ulong)codeLength)
        {
            decoder.Decode(out Instruction instruction);
            _formatter.Format(instruction, output);
            int offset = (int)(instruction.IP - ToDisplay(address));
            byte[] encoded = bytes[offset..(offset + instruction.Length)];
            if (instruction.Op1Kind == OpKind.Immediate64)
                RelocateTail(encoded, instruction.Immediate64);
            lines.Add(new ListingLine(instruction.IP, encoded, output.ToStringAndReset(), instruction.Code));
        }

        for (int offset = codeLength; offset + 8 <= length; offset += 8)
        {
            ulong value = BitConverter.ToUInt64(bytes, offset);
            string text = $"dq     {Describe(value) ?? $"0x{value:x}"}";
            byte[] encoded = bytes[offset..(offset + 8)];
            RelocateTail(encoded, value);
            lines.Add(new ListingLine(ToDisplay(address) + (ulong)offset, encoded, text, Code.DeclareQword));
        }

        return lines;
    }

    /// <summary>A 64-bit absolute address inside the arena is shown relocated, like the addresses around it.</summary>
    void RelocateTail(byte[] encoded, ulong value)
    {
        ulong start = _set.Arena.CodeBase, end = _set.Arena.DataBase + _set.Arena.DataLength;
        if (value >= start && value < end)
            BitConverter.TryWriteBytes(encoded.AsSpan(encoded.Length - 8), ToDisplay(value));
    }

    /// <summary>Names a real address: a blob (name+offset) or a data slot.</summary>
    string? Describe(ulong real)
    {
        foreach (EmittedBlob blob in _set.Blobs)
        {
            if (blob.DataStart is ulong data && real >= data && real < blob.End)
            {
                // A per-ops trampoline's data is its ops pointer; a frame-pointer target's is the seed its lea addresses.
                string what = blob.Kind == BlobKind.Target ? "seed" : "ops";
                return real == data ? $"{blob.Name}.{what}" : $"{blob.Name}.{what}+0x{real - data:x}";
            }

            if (real >= blob.Address && real < blob.End)
                return real == blob.Address ? blob.Name : $"{blob.Name}+0x{real - blob.Address:x}";
        }

        foreach (DataSlot slot in _set.Image.Data.Slots)
        {
            ulong end = slot.Address + 8 * (ulong)slot.Count;
            if (real >= slot.Address && real < end)
                return real == slot.Address ? slot.Name : $"{slot.Name}+0x{real - slot.Address:x}";
        }

        return null;
    }

    sealed class Symbols(Disassembler owner) : ISymbolResolver
    {
        public bool TryGetSymbol(in Instruction instruction, int operand, int instructionOperand, ulong address, int addressSize, out SymbolResult symbol)
        {
            // Branch targets and RIP-relative operands arrive in display space; 64-bit immediates are real addresses.
            string? name = owner.Describe(owner.ToReal(address)) ?? (addressSize == 8 ? owner.Describe(address) : null);
            symbol = name is null ? default : new SymbolResult(address, name);
            return name is not null;
        }
    }
}
