using System.Text.Json;
using System.Text.Json.Serialization;

namespace HookBench.Results;

/// <summary>summary.json reading and writing. Reading refuses what it cannot trust, with one line saying why.</summary>
public static class SummaryJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize(RunSummary summary) => JsonSerializer.Serialize(summary, Options);

    /// <summary>Parses a summary; a corrupt file or another schema is a <see cref="UsageException"/>.</summary>
    public static RunSummary Deserialize(string json, string source)
    {
        string schema;
        try
        {
            using var document = JsonDocument.Parse(json);
            schema = document.RootElement.TryGetProperty("schema", out var s) && s.ValueKind == JsonValueKind.String
                ? s.GetString()!
                : throw new UsageException($"{source}: not a HookBench summary (no \"schema\" field)");
        }
        catch (JsonException e)
        {
            throw new UsageException($"{source}: corrupt JSON ({e.Message.Split('\n')[0]})");
        }

        if (schema != RunSummary.CurrentSchema)
            throw new UsageException($"{source}: schema '{schema}' is not supported; valid: {RunSummary.CurrentSchema}");
        try
        {
            return JsonSerializer.Deserialize<RunSummary>(json, Options)
                ?? throw new UsageException($"{source}: empty summary");
        }
        catch (JsonException e)
        {
            throw new UsageException($"{source}: does not match {RunSummary.CurrentSchema} ({e.Message.Split('\n')[0]})");
        }
    }
}
