using HookBench.HookSets;

namespace HookBench.Measurement;

/// <summary>
/// Two byte-identical copies of a hook set in two arenas, one left unpatched (the baseline) and one
/// attached, for callers that time the targets themselves (the BenchmarkDotNet suite).
/// </summary>
public sealed class HookPair : IDisposable
{
    HookPair(HookSet unhooked, HookSet hooked)
    {
        Unhooked = unhooked;
        Hooked = hooked;
        BaselineInstructions = ExecutedPath.Count(unhooked);
        hooked.Attach();
        HookedInstructions = ExecutedPath.Count(hooked);
    }

    public HookSet Unhooked { get; }
    public HookSet Hooked { get; }
    public int BaselineInstructions { get; }
    public int HookedInstructions { get; }

    public static HookPair Build(HookSetOptions options)
    {
        var unhooked = HookSetBuilder.Build(options);
        try
        {
            return new HookPair(unhooked, HookSetBuilder.Build(options));
        }
        catch
        {
            unhooked.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Unhooked.Dispose();
        Hooked.Dispose();
    }
}
