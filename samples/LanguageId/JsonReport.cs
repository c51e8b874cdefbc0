using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using NetGen.Evaluation;
using NetGen.Training;

namespace NetGen.Samples.LanguageId;

/// <summary>The one-line JSON summary that <c>--json</c> prints last (keys in snake_case; null values left out).</summary>
public sealed record JsonReport(
    string Model,
    int Parameters,
    int SequenceLength,
    int VocabularySize,
    double TestLoss,
    double TestAccuracy,
    double MacroF1,
    IReadOnlyList<JsonClassMetrics> PerClass,
    IReadOnlyList<LanguageCount> Languages,
    IReadOnlyList<double> EpochSeconds,
    int Epochs,
    int BatchSize,
    int Seed,
    int SplitSeed,
    int Threads,
    int PerLanguage,
    int TrainSamples,
    int TestSamples,
    int ValidationSamples,
    IReadOnlyList<JsonEpoch> History,
    IReadOnlyList<TextPrediction>? Predictions,
    string? LoadedFrom)
{
    /// <summary>The summary of <paramref name="result"/>.</summary>
    public static JsonReport From(LanguageIdResult result)
    {
        ConfusionMatrix matrix = result.ConfusionMatrix;
        var perClass = new List<JsonClassMetrics>(matrix.ClassCount);
        for (int c = 0; c < matrix.ClassCount; c++)
            perClass.Add(new JsonClassMetrics(FortuneCorpus.ClassNames[c], matrix.Precision(c), matrix.Recall(c), matrix.F1(c), matrix.Support(c)));
        IReadOnlyList<EpochResult> epochs = result.History.Epochs;
        return new JsonReport(
            LanguageIdJob.NameOf(result.Options.Model),
            result.Model.ParameterCount,
            LanguageIdShapes.SequenceLength,
            result.Data.Vocabulary.Size,
            result.Evaluation.Loss,
            result.TestAccuracy,
            result.MacroF1,
            perClass,
            result.Data.Counts,
            epochs.Select(e => e.Seconds).ToArray(),
            result.Options.Trains ? result.Options.Epochs : 0,
            result.Options.BatchSize,
            result.Options.Seed,
            result.Options.SplitSeed,
            result.Options.Threads,
            result.Data.PerLanguage,
            result.History.TrainSamples,
            result.Evaluation.Count,
            result.History.ValidationSamples,
            epochs.Select(e => new JsonEpoch(e.Epoch + 1, e.Loss, e.Accuracy, e.ValidationLoss, e.ValidationAccuracy, e.Seconds)).ToArray(),
            result.Predictions.Count == 0 ? null : result.Predictions,
            result.Options.LoadPath);
    }

    /// <summary>The report as one line of JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, LanguageIdJsonContext.Default.JsonReport);
}

/// <summary>scikit-learn's per-class line of the classification report.</summary>
public sealed record JsonClassMetrics(string Name, double Precision, double Recall, double F1, long Support);

/// <summary>One epoch of the history (1-based; validation values only with <c>--validation-split</c>).</summary>
public sealed record JsonEpoch(int Epoch, double Loss, double? Accuracy, double? ValLoss, double? ValAccuracy, double Seconds);

/// <summary>
/// <c>metadata.json</c> of <c>--export</c>: what <c>bench/peers/torch_langid.py</c> needs to rebuild the network and
/// read the samples.
/// </summary>
public sealed record ExportMetadata(
    IReadOnlyList<string> Classes,
    int SequenceLength,
    int VocabularySize,
    int EmbeddingDimension,
    int RecurrentUnits,
    int VocabularyIdsUsed,
    IReadOnlyList<string> Characters,
    int SplitSeed,
    double TestFraction,
    int PerLanguage,
    int TrainSamples,
    int TestSamples,
    IReadOnlyList<LanguageCount> Languages);

/// <summary>Source-generated serialization: no reflection at run time.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(JsonReport))]
[JsonSerializable(typeof(ExportMetadata))]
public sealed partial class LanguageIdJsonContext : JsonSerializerContext;
