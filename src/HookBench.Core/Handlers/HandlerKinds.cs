namespace HookBench.Handlers;

public static class HandlerKinds
{
    public static IReadOnlyList<HandlerKind> All { get; } = Enum.GetValues<HandlerKind>();

    public static string Name(this HandlerKind kind) => kind.ToString().ToLowerInvariant();

    public static HandlerKind Parse(string name) => NamedValues.Parse(name, All, Name, "handler");

    public static string ValidNames => string.Join(", ", All.Select(Name));
}
