using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HookBench.Results;

/// <summary>
/// summary.json reading and writing. Reading refuses what it cannot trust, with one line saying why:
/// numbers are strict JSON (no NaN or Infinity), required fields must be present and not null, no field
/// may appear twice, and the result must then pass <see cref="SummaryValidation"/>.
/// </summary>
public static class SummaryJson
{
    /// <summary>How summaries are written: snake_case, indented, finite numbers only.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>How summaries are read: as written, plus null checks for non-nullable fields and no duplicate fields.</summary>
    static JsonSerializerOptions ReadOptions { get; } = new(Options)
    {
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,     // fields may be added to the schema
    };

    public static string Serialize(RunSummary summary) => JsonSerializer.Serialize(summary, Options);

    /// <summary>Parses and validates a summary held in memory (tests, tools); see <see cref="Read(Stream, string)"/>.</summary>
    public static RunSummary Deserialize(string json, string source)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return Read(stream, source);
    }

    /// <summary>Parses and validates a summary from a seekable stream; anything it cannot trust is a <see cref="UsageException"/>.</summary>
    public static RunSummary Read(Stream stream, string source)
    {
        var outline = JsonOutline.Scan(stream, source);
        stream.Position = 0;
        return Read(outline, stream, source);
    }

    /// <summary>The second, typed pass once <paramref name="outline"/> has shown the text is strict JSON within limits.</summary>
    public static RunSummary Read(JsonOutline outline, Stream stream, string source)
    {
        if (outline.Root != JsonValueKind.Object)
            throw new UsageException($"{source}: not a HookBench summary (the JSON root is {Describe(outline.Root)}, not an object)");
        if (outline.Schema is null)
            throw new UsageException($"{source}: not a HookBench summary (no \"schema\" string field)");
        if (outline.Schema != RunSummary.CurrentSchema)
            throw new UsageException($"{source}: schema '{JsonOutline.Printable(outline.Schema)}' is not supported; valid: {RunSummary.CurrentSchema}");

        RunSummary summary;
        try
        {
            summary = JsonSerializer.Deserialize<RunSummary>(stream, ReadOptions)
                ?? throw new UsageException($"{source}: empty summary");
        }
        catch (JsonException e)
        {
            throw new UsageException($"{source}: does not match {RunSummary.CurrentSchema} at {e.Path ?? "$"} ({JsonMessages.Explain(e)})");
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException($"{source}: does not match {RunSummary.CurrentSchema} ({ResultFileReader.OneLine(e.Message)})");
        }

        SummaryValidation.Validate(summary, source);
        return summary;
    }

    static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
