using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetGen.Evaluation;

/// <summary>The loss and metrics of a model on a dataset, from <see cref="Evaluator"/>.</summary>
public sealed class EvaluationResult
{
    /// <summary>Creates a result.</summary>
    public EvaluationResult(int count, LossKind lossKind, double loss, double? accuracy, ConfusionMatrix? confusionMatrix, IReadOnlyList<string>? classNames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Count = count;
        LossKind = lossKind;
        Loss = loss;
        Accuracy = accuracy;
        ConfusionMatrix = confusionMatrix;
        ClassNames = classNames;
    }

    /// <summary>A copy of <paramref name="other"/>, for initializers that add the metrics below.</summary>
    /// <param name="other">The result to copy.</param>
    internal EvaluationResult(EvaluationResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Count = other.Count;
        LossKind = other.LossKind;
        Loss = other.Loss;
        Accuracy = other.Accuracy;
        ConfusionMatrix = other.ConfusionMatrix;
        ClassNames = other.ClassNames;
        RocAuc = other.RocAuc;
        AveragePrecision = other.AveragePrecision;
        TopK = other.TopK;
        TopKAccuracy = other.TopKAccuracy;
        MeanAbsoluteError = other.MeanAbsoluteError;
        RootMeanSquaredError = other.RootMeanSquaredError;
        R2 = other.R2;
    }

    /// <summary>Number of samples evaluated.</summary>
    public int Count { get; }

    /// <summary>The loss function used (the model's).</summary>
    public LossKind LossKind { get; }

    /// <summary>The mean loss per sample (see <see cref="LossFunctions"/>).</summary>
    public double Loss { get; }

    /// <summary>The fraction of samples classified right; null when the data has no classes (mean squared error on float targets).</summary>
    public double? Accuracy { get; }

    /// <summary>True class × predicted class counts; null when the data has no classes.</summary>
    public ConfusionMatrix? ConfusionMatrix { get; }

    /// <summary>The dataset's class names, if it had any.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>
    /// Area under the ROC curve: of the output for a single-output binary classifier (<see cref="Metrics.RocAuc"/>),
    /// one-vs-rest macro-averaged for a multi-class one (<see cref="Metrics.RocAucOneVsRest"/>). Null when it does not
    /// apply (regression, multi-label) or is not defined (a class has no sample); NaN when an output is not finite.
    /// </summary>
    public double? RocAuc { get; init; }

    /// <summary>
    /// Average precision, the step-wise area under the precision-recall curve (PR-AUC as scikit-learn's
    /// <c>average_precision_score</c>): binary (<see cref="Metrics.AveragePrecision"/>) or one-vs-rest macro
    /// (<see cref="Metrics.AveragePrecisionOneVsRest"/>), as <see cref="RocAuc"/>. Null when it does not apply or there
    /// is no positive; NaN when an output is not finite.
    /// </summary>
    public double? AveragePrecision { get; init; }

    /// <summary>The k of <see cref="TopKAccuracy"/>, when it was asked for (<see cref="EvaluationOptions.TopK"/>).</summary>
    public int? TopK { get; init; }

    /// <summary>The fraction of samples whose label is among the <see cref="TopK"/> highest outputs (<see cref="Metrics.TopKAccuracy"/>); null unless asked for.</summary>
    public double? TopKAccuracy { get; init; }

    /// <summary>Regression (mean squared error on float targets): the mean absolute error, averaged over outputs (<see cref="Metrics.MeanAbsoluteError(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/>); else null.</summary>
    public double? MeanAbsoluteError { get; init; }

    /// <summary>Regression: the root mean squared error of each output, averaged over outputs (<see cref="Metrics.RootMeanSquaredError(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/>); else null.</summary>
    public double? RootMeanSquaredError { get; init; }

    /// <summary>Regression: R², averaged over outputs (<see cref="Metrics.R2(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/>; NaN for fewer than two samples); else null.</summary>
    public double? R2 { get; init; }

    /// <summary>
    /// A readable report: loss and accuracy, the ranking or regression metrics there are, then (for classification)
    /// scikit-learn's classification report and the confusion matrix.
    /// </summary>
    /// <param name="classNames">Names by class index; null uses <see cref="ClassNames"/>.</param>
    /// <param name="digits">Digits after the decimal point in the classification report.</param>
    public string Render(IReadOnlyList<string>? classNames = null, int digits = 2)
    {
        classNames ??= ClassNames;
        CultureInfo inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Count} samples, loss ({LossKind}) {Loss.ToString("F4", inv)}");
        if (Accuracy is double accuracy) sb.Append(", accuracy ").Append(accuracy.ToString("F4", inv));
        sb.Append('\n');
        bool multiClass = ConfusionMatrix is { ClassCount: > 2 } || TopK is not null;
        string averaging = multiClass ? " (one-vs-rest macro)" : "";
        var parts = new List<string>();
        if (RocAuc is double roc) parts.Add($"ROC AUC{averaging} {roc.ToString("F4", inv)}");
        if (AveragePrecision is double ap) parts.Add($"average precision{averaging} {ap.ToString("F4", inv)}");
        if (TopKAccuracy is double topK) parts.Add($"top-{TopK} accuracy {topK.ToString("F4", inv)}");
        if (MeanAbsoluteError is double mae) parts.Add($"MAE {mae.ToString("G6", inv)}");
        if (RootMeanSquaredError is double rmse) parts.Add($"RMSE {rmse.ToString("G6", inv)}");
        if (R2 is double r2) parts.Add($"R² {r2.ToString("F4", inv)}");
        if (parts.Count > 0) sb.AppendJoin(", ", parts).Append('\n');
        if (ConfusionMatrix is { } matrix)
        {
            sb.Append('\n').Append(matrix.RenderReport(classNames, digits));
            sb.Append('\n').Append(matrix.Render(classNames));
        }
        return sb.ToString();
    }

    /// <inheritdoc cref="Render"/>
    public override string ToString() => Render();
}
