namespace HookBench.Patching;

/// <summary>The points of the int3 protocol a test (or a W^X check) can look at, each after its core sync.</summary>
public enum PatchStep
{
    /// <summary>The table lists the sites; nothing is written yet.</summary>
    Published,

    /// <summary>Every site starts with int3 (step 1).</summary>
    TrapsWritten,

    /// <summary>Every site holds int3 followed by the new instruction's tail (step 2).</summary>
    TailsWritten,

    /// <summary>Every site holds the new instruction (step 3).</summary>
    FirstBytesWritten,

    /// <summary>The table is empty again and no handler is still reading it.</summary>
    Retired,
}
