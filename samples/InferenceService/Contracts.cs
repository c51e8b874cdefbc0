using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetGen.Samples.InferenceService;

/// <summary>
/// The body of <c>POST /predict</c>: exactly one of <c>features</c> (one sample) or <c>batch</c> (1 …
/// <see cref="PredictRequestParser.MaxBatchRows"/> samples).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class PredictRequest
{
    /// <summary>One sample: <see cref="Predictor.InputSize"/> finite numbers.</summary>
    [JsonPropertyName("features")]
    [JsonConverter(typeof(FeatureVectorConverter))]
    public float[]? Features
    {
        get => _features;
        set
        {
            _features = value;
            HasFeatures = true;
        }
    }

    /// <summary>Several samples, each <see cref="Predictor.InputSize"/> finite numbers, stored row after row.</summary>
    [JsonPropertyName("batch")]
    [JsonConverter(typeof(FeatureBatchConverter))]
    public FeatureBatch? Batch
    {
        get => _batch;
        set
        {
            _batch = value;
            HasBatch = true;
        }
    }

    /// <summary>True when the body names <c>features</c>, even as <c>null</c>.</summary>
    [JsonIgnore]
    public bool HasFeatures { get; private set; }

    /// <summary>True when the body names <c>batch</c>, even as <c>null</c>.</summary>
    [JsonIgnore]
    public bool HasBatch { get; private set; }

    private float[]? _features;
    private FeatureBatch? _batch;
}

/// <summary>Rows of features read from a <c>batch</c> array, stored contiguously (what batched inference takes).</summary>
public sealed class FeatureBatch(float[] values, int rows)
{
    /// <summary><see cref="Rows"/> × <see cref="Predictor.InputSize"/> floats (the array may be longer).</summary>
    public float[] Values { get; } = values;

    /// <summary>Number of samples.</summary>
    public int Rows { get; } = rows;
}

/// <summary>The answer for one sample.</summary>
public sealed class Prediction
{
    /// <summary>The arg-max of <see cref="Probabilities"/>.</summary>
    [JsonPropertyName("class")]
    public int Class { get; set; }

    /// <summary>The Fashion-MNIST name of <see cref="Class"/>.</summary>
    [JsonPropertyName("label")]
    public string Label { get; set; } = "";

    /// <summary>Softmax probabilities of the 10 classes.</summary>
    [JsonPropertyName("probabilities")]
    public float[] Probabilities { get; set; } = [];
}

/// <summary>The answer for a <c>batch</c> request, in the order of its rows.</summary>
public sealed class BatchPrediction
{
    [JsonPropertyName("predictions")]
    public Prediction[] Predictions { get; set; } = [];
}

/// <summary>Every 4xx (and the never-expected 5xx) answer.</summary>
public sealed class ErrorResponse
{
    [JsonPropertyName("error")]
    public string Error { get; set; } = "";
}

/// <summary>The answer of <c>GET /health</c>.</summary>
public sealed class HealthResponse
{
    [JsonPropertyName("status")]
    public string Status { get; set; } = "ok";

    [JsonPropertyName("model")]
    public string Model { get; set; } = "";

    [JsonPropertyName("architecture")]
    public string Architecture { get; set; } = "";

    [JsonPropertyName("parameters")]
    public int Parameters { get; set; }

    [JsonPropertyName("inputSize")]
    public int InputSize { get; set; }

    [JsonPropertyName("outputSize")]
    public int OutputSize { get; set; }

    [JsonPropertyName("maxBatch")]
    public int MaxBatch { get; set; }

    [JsonPropertyName("maxBodyBytes")]
    public int MaxBodyBytes { get; set; }
}

/// <summary>System.Text.Json metadata generated at compile time: no reflection, trim- and NativeAOT-safe.</summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Default,
    AllowDuplicateProperties = false,
    AllowTrailingCommas = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(PredictRequest))]
[JsonSerializable(typeof(Prediction))]
[JsonSerializable(typeof(BatchPrediction))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(HealthResponse))]
public sealed partial class ServiceJsonContext : JsonSerializerContext;

/// <summary>The context the service uses: the generated metadata, with messages written readably.</summary>
public static class ServiceJson
{
    /// <summary>
    /// <see cref="ServiceJsonContext"/> with relaxed escaping: answers are <c>application/json</c>, never embedded in
    /// HTML, so quotes in error messages need not become <c>\u0022</c>.
    /// </summary>
    public static ServiceJsonContext Context { get; } = new(new JsonSerializerOptions(ServiceJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
