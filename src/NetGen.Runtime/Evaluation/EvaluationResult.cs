using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetGen.Evaluation;

/// <summary>The loss and metrics of a model on a dataset, from <see cref="Evaluator.Evaluate"/>.</summary>
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
    /// A readable report: loss and accuracy, then (for classification) scikit-learn's classification report and the
    /// confusion matrix.
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
