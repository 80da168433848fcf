using Iced.Intel;

namespace HookBench.Targets;

/// <summary>
/// Bytes placed before a traced function's entry that hold a pointer for the hook to read: arm64's
/// CALL_OPS keeps the function's <c>ftrace_ops</c> pointer in the 8 bytes before the entry
/// (-fpatchable-function-entry reserves them), x86 reserves CONFIG_FUNCTION_PADDING_BYTES (16) before
/// every function, and the fentry_multi series (2025) proposed keeping the function's metadata there.
/// Emitted as its own 64-byte blob just before the target's, so its last 8 bytes end where the target
/// starts; written once, before the arena is sealed (the kernel would text_poke it).
/// </summary>
public static class FunctionPadding
{
    /// <summary>Where the pointer starts, counted back from the function's entry.</summary>
    public const int MetadataBeforeEntry = 8;

    /// <summary>The blob's size: the code image's blob alignment, so the target that follows starts right after it.</summary>
    public const int BlobBytes = 64;

    const ulong Filler = 0xCCCC_CCCC_CCCC_CCCC;

    /// <summary>Emits int3 filler then <paramref name="metadata"/> in the last 8 bytes; returns the label where the data starts (all of it).</summary>
    public static Label Emit(Assembler asm, ulong metadata)
    {
        var data = asm.CreateLabel("padding");
        asm.Label(ref data);
        for (int offset = 0; offset < BlobBytes - MetadataBeforeEntry; offset += 8)
            asm.dq(Filler);
        asm.dq(metadata);
        return data;
    }
}
