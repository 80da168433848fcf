using HookBench.Native;
using Iced.Intel;

namespace HookBench.Emission;

/// <summary>
/// Places blobs one after another in an arena's code pages, each 64-byte aligned, assembling every
/// blob at its final address so that <c>call rel32</c> and RIP-relative operands are exact.
/// </summary>
public sealed class CodeImage
{
    const int BlobAlignment = 64;
    const byte Int3 = 0xCC;

    readonly CodeArena _arena;
    readonly List<EmittedBlob> _blobs = [];
    ulong _cursor;

    public CodeImage(CodeArena arena)
    {
        _arena = arena;
        _cursor = arena.CodeBase;
        Data = new DataBlock(arena.DataBase, arena.DataLength);
    }

    public CodeArena Arena => _arena;
    public DataBlock Data { get; }
    public IReadOnlyList<EmittedBlob> Blobs => _blobs;

    /// <summary>The address the next blob will get.</summary>
    public ulong NextAddress => _cursor;

    /// <summary>
    /// Leaves <paramref name="bytes"/> (a multiple of the blob alignment) of int3 before the next blob, so the
    /// blobs after it land at other page offsets: measurements repeat a cell at several placements.
    /// </summary>
    public void Skip(int bytes)
    {
        if (bytes < 0 || bytes % BlobAlignment != 0)
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes, $"a non-negative multiple of {BlobAlignment}");
        if (bytes == 0)
            return;
        var pad = new byte[bytes];
        Array.Fill(pad, Int3);
        _arena.WriteCode(_cursor, pad);
        _cursor += (ulong)bytes;
    }

    /// <summary>
    /// Emits a blob at the next 64-byte boundary plus <paramref name="startOffset"/> (0..63; the bytes
    /// skipped hold int3). An offset lets a test place a site across an 8-byte boundary, as a function
    /// after a prologue of odd length would be.
    /// </summary>
    public EmittedBlob Emit(string name, BlobKind kind, Action<Assembler> build, int startOffset = 0) =>
        Emit(name, kind, asm =>
        {
            build(asm);
            return null;
        }, startOffset);

    /// <summary>Emits a blob whose builder returns the label where trailing data starts, if any.</summary>
    public EmittedBlob Emit(string name, BlobKind kind, Func<Assembler, Label?> build, int startOffset = 0)
    {
        if (startOffset is < 0 or >= BlobAlignment)
            throw new ArgumentOutOfRangeException(nameof(startOffset), startOffset, $"0..{BlobAlignment - 1}");
        var asm = new Assembler(64);
        Label? dataLabel = build(asm);
        var writer = new ByteWriter();
        ulong start = _cursor + (ulong)startOffset;
        AssemblerResult result = asm.Assemble(writer, start, BlockEncoderOptions.ReturnNewInstructionOffsets);
        byte[] bytes = writer.ToArray();
        ulong padded = (ulong)(startOffset + bytes.Length + BlobAlignment - 1) & ~(ulong)(BlobAlignment - 1);
        var image = new byte[padded];
        Array.Fill(image, Int3);
        bytes.CopyTo(image, startOffset);
        _arena.WriteCode(_cursor, image);
        var blob = new EmittedBlob(name, kind, start, bytes.Length, result)
        {
            DataStart = dataLabel is Label label ? result.GetLabelRIP(label) : null,
        };
        _blobs.Add(blob);
        _cursor += padded;
        return blob;
    }

    /// <summary>Attaches the kernel source a blob reproduces; the image keeps the annotated copy.</summary>
    public EmittedBlob Describe(EmittedBlob blob, string source)
    {
        int index = _blobs.IndexOf(blob);
        if (index < 0)
            throw new ArgumentException($"{blob.Name} is not in this image", nameof(blob));
        var described = blob with { Source = source };
        _blobs[index] = described;
        return described;
    }

    sealed class ByteWriter : CodeWriter
    {
        readonly List<byte> _bytes = [];

        public override void WriteByte(byte value) => _bytes.Add(value);

        public byte[] ToArray() => [.. _bytes];
    }
}
