using HookBench.Native;
using HookBench.Uprobes;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HookBench.Tests.Uprobes;

/// <summary>
/// Test-only: a tiny emitted function placed at any byte of a file-backed arena (two code pages of int3
/// around it), so a test can make its nop5 straddle a page. Its instructions are the interesting probe sites:
/// <code>
/// +0  nop5                 ; the patch site; 6.18 optimizes a uprobe here into a call
/// +5  push rbp             ; emulated by the kernel: one trap
/// +6  mov rbp, rsp
/// +9  lea rax, [rdi+rsi]   ; not emulated: single-stepped out of line, two traps
/// +13 pop rbp
/// +14 ret
/// </code>
/// Called through a function pointer by <see cref="NativeCallLoop.Latency"/>, each call's result
/// feeds the next call's first argument, so k calls return 0x101 + k·0x202 only if every call
/// returned the right sum.
/// </summary>
sealed class ProbedFunction : IDisposable
{
    public const ulong FirstArgument = 0x101;
    public const ulong SecondArgument = 0x202;
    const byte Int3 = 0xCC;
    const int CodePages = 2;

    ProbedFunction(CodeArena arena, int placedAt, byte[] code, int push, int lea)
    {
        Arena = arena;
        PlacedAt = placedAt;
        Code = code;
        PushRbpOffset = push;
        LeaOffset = lea;
    }

    public CodeArena Arena { get; }

    /// <summary>The function's offset in the memfd (and in the execute view).</summary>
    public int PlacedAt { get; }

    /// <summary>The function's bytes as emitted.</summary>
    public byte[] Code { get; }

    public static int Nop5Offset => 0;

    public int PushRbpOffset { get; }

    public int LeaOffset { get; }

    public ulong Entry => Arena.CodeBase + (ulong)PlacedAt;

    /// <summary>The probe site for the instruction at <paramref name="offset"/> in the function: a file offset.</summary>
    public UprobeSite Site(int offset) => new(Arena.CodeFilePath, Arena.CodeFileOffset(Entry + (ulong)offset));

    /// <summary>
    /// Emits the function at <paramref name="placeAt"/> in a two-page file-backed arena; a place less than
    /// 5 bytes before the page end makes the nop5 straddle the page boundary.
    /// </summary>
    public static ProbedFunction Emit(int placeAt = 0)
    {
        var asm = new Assembler(64);
        var push = asm.CreateLabel();
        var lea = asm.CreateLabel();
        asm.db(0x0F, 0x1F, 0x44, 0x00, 0x00);   // nop5, x86_nops[5], as in every target
        asm.Label(ref push);
        asm.push(rbp);
        asm.mov(rbp, rsp);
        asm.Label(ref lea);
        asm.lea(rax, __[rdi + rsi]);            // SysV: the two arguments arrive in rdi and rsi
        asm.pop(rbp);
        asm.ret();
        var writer = new BytesWriter();
        var result = asm.Assemble(writer, 0, BlockEncoderOptions.ReturnNewInstructionOffsets);
        byte[] code = [.. writer.Bytes];
        var arena = CodeArena.Create(CodePages * CodeArena.PageSize, CodeArena.PageSize, ArenaBacking.File);
        arena.WriteCode(arena.CodeBase, Enumerable.Repeat(Int3, CodePages * CodeArena.PageSize).ToArray());
        arena.WriteCode(arena.CodeBase + (ulong)placeAt, code);
        arena.Seal();
        return new ProbedFunction(arena, placeAt, code, (int)result.GetLabelRIP(push), (int)result.GetLabelRIP(lea));
    }

    /// <summary>k dependent calls; returns what the last one returned.</summary>
    public ulong Call(int calls) => NativeCallLoop.Latency(Entry, 2, calls);

    public static ulong Expected(int calls) => FirstArgument + ((ulong)calls * SecondArgument);

    /// <summary>The function's bytes as the execute view holds them now.</summary>
    public byte[] CurrentCode() => Arena.Read(Entry, Code.Length);

    /// <summary>The function's bytes as the memfd holds them (the kernel never writes its breakpoints there).</summary>
    public byte[] FileCode()
    {
        using var file = File.OpenHandle(Arena.CodeFilePath);
        var bytes = new byte[Code.Length];
        RandomAccess.Read(file, bytes, (long)Arena.CodeFileOffset(Entry));
        return bytes;
    }

    /// <summary>What the kernel has done to the instruction at <paramref name="offset"/>.</summary>
    public ProbedSiteState SiteState(int offset) =>
        ProbedSiteState.Classify(Code.AsSpan(offset), CurrentCode().AsSpan(offset), Entry + (ulong)offset);

    public void Dispose() => Arena.Dispose();

    sealed class BytesWriter : CodeWriter
    {
        public List<byte> Bytes { get; } = [];

        public override void WriteByte(byte value) => Bytes.Add(value);
    }
}
