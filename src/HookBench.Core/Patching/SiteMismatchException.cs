namespace HookBench.Patching;

/// <summary>The site did not hold the bytes a patch expected; nothing was written.</summary>
public sealed class SiteMismatchException(string message) : InvalidOperationException(message);
