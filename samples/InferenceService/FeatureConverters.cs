using System;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetGen.Samples.InferenceService;

/// <summary>
/// Reads <c>"features": [784 numbers]</c> straight into a float array of the model's input size, and says exactly
/// what is wrong otherwise: a wrong count, a string (JSON has no NaN or Infinity, so those arrive as strings), a
/// number outside float32's range (e.g. <c>1e39</c>, which would become infinity).
/// </summary>
public sealed class FeatureVectorConverter : JsonConverter<float[]>
{
    public override float[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new InvalidFeaturesException($"\"features\" must be an array of {Predictor.InputSize} numbers, not {FeatureReader.Describe(ref reader)}.");
        var values = new float[Predictor.InputSize];
        FeatureReader.ReadRow(ref reader, values, "features");
        return values;
    }

    public override void Write(Utf8JsonWriter writer, float[] value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Requests are only read.");
}

/// <summary>
/// Reads <c>"batch": [[784 numbers], …]</c> (1 … <see cref="PredictRequestParser.MaxBatchRows"/> rows) into one
/// contiguous array, with the same checks per value as <see cref="FeatureVectorConverter"/>.
/// </summary>
public sealed class FeatureBatchConverter : JsonConverter<FeatureBatch>
{
    public override FeatureBatch Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        const int n = Predictor.InputSize;
        int max = PredictRequestParser.MaxBatchRows;
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new InvalidFeaturesException($"\"batch\" must be an array of 1 to {max} arrays of {n} numbers, not {FeatureReader.Describe(ref reader)}.");
        float[] values = new float[8 * n];
        int rows = 0;
        while (true)
        {
            FeatureReader.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray) break;
            if (rows == max)
                throw new InvalidFeaturesException($"\"batch\" has more than {max} rows; send at most {max} samples per request.");
            if (reader.TokenType != JsonTokenType.StartArray)
                throw new InvalidFeaturesException($"batch[{rows}] must be an array of {n} numbers, not {FeatureReader.Describe(ref reader)}.");
            if ((rows + 1) * n > values.Length)
                Array.Resize(ref values, Math.Min(values.Length * 2, max * n));
            FeatureReader.ReadRow(ref reader, values.AsSpan(rows * n, n), $"batch[{rows}]");
            rows++;
        }
        if (rows == 0)
            throw new InvalidFeaturesException($"\"batch\" is empty; send 1 to {max} arrays of {n} numbers.");
        return new FeatureBatch(values, rows);
    }

    public override void Write(Utf8JsonWriter writer, FeatureBatch value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Requests are only read.");
}

/// <summary>A <c>features</c> or <c>batch</c> value is wrong; the message names the element (e.g. <c>batch[3][17]</c>).</summary>
public sealed class InvalidFeaturesException(string message) : JsonException(message);

internal static class FeatureReader
{
    /// <summary>Reads the numbers of one row (the reader is on its <c>[</c>) into <paramref name="row"/>, which it must fill exactly.</summary>
    public static void ReadRow(ref Utf8JsonReader reader, Span<float> row, string name)
    {
        int count = 0;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray) break;
            if (reader.TokenType != JsonTokenType.Number)
            {
                string hint = reader.TokenType == JsonTokenType.String
                    ? " (JSON has no NaN or Infinity; the model takes finite numbers only)"
                    : "";
                throw new InvalidFeaturesException($"{name}[{count}] is {Describe(ref reader)}, not a number{hint}.");
            }
            if (count < row.Length)
            {
                if (!reader.TryGetSingle(out float value) || !float.IsFinite(value))
                    throw new InvalidFeaturesException($"{name}[{count}] = {Raw(ref reader)} is not a finite 32-bit float (|x| must stay below 3.4028235e38).");
                row[count] = value;
            }
            count++;
        }
        if (count != row.Length)
            throw new InvalidFeaturesException($"{name} has {count} values; the model takes exactly {row.Length} (28 x 28 pixels scaled to [0, 1]).");
    }

    /// <summary>Advances to the next token; the serializer hands converters complete values, so the end cannot come first.</summary>
    public static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new InvalidFeaturesException("The JSON ends in the middle of an array.");
    }

    public static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"the string {Excerpt.Quote(reader.GetString() ?? "", MaxQuoted)}",
        JsonTokenType.Number => $"the number {Raw(ref reader)}",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => reader.TokenType.ToString(),
    };

    /// <summary>The most characters of a client's value a message repeats.</summary>
    private const int MaxQuoted = 40;

    // A number token may be megabytes long (the body's limit); the message shows a bounded prefix.
    private static string Raw(ref Utf8JsonReader reader) => Excerpt.Of(Encoding.UTF8.GetString(reader.ValueSpan), MaxQuoted);
}
