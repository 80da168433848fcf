namespace HookBench.Handlers;

/// <summary>Entry handlers run before the body; exit handlers (fexit) after it, and see the return value.</summary>
public enum HandlerRole
{
    Entry,
    Exit,
}
