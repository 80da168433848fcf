using System.Text.Json;
using System.Text.RegularExpressions;

namespace HookBench.Results;

/// <summary>The serializer's complaints about a result file, in the file's terms rather than .NET's.</summary>
public static partial class JsonMessages
{
    /// <summary>The serializer's complaint in the file's terms, without .NET type names and positions.</summary>
    public static string Explain(JsonException e)
    {
        string text = ResultFileReader.OneLine(e.Message);
        text = TypeName().Replace(PositionSuffix().Replace(text, string.Empty), string.Empty);
        if (NotNullable().Match(text) is { Success: true } nullField)
            return $"'{nullField.Groups[1].Value}' is null; it is required";
        if (MissingRequired().Match(text) is { Success: true } missing)
            return $"missing required field(s) {missing.Groups[1].Value}";
        if (WrongType().Match(text) is { Success: true } wrong)
            return $"expected {Expected(wrong.Groups[1].Value)}";
        return text.TrimEnd('.', ' ');
    }

    static string Expected(string dotnetType) => dotnetType switch
    {
        "System.Int32" => "an integer within ±2147483647",
        "System.UInt64" => "a non-negative integer",
        "System.Double" => "a finite number",
        "System.String" => "text",
        "System.Boolean" => "true or false",
        _ when dotnetType.Contains("Nullable", StringComparison.Ordinal) => "a number or null",
        "HookBench.Statistics.Estimate" => "an object of finite numbers median, ci_low and ci_high",
        _ when dotnetType.Contains("List", StringComparison.Ordinal) => "an array",
        _ when dotnetType.Contains("Dictionary", StringComparison.Ordinal) => "an object of text values",
        _ => "an object with the expected fields",
    };

    [GeneratedRegex(@"The property or field '([^']*)' doesn't allow setting null values")]
    private static partial Regex NotNullable();

    [GeneratedRegex(@"missing required properties including: (.*?)\.?$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"The JSON value could not be converted to ([^.\s]+(\.[^.\s]+)*)")]
    private static partial Regex WrongType();

    [GeneratedRegex(@"\s*(Path: .*)?\|?\s*LineNumber: \d+ \| BytePositionInLine: \d+\.?")]
    private static partial Regex PositionSuffix();

    [GeneratedRegex(@" (for|on|of) type '[^']*'")]
    private static partial Regex TypeName();
}
