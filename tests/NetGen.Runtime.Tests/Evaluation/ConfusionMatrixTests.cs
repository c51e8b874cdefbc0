using NetGen.Evaluation;

namespace NetGen.Runtime.Tests.Evaluation;

public class ConfusionMatrixTests
{
    private const int Digits = 12;

    // Rows = true class, columns = predicted class.
    // Class 2 ("bird") is never predicted; class 3 ("fish") never occurs in the truth but is predicted once.
    private static readonly long[,] Counts =
    {
        { 3, 1, 0, 1 },
        { 1, 2, 0, 0 },
        { 1, 1, 0, 0 },
        { 0, 0, 0, 0 },
    };

    private static readonly string[] Names = ["cat", "dog", "bird", "fish"];

    [Fact]
    public void Per_class_metrics_match_hand_computed_values()
    {
        var m = new ConfusionMatrix(Counts);

        Assert.Equal(4, m.ClassCount);
        Assert.Equal(10, m.Total);
        Assert.Equal(5, m.Correct);
        Assert.Equal(0.5, m.Accuracy, Digits);
        Assert.Equal([5L, 3, 2, 0], Enumerable.Range(0, 4).Select(m.Support));
        Assert.Equal([5L, 4, 0, 1], Enumerable.Range(0, 4).Select(m.PredictedCount));

        // cat: TP 3, FP 2, FN 2.
        Assert.Equal(0.6, m.Precision(0), Digits);
        Assert.Equal(0.6, m.Recall(0), Digits);
        Assert.Equal(0.6, m.F1(0), Digits);
        // dog: TP 2, FP 2, FN 1.
        Assert.Equal(0.5, m.Precision(1), Digits);
        Assert.Equal(2.0 / 3, m.Recall(1), Digits);
        Assert.Equal(4.0 / 7, m.F1(1), Digits);
        // bird, never predicted: precision 0/0 → 0 (zero_division=0), recall 0/2.
        Assert.Equal(0.0, m.Precision(2));
        Assert.Equal(0.0, m.Recall(2));
        Assert.Equal(0.0, m.F1(2));
        // fish, absent from the truth: precision 0/1, recall 0/0 → 0.
        Assert.Equal(0.0, m.Precision(3));
        Assert.Equal(0.0, m.Recall(3));
        Assert.Equal(0.0, m.F1(3));
    }

    [Fact]
    public void Averages_match_hand_computed_values()
    {
        var m = new ConfusionMatrix(Counts);

        Assert.Equal((0.6 + 0.5) / 4, m.MacroPrecision, Digits);
        Assert.Equal((0.6 + 2.0 / 3) / 4, m.MacroRecall, Digits);
        Assert.Equal((0.6 + 4.0 / 7) / 4, m.MacroF1, Digits);
        Assert.Equal((0.6 * 5 + 0.5 * 3) / 10, m.WeightedPrecision, Digits);
        Assert.Equal(0.5, m.WeightedRecall, Digits);
        Assert.Equal((0.6 * 5 + 4.0 / 7 * 3) / 10, m.WeightedF1, Digits);
    }

    [Fact]
    public void A_class_absent_from_truth_and_predictions_does_not_change_the_averages()
    {
        var wide = new long[5, 5];
        for (int t = 0; t < 4; t++)
            for (int p = 0; p < 4; p++) wide[t, p] = Counts[t, p];
        var m4 = new ConfusionMatrix(Counts);
        var m5 = new ConfusionMatrix(wide);

        Assert.False(m5.IsPresent(4));
        Assert.True(m5.IsPresent(2));
        Assert.True(m5.IsPresent(3));
        Assert.Equal(m4.MacroPrecision, m5.MacroPrecision, Digits);
        Assert.Equal(m4.MacroRecall, m5.MacroRecall, Digits);
        Assert.Equal(m4.MacroF1, m5.MacroF1, Digits);
        Assert.Equal(m4.WeightedF1, m5.WeightedF1, Digits);
    }

    [Fact]
    public void From_predictions_counts_pairs()
    {
        int[] actual = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2];
        int[] predicted = [0, 0, 0, 1, 3, 0, 1, 1, 0, 1];
        var m = ConfusionMatrix.FromPredictions(actual, predicted);

        Assert.Equal(4, m.ClassCount);
        for (int t = 0; t < 4; t++)
            for (int p = 0; p < 4; p++)
                Assert.Equal(Counts[t, p], m[t, p]);

        Assert.Equal(6, ConfusionMatrix.FromPredictions(actual, predicted, classCount: 6).ClassCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => ConfusionMatrix.FromPredictions(actual, predicted, classCount: 3));
        Assert.Throws<ArgumentException>(() => ConfusionMatrix.FromPredictions(actual, predicted.AsSpan(1)));
        Assert.Throws<ArgumentException>(() => new ConfusionMatrix(new long[2, 3]));
    }

    [Fact]
    public void Empty_matrix_gives_zeros()
    {
        var m = new ConfusionMatrix(3);
        Assert.Equal(0, m.Total);
        Assert.Equal(0.0, m.Accuracy);
        Assert.Equal(0.0, m.MacroF1);
        Assert.Equal(0.0, m.WeightedF1);
    }

    [Fact]
    public void Report_is_laid_out_like_scikit_learn()
    {
        // Produced by scikit-learn's classification_report formatting code for the same matrix.
        const string Expected =
            "              precision    recall  f1-score   support\n" +
            "\n" +
            "         cat       0.60      0.60      0.60         5\n" +
            "         dog       0.50      0.67      0.57         3\n" +
            "        bird       0.00      0.00      0.00         2\n" +
            "        fish       0.00      0.00      0.00         0\n" +
            "\n" +
            "    accuracy                           0.50        10\n" +
            "   macro avg       0.28      0.32      0.29        10\n" +
            "weighted avg       0.45      0.50      0.47        10\n";

        Assert.Equal(Expected, new ConfusionMatrix(Counts).RenderReport(Names));
    }

    [Fact]
    public void Report_omits_classes_that_never_occur_and_uses_indices_without_names()
    {
        var wide = new long[5, 5];
        wide[0, 0] = 2;
        wide[4, 4] = 1;
        string report = new ConfusionMatrix(wide).RenderReport(digits: 3);

        string[] lines = report.Split('\n');
        Assert.StartsWith("           0      1.000", lines[2]);
        Assert.StartsWith("           4      1.000", lines[3]);
        Assert.Equal("", lines[4]);
        Assert.Contains("    accuracy" + new string(' ', 26) + "1.000         3\n", report);
    }

    [Fact]
    public void Matrix_renders_with_aligned_columns()
    {
        string text = new ConfusionMatrix(Counts).Render(Names);

        const string Expected =
            "Confusion matrix (rows: true class, columns: predicted class)\n" +
            "        0  1  2  3\n" +
            "0 cat   3  1  0  1\n" +
            "1 dog   1  2  0  0\n" +
            "2 bird  1  1  0  0\n" +
            "3 fish  0  0  0  0\n";
        Assert.Equal(Expected, text);
    }
}
