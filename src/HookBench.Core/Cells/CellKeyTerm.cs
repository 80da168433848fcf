namespace HookBench.Cells;

/// <summary>
/// One optional axis of a <see cref="CellKey"/>, written <c>/axis=value</c> after <c>strategy/args/handler/mode</c>
/// only when its value differs from <paramref name="Default"/> (so keys of files older than the axis stay what they were).
/// </summary>
/// <param name="Axis">The term's name before <c>=</c>.</param>
/// <param name="Default">The value a key has when the term is absent.</param>
/// <param name="Value">The key's value of this axis as the term writes it.</param>
/// <param name="With">The key with this axis parsed from a term's value (throws <see cref="UsageException"/> naming the valid values).</param>
public sealed record CellKeyTerm(string Axis, string Default, Func<CellKey, string> Value, Func<CellKey, string, CellKey> With);
