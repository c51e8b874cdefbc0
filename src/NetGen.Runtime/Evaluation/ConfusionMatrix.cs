using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetGen.Evaluation;

/// <summary>
/// Counts of (true class, predicted class) pairs, with the per-class and averaged metrics of
/// scikit-learn's <c>classification_report</c> (<c>zero_division=0</c>: a ratio with a zero denominator is 0).
/// </summary>
/// <remarks>
/// Rows are true classes, columns predicted classes. The macro and weighted averages are taken over the
/// <em>present</em> classes — those that occur in the truth or in the predictions — as scikit-learn does when it is not
/// given an explicit label list; a class with neither support nor predictions (e.g. a class the data never contains)
/// does not pull the macro average down.
/// </remarks>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    /// <summary>An empty matrix for <paramref name="classCount"/> classes.</summary>
    public ConfusionMatrix(int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        ClassCount = classCount;
        _counts = new long[checked(classCount * classCount)];
    }

    /// <summary>A matrix with the given counts: <c>counts[true, predicted]</c>.</summary>
    public ConfusionMatrix(long[,] counts)
        : this(SquareSize(counts))
    {
        for (int t = 0; t < ClassCount; t++)
            for (int p = 0; p < ClassCount; p++)
            {
                long c = counts[t, p];
                if (c < 0) throw new ArgumentException($"Count [{t}, {p}] is negative.", nameof(counts));
                _counts[t * ClassCount + p] = c;
                Total += c;
            }
    }

    /// <summary>Counts pairs of true and predicted classes.</summary>
    /// <param name="actual">The true class of each sample.</param>
    /// <param name="predicted">The predicted class of each sample.</param>
    /// <param name="classCount">The number of classes; 0 means one more than the largest class seen.</param>
    public static ConfusionMatrix FromPredictions(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted, int classCount = 0)
    {
        if (actual.Length != predicted.Length)
            throw new ArgumentException($"{actual.Length} true classes but {predicted.Length} predictions.", nameof(predicted));
        ArgumentOutOfRangeException.ThrowIfNegative(classCount);
        if (classCount == 0)
        {
            int max = 0;
            foreach (int c in actual) max = Math.Max(max, c);
            foreach (int c in predicted) max = Math.Max(max, c);
            classCount = max + 1;
        }
        var matrix = new ConfusionMatrix(classCount);
        for (int i = 0; i < actual.Length; i++) matrix.Add(actual[i], predicted[i]);
        return matrix;
    }

    /// <summary>The number of classes (rows and columns).</summary>
    public int ClassCount { get; }

    /// <summary>The number of samples counted.</summary>
    public long Total { get; private set; }

    /// <summary>How many samples of class <paramref name="actual"/> were predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted]
    {
        get
        {
            CheckClass(actual, nameof(actual));
            CheckClass(predicted, nameof(predicted));
            return _counts[actual * ClassCount + predicted];
        }
    }

    /// <summary>Counts one sample.</summary>
    public void Add(int actual, int predicted)
    {
        CheckClass(actual, nameof(actual));
        CheckClass(predicted, nameof(predicted));
        _counts[actual * ClassCount + predicted]++;
        Total++;
    }

    /// <summary>Samples whose prediction is right (the diagonal).</summary>
    public long Correct
    {
        get
        {
            long sum = 0;
            for (int c = 0; c < ClassCount; c++) sum += _counts[c * ClassCount + c];
            return sum;
        }
    }

    /// <summary>The fraction of samples predicted right (0 when empty).</summary>
    public double Accuracy => Ratio(Correct, Total);

    /// <summary>Samples of class <paramref name="c"/> (row sum).</summary>
    public long Support(int c)
    {
        CheckClass(c, nameof(c));
        long sum = 0;
        for (int p = 0; p < ClassCount; p++) sum += _counts[c * ClassCount + p];
        return sum;
    }

    /// <summary>Samples predicted as class <paramref name="c"/> (column sum).</summary>
    public long PredictedCount(int c)
    {
        CheckClass(c, nameof(c));
        long sum = 0;
        for (int t = 0; t < ClassCount; t++) sum += _counts[t * ClassCount + c];
        return sum;
    }

    /// <summary>True when class <paramref name="c"/> occurs in the truth or in the predictions.</summary>
    public bool IsPresent(int c) => Support(c) > 0 || PredictedCount(c) > 0;

    /// <summary>TP / (TP + FP): of the samples predicted as <paramref name="c"/>, the fraction that are <paramref name="c"/>.</summary>
    public double Precision(int c) => Ratio(this[c, c], PredictedCount(c));

    /// <summary>TP / (TP + FN): of the samples of class <paramref name="c"/>, the fraction predicted as <paramref name="c"/>.</summary>
    public double Recall(int c) => Ratio(this[c, c], Support(c));

    /// <summary>The harmonic mean of precision and recall, 2·TP / (2·TP + FP + FN).</summary>
    public double F1(int c)
    {
        long tp = this[c, c];
        long fp = PredictedCount(c) - tp, fn = Support(c) - tp;
        return Ratio(2 * tp, 2 * tp + fp + fn);
    }

    /// <summary>The unweighted mean precision over the present classes.</summary>
    public double MacroPrecision => Macro(Metric.Precision);

    /// <summary>The unweighted mean recall over the present classes.</summary>
    public double MacroRecall => Macro(Metric.Recall);

    /// <summary>The unweighted mean F1 over the present classes.</summary>
    public double MacroF1 => Macro(Metric.F1);

    /// <summary>The mean precision weighted by support.</summary>
    public double WeightedPrecision => Weighted(Metric.Precision);

    /// <summary>The mean recall weighted by support (equal to <see cref="Accuracy"/>).</summary>
    public double WeightedRecall => Weighted(Metric.Recall);

    /// <summary>The mean F1 weighted by support.</summary>
    public double WeightedF1 => Weighted(Metric.F1);

    /// <summary>
    /// A text report like scikit-learn's <c>classification_report</c>: precision, recall, F1 and support per present
    /// class, then accuracy, macro and weighted averages.
    /// </summary>
    /// <param name="classNames">Names by class index; missing names fall back to the index.</param>
    /// <param name="digits">Digits after the decimal point.</param>
    public string RenderReport(IReadOnlyList<string>? classNames = null, int digits = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        const string WeightedLabel = "weighted avg";
        int width = WeightedLabel.Length;
        for (int c = 0; c < ClassCount; c++)
            if (IsPresent(c)) width = Math.Max(width, Name(classNames, c).Length);
        int column = Math.Max(9, digits + 2);
        string number = "F" + digits.ToString(CultureInfo.InvariantCulture);
        CultureInfo inv = CultureInfo.InvariantCulture;

        var sb = new StringBuilder();
        sb.Append(' ', width + 1);
        foreach (string header in new[] { "precision", "recall", "f1-score", "support" })
            sb.Append(' ').Append(header.PadLeft(column));
        sb.Append('\n').Append('\n');

        for (int c = 0; c < ClassCount; c++)
        {
            if (!IsPresent(c)) continue;
            Row(sb, Name(classNames, c), width, column, number, Precision(c), Recall(c), F1(c), Support(c));
        }
        sb.Append('\n');
        sb.Append("accuracy".PadLeft(width)).Append(' ')
          .Append(' ', 2 * (column + 1))
          .Append(' ').Append(Accuracy.ToString(number, inv).PadLeft(column))
          .Append(' ').Append(Total.ToString(inv).PadLeft(column)).Append('\n');
        Row(sb, "macro avg", width, column, number, MacroPrecision, MacroRecall, MacroF1, Total);
        Row(sb, WeightedLabel, width, column, number, WeightedPrecision, WeightedRecall, WeightedF1, Total);
        return sb.ToString();
    }

    /// <summary>The matrix as aligned text: rows are true classes, columns predicted classes (by index).</summary>
    /// <param name="classNames">Names by class index, shown after the row index.</param>
    public string Render(IReadOnlyList<string>? classNames = null)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        var rowLabels = new string[ClassCount];
        int labelWidth = 0;
        for (int c = 0; c < ClassCount; c++)
        {
            string index = c.ToString(inv);
            string? name = classNames is not null && c < classNames.Count ? classNames[c] : null;
            rowLabels[c] = string.IsNullOrEmpty(name) || name == index ? index : index + " " + name;
            labelWidth = Math.Max(labelWidth, rowLabels[c].Length);
        }
        int cell = (ClassCount - 1).ToString(inv).Length;
        foreach (long n in _counts) cell = Math.Max(cell, n.ToString(inv).Length);
        cell += 2;

        var sb = new StringBuilder();
        sb.Append("Confusion matrix (rows: true class, columns: predicted class)\n");
        sb.Append(' ', labelWidth);
        for (int p = 0; p < ClassCount; p++) sb.Append(p.ToString(inv).PadLeft(cell));
        sb.Append('\n');
        for (int t = 0; t < ClassCount; t++)
        {
            sb.Append(rowLabels[t].PadRight(labelWidth));
            for (int p = 0; p < ClassCount; p++) sb.Append(_counts[t * ClassCount + p].ToString(inv).PadLeft(cell));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The report followed by the matrix.</summary>
    public override string ToString() => RenderReport() + "\n" + Render();

    private enum Metric { Precision, Recall, F1 }

    private double Value(Metric metric, int c) => metric switch
    {
        Metric.Precision => Precision(c),
        Metric.Recall => Recall(c),
        _ => F1(c),
    };

    private double Macro(Metric metric)
    {
        double sum = 0;
        int present = 0;
        for (int c = 0; c < ClassCount; c++)
        {
            if (!IsPresent(c)) continue;
            sum += Value(metric, c);
            present++;
        }
        return present == 0 ? 0 : sum / present;
    }

    private double Weighted(Metric metric)
    {
        if (Total == 0) return 0;
        double sum = 0;
        for (int c = 0; c < ClassCount; c++)
        {
            long support = Support(c);
            if (support != 0) sum += Value(metric, c) * support;
        }
        return sum / Total;
    }

    private static void Row(StringBuilder sb, string label, int width, int column, string number, double precision, double recall, double f1, long support)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        sb.Append(label.PadLeft(width)).Append(' ')
          .Append(' ').Append(precision.ToString(number, inv).PadLeft(column))
          .Append(' ').Append(recall.ToString(number, inv).PadLeft(column))
          .Append(' ').Append(f1.ToString(number, inv).PadLeft(column))
          .Append(' ').Append(support.ToString(inv).PadLeft(column)).Append('\n');
    }

    private static string Name(IReadOnlyList<string>? classNames, int c)
        => classNames is not null && c < classNames.Count && !string.IsNullOrEmpty(classNames[c])
            ? classNames[c]
            : c.ToString(CultureInfo.InvariantCulture);

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;

    private static int SquareSize(long[,] counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int n = counts.GetLength(0);
        if (n == 0 || counts.GetLength(1) != n)
            throw new ArgumentException($"The counts must be a non-empty square matrix; got {counts.GetLength(0)}×{counts.GetLength(1)}.", nameof(counts));
        return n;
    }

    private void CheckClass(int c, string paramName)
    {
        if ((uint)c >= (uint)ClassCount)
            throw new ArgumentOutOfRangeException(paramName, c, $"Class {c} is outside the matrix's {ClassCount} classes.");
    }
}
