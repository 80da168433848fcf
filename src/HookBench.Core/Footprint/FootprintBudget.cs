using System.Globalization;

namespace HookBench.Footprint;

/// <summary>
/// The room a footprint set takes in its one arena, per function and fixed, as upper bounds (the arena is
/// mapped this large; pages are committed only when touched). Everything lives in one mapping so that
/// every site reaches its trampoline, every driver call its target and every blob its data with a
/// 32-bit displacement; a mapping below 2 GiB keeps any two of its addresses within that reach, and so
/// bounds the number of functions.
/// </summary>
public static class FootprintBudget
{
    /// <summary>One target: the 5-byte site, a validation build's witness and the body at 6 arguments (~190 bytes at most).</summary>
    public const int TargetBytes = 256;

    /// <summary>One per-function trampoline: the largest, direct-fexit at 6 arguments under Microsoft x64, is under 200 bytes.</summary>
    public const int TrampolineBytes = 256;

    /// <summary>One call of the driver: the argument moves, the call, an lfence and the busy caller's work.</summary>
    public const int DriverCallBytes = 128;

    /// <summary>Per function in the data pages: its witness slots (validation builds), its hash entry and bucket.</summary>
    public const int DataBytesPerFunction = 192;

    /// <summary>Handlers, the shared trampoline and its lookup, the driver's prologue and epilogue, the validation probe.</summary>
    public const int FixedCodeBytes = 48 * 1024;

    /// <summary>The ops, the hash header, handler and probe slots.</summary>
    public const int FixedDataBytes = 16 * 1024;

    /// <summary>The largest mapping whose addresses all lie within a rel32 displacement of each other.</summary>
    public const long Reach = int.MaxValue;

    /// <summary>The fewest calls one pass of the driver makes: as many as the unrolled loop's iteration, so the loop branch is amortized alike.</summary>
    public const int MinCallsPerPass = 16;

    /// <summary>Calls one pass of the driver makes: whole permutations of the functions, at least <see cref="MinCallsPerPass"/>.</summary>
    public static int CallsPerPass(int functions) => (int)CallsPerPass((long)functions);

    static long CallsPerPass(long functions) => functions * ((MinCallsPerPass + functions - 1) / functions);

    public static long CodeBytes(long functions) =>
        functions * (TargetBytes + TrampolineBytes) + CallsPerPass(functions) * DriverCallBytes + FixedCodeBytes;

    public static long DataBytes(long functions) => functions * DataBytesPerFunction + FixedDataBytes;

    public static long Bytes(long functions) => CodeBytes(functions) + DataBytes(functions);

    /// <summary>The most functions one arena can hold within rel32 reach.</summary>
    public static int MaxFunctions { get; } = (int)((Reach - FixedCodeBytes - FixedDataBytes)
        / (TargetBytes + TrampolineBytes + DataBytesPerFunction + DriverCallBytes));

    /// <summary>Whether <paramref name="functions"/> fit one arena; <paramref name="error"/> says why not, with the valid range.</summary>
    public static bool TryCheck(long functions, out string? error)
    {
        error = functions switch
        {
            < 1 => $"functions must be an integer in 1..{MaxFunctions}; got {functions}",
            _ when functions > MaxFunctions => string.Create(CultureInfo.InvariantCulture,
                $"{functions} functions need {Bytes(functions) / (double)(1L << 30):F1} GiB of code and data in one arena, beyond the 2 GiB that rel32 calls reach across; valid: 1..{MaxFunctions}"),
            _ => null,
        };
        return error is null;
    }
}
