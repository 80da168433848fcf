namespace HookBench.Patching.Stress;

/// <summary>When the stress toggler frees a detached trampoline (and later writes it again to reuse it).</summary>
public enum ReclaimPolicy
{
    /// <summary>After a grace period: every caller has passed a quiescent point (<see cref="GracePeriod"/>).</summary>
    Grace,

    /// <summary>As soon as the site is detached: a caller still inside runs freed code (negative control; child process only).</summary>
    Early,
}

public static class ReclaimPolicies
{
    public static IReadOnlyList<ReclaimPolicy> All { get; } = [ReclaimPolicy.Grace, ReclaimPolicy.Early];

    public static string Name(this ReclaimPolicy policy) => policy == ReclaimPolicy.Grace ? "grace" : "early";

    public static ReclaimPolicy Parse(string name) => NamedValues.Parse(name, All, Name, "reclaim policy");
}
