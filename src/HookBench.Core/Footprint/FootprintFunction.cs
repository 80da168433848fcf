using HookBench.Emission;
using HookBench.Patching;
using HookBench.Sites;
using HookBench.Targets;

namespace HookBench.Footprint;

/// <summary>One of a footprint set's hooked functions: its code, site, seed (each returns its own result) and hook.</summary>
public sealed record FootprintFunction(int Index, EmittedBlob Target, Site Site, SitePatcher Patcher, ulong Seed, WitnessSlots? Witness)
{
    /// <summary>Where its routed site goes (null for the unhooked baseline strategy).</summary>
    public ulong? Destination { get; init; }

    /// <summary>Its own trampoline, in the per-function shape.</summary>
    public EmittedBlob? Trampoline { get; init; }
}
