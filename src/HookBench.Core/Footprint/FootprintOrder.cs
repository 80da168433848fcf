namespace HookBench.Footprint;

/// <summary>
/// The order the driver calls the functions in: whole pseudo-random permutations, the same for every
/// run and both copies of a cell (a fixed seed through SplitMix64 and Fisher–Yates, independent of the
/// runtime's Random). A permutation calls every function equally often, so a validation run can demand
/// exact counts, and no function's neighbour in the call order is its neighbour in memory.
/// </summary>
public static class FootprintOrder
{
    public const ulong Seed = 0x243F6A8885A308D3;

    /// <summary>One pass: <see cref="FootprintBudget.CallsPerPass"/> calls, repeating the same permutation.</summary>
    public static IReadOnlyList<int> Pass(int functions)
    {
        var permutation = Permutation(functions, Seed);
        int repeats = FootprintBudget.CallsPerPass(functions) / functions;
        return [.. Enumerable.Repeat(permutation, repeats).SelectMany(p => p)];
    }

    public static int[] Permutation(int count, ulong seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        ulong state = seed;
        for (int i = count - 1; i > 0; i--)
        {
            int j = (int)(SplitMix64(ref state) % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    static ulong SplitMix64(ref ulong state)
    {
        unchecked
        {
            ulong z = state += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }
}
