using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using NetGen.Evaluation;
using NetGen.Training;

namespace NetGen.Samples;

/// <summary>The one-line JSON summary that <c>--json</c> prints last (keys in snake_case; null values are left out).</summary>
/// <param name="Model"><c>mlp</c>, <c>lenet</c>, <c>lstm</c> or <c>gru</c>.</param>
/// <param name="Epochs">The epoch count the run trained up to (<c>--epochs</c>); 0 when it only evaluated loaded weights.</param>
/// <param name="Threads">The <c>--threads</c> value the trainer got (0: every core).</param>
/// <param name="LoadedFrom">The <c>--load</c> or <c>--import-safetensors</c> file, else null.</param>
/// <param name="InitialEpoch">The epoch a <c>--checkpoint</c> run resumed from, else null.</param>
public sealed record JsonReport(
    string Model,
    int Parameters,
    double TestLoss,
    double TestAccuracy,
    IReadOnlyList<JsonClassMetrics> PerClass,
    IReadOnlyList<double> EpochSeconds,
    int Epochs,
    int BatchSize,
    int Seed,
    int Threads,
    string Data,
    int TrainSamples,
    int TestSamples,
    int ValidationSamples,
    IReadOnlyList<JsonEpoch> History,
    string? LoadedFrom,
    int? InitialEpoch)
{
    /// <summary>The summary of <paramref name="result"/>.</summary>
    public static JsonReport From(JobResult result)
    {
        ConfusionMatrix matrix = result.ConfusionMatrix;
        var perClass = new List<JsonClassMetrics>(matrix.ClassCount);
        for (int c = 0; c < matrix.ClassCount; c++)
            perClass.Add(new JsonClassMetrics(result.ClassNames[c], matrix.Precision(c), matrix.Recall(c), matrix.F1(c), matrix.Support(c)));

        var seconds = new List<double>(result.History.Epochs.Count);
        var history = new List<JsonEpoch>(result.History.Epochs.Count);
        foreach (EpochResult e in result.History.Epochs)
        {
            seconds.Add(e.Seconds);
            history.Add(new JsonEpoch(e.Epoch + 1, e.Loss, e.Accuracy, e.ValidationLoss, e.ValidationAccuracy, e.Seconds));
        }

        return new JsonReport(
            result.Network.Name,
            result.Model.ParameterCount,
            result.Evaluation.Loss,
            result.TestAccuracy,
            perClass,
            seconds,
            result.Options.Trains ? result.Options.Epochs : 0,
            result.Options.BatchSize,
            result.Options.Seed,
            result.Options.Threads,
            result.Data.Kind == DataKind.Full ? "full" : "subset",
            result.History.TrainSamples,
            result.Evaluation.Count,
            result.History.ValidationSamples,
            history,
            result.LoadedFrom,
            result.Options.CheckpointPath is null ? null : result.InitialEpoch);
    }

    /// <summary>The report as one line of JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SampleJsonContext.Default.JsonReport);
}

/// <summary>scikit-learn's per-class line of the classification report.</summary>
public sealed record JsonClassMetrics(string Name, double Precision, double Recall, double F1, long Support);

/// <summary>One epoch of the history (1-based epoch; validation values only with <c>--validation-split</c>).</summary>
public sealed record JsonEpoch(int Epoch, double Loss, double? Accuracy, double? ValLoss, double? ValAccuracy, double Seconds);

/// <summary>Source-generated serialization: no reflection at run time.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(JsonReport))]
public sealed partial class SampleJsonContext : JsonSerializerContext;
