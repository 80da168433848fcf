using System.Buffers;
using System.Text.Json;

namespace HookBench.Results;

/// <summary>
/// What a JSON result file is, found in one streaming pass with a bounded buffer before anything is
/// deserialized: the kind of its root, its top-level property names and its "schema" value. The pass also
/// proves the text is strict JSON (no NaN or Infinity literals, comments or trailing commas) and within
/// limits that keep the later deserialization's memory bounded.
/// </summary>
public sealed record JsonOutline(JsonValueKind Root, IReadOnlySet<string> TopLevel, string? Schema)
{
    /// <summary>Nesting deeper than any result file (summary.json: 4; BenchmarkDotNet's report: 5).</summary>
    public const int MaxDepth = 32;

    /// <summary>
    /// Tokens in a file: the full matrix at 10,000 repetitions is about 4.3 million samples, BenchmarkDotNet's
    /// full-matrix report about a million tokens; 16 million bounds the samples held in memory to 128 MB.
    /// </summary>
    public const long MaxTokens = 16_000_000;

    /// <summary>A single string or number: the longest in real files is under 200 bytes.</summary>
    public const int MaxTokenBytes = 64 * 1024;

    public bool Has(string name) => TopLevel.Contains(name);

    /// <summary>Scans <paramref name="stream"/> to its end; a corrupt or oversized document is a <see cref="UsageException"/>.</summary>
    public static JsonOutline Scan(Stream stream, string source)
    {
        var options = new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };
        var state = new JsonReaderState(options);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            JsonValueKind root = JsonValueKind.Undefined;
            string? schema = null;
            string? property = null;
            long tokens = 0;
            bool bomChecked = false;
            int filled = 0;
            bool final = false;
            while (!final)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= MaxTokenBytes * 2)
                        throw new UsageException($"{source}: a single JSON value is longer than {MaxTokenBytes / 1024} KiB; not a result file");
                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = stream.Read(buffer, filled, buffer.Length - filled);
                final = read == 0;
                filled += read;
                if (tokens == 0 && !bomChecked && (filled >= 3 || final))
                {
                    // A UTF-8 byte-order mark (editors add one) is not JSON; the serializer skips it too.
                    bomChecked = true;
                    if (buffer.AsSpan(0, filled).StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
                    {
                        buffer.AsSpan(3, filled - 3).CopyTo(buffer);
                        filled -= 3;
                    }
                }

                var reader = new Utf8JsonReader(buffer.AsSpan(0, filled), final, state);
                try
                {
                    while (reader.Read())
                    {
                        if (++tokens > MaxTokens)
                            throw new UsageException($"{source}: more than {MaxTokens:N0} JSON values; result files hold far fewer");
                        if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName or JsonTokenType.Number && reader.ValueSpan.Length > MaxTokenBytes)
                            throw new UsageException($"{source}: a JSON value is longer than {MaxTokenBytes / 1024} KiB; not a result file");
                        if (reader.CurrentDepth == 0 && root == JsonValueKind.Undefined)
                            root = Kind(reader.TokenType);
                        if (reader.CurrentDepth == 1 && root == JsonValueKind.Object)
                        {
                            if (reader.TokenType == JsonTokenType.PropertyName)
                            {
                                property = reader.GetString()!;
                                if (!names.Add(property))
                                    throw new UsageException($"{source}: the top-level field \"{Printable(property)}\" appears twice; a result file names each field once");
                                continue;
                            }

                            if (property == "schema" && reader.TokenType == JsonTokenType.String)
                                schema = reader.GetString();
                            property = null;
                        }
                    }
                }
                catch (JsonException e)
                {
                    throw new UsageException($"{source}: corrupt JSON ({ResultFileReader.OneLine(e.Message)})");
                }
                catch (InvalidOperationException e)
                {
                    throw new UsageException($"{source}: corrupt JSON ({ResultFileReader.OneLine(e.Message)})");
                }

                state = reader.CurrentState;
                int consumed = (int)reader.BytesConsumed;
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }

            if (root == JsonValueKind.Undefined)
                throw new UsageException($"{source}: holds no JSON value");
            return new JsonOutline(root, names, schema);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    static JsonValueKind Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => JsonValueKind.Object,
        JsonTokenType.StartArray => JsonValueKind.Array,
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.Number => JsonValueKind.Number,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        _ => JsonValueKind.Null,
    };

    /// <summary>A name from a file, safe to print on one line.</summary>
    internal static string Printable(string text)
    {
        var clean = new string([.. text.Take(60).Select(c => char.IsControl(c) ? '?' : c)]);
        return text.Length > 60 ? clean + "…" : clean;
    }
}
