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
        BaselinePath = ExecutedPath.Walk(unhooked);
        hooked.Attach();
        HookedPath = ExecutedPath.Walk(hooked);
    }

    public HookSet Unhooked { get; }
    public HookSet Hooked { get; }
    public PathWalk BaselinePath { get; }
    public PathWalk HookedPath { get; }

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
