using NetGen.Evaluation;

namespace NetGen.Runtime.Tests.Evaluation;

/// <summary>
/// <see cref="Metrics"/> on hand-computed cases, against brute-force definitions (pairwise ROC AUC, precision and
/// recall recounted at every threshold), and on its edge cases. The comparison with scikit-learn itself is in
/// NetGen.Interop.Tests (SklearnMetricsTests).
/// </summary>
public class MetricsTests
{
    private const int Digits = 12;

    // scikit-learn's docstring example: average_precision_score → 0.83…, roc_auc_score → 0.75.
    private static readonly int[] s_labels = [0, 0, 1, 1];
    private static readonly float[] s_scores = [0.1f, 0.4f, 0.35f, 0.8f];

    [Fact]
    public void Scikit_learn_docstring_example()
    {
        Assert.Equal(0.75, Metrics.RocAuc(s_scores, s_labels), Digits);
        Assert.Equal(0.5 * 1 + 0.5 * (2.0 / 3), Metrics.AveragePrecision(s_scores, s_labels), Digits);

        PrecisionRecallCurve curve = Metrics.PrecisionRecallCurve(s_scores, s_labels);
        Assert.Equal([0.1f, 0.35f, 0.4f, 0.8f], curve.Thresholds.ToArray());
        double[] precision = [0.5, 2.0 / 3, 0.5, 1, 1];
        double[] recall = [1, 1, 0.5, 0.5, 0];
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(precision[i], curve.Precision[i], Digits);
            Assert.Equal(recall[i], curve.Recall[i], Digits);
        }
    }

    [Fact]
    public void Tied_scores_make_a_diagonal_step_counted_half()
    {
        Assert.Equal(0.5, Metrics.RocAuc([0.5f, 0.5f, 0.5f, 0.5f], [0, 1, 0, 1]), Digits);
        Assert.Equal(0.5, Metrics.AveragePrecision([0.5f, 0.5f, 0.5f, 0.5f], [0, 1, 0, 1]), Digits);
        // Positives 0.2 and 0.9 against a negative 0.2: one pair won, one tied → (1 + ½) / 2.
        Assert.Equal(0.75, Metrics.RocAuc([0.2f, 0.2f, 0.9f], [0, 1, 1]), Digits);
        // −0 and +0 are one threshold.
        Assert.Equal(0.5, Metrics.RocAuc([-0f, 0f], [1, 0]), Digits);
        Assert.Single(Metrics.PrecisionRecallCurve([-0f, 0f], [1, 0]).Thresholds.ToArray());
    }

    [Theory]
    [InlineData(1, 0, false)]
    [InlineData(2, 3, false)]
    [InlineData(3, 10, true)]
    [InlineData(4, 0, true)]
    public void Ranking_metrics_equal_their_brute_force_definitions(int seed, int levels, bool weighted)
    {
        var random = new Random(seed);
        int n = 60;
        var scores = new float[n];
        var labels = new int[n];
        double[]? weights = weighted ? new double[n] : null;
        for (int i = 0; i < n; i++)
        {
            labels[i] = i < 2 ? i : random.Next(2);
            double s = random.NextDouble() + labels[i] * 0.3;
            scores[i] = (float)(levels > 0 ? Math.Round(s * levels) / levels : s);
            if (weights is not null) weights[i] = i < 2 ? 1 : random.Next(4) == 0 ? 0 : random.NextDouble() * 2;
        }
        double W(int i) => weights?[i] ?? 1;

        // ROC AUC = P(score of a positive > score of a negative) + ½ P(equal), pairs weighted by both weights.
        double won = 0, pairs = 0;
        for (int p = 0; p < n; p++)
        {
            if (labels[p] != 1) continue;
            for (int q = 0; q < n; q++)
            {
                if (labels[q] != 0) continue;
                double w = W(p) * W(q);
                pairs += w;
                if (scores[p] > scores[q]) won += w;
                else if (scores[p] == scores[q]) won += w / 2;
            }
        }
        Assert.Equal(won / pairs, Metrics.RocAuc(scores, labels, weights), Digits);

        // Average precision and the curve: recount precision and recall at every distinct score of non-zero weight.
        float[] thresholds = Enumerable.Range(0, n).Where(i => W(i) != 0).Select(i => scores[i]).Distinct().Order().ToArray();
        PrecisionRecallCurve curve = Metrics.PrecisionRecallCurve(scores, labels, weights);
        Assert.Equal(thresholds, curve.Thresholds.ToArray());
        double positives = Enumerable.Range(0, n).Where(i => labels[i] == 1).Sum(W);
        double ap = 0, previousRecall = 0;
        for (int t = thresholds.Length - 1; t >= 0; t--)
        {
            double tp = 0, predicted = 0;
            for (int i = 0; i < n; i++)
            {
                if (scores[i] < thresholds[t]) continue;
                predicted += W(i);
                if (labels[i] == 1) tp += W(i);
            }
            double precision = tp / predicted, recall = tp / positives;
            Assert.Equal(precision, curve.Precision[t], Digits);
            Assert.Equal(recall, curve.Recall[t], Digits);
            BinaryScores at = Metrics.AtThreshold(scores, labels, thresholds[t], weights);
            Assert.Equal(precision, at.Precision, Digits);
            Assert.Equal(recall, at.Recall, Digits);
            ap += (recall - previousRecall) * precision;
            previousRecall = recall;
        }
        Assert.Equal(ap, Metrics.AveragePrecision(scores, labels, weights), Digits);
    }

    [Fact]
    public void One_vs_rest_is_the_mean_of_the_binary_metric_of_each_column()
    {
        var random = new Random(7);
        int n = 40, classes = 4;
        var scores = new float[n * classes];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % classes;
            for (int j = 0; j < classes; j++) scores[i * classes + j] = (float)Math.Round(random.NextDouble() + (j == labels[i] ? 0.5 : 0), 1);
        }
        double roc = 0, ap = 0;
        for (int c = 0; c < classes; c++)
        {
            float[] column = Enumerable.Range(0, n).Select(i => scores[i * classes + c]).ToArray();
            int[] isC = labels.Select(l => l == c ? 1 : 0).ToArray();
            roc += Metrics.RocAuc(column, isC) / classes;
            ap += Metrics.AveragePrecision(column, isC) / classes;
        }
        Assert.Equal(roc, Metrics.RocAucOneVsRest(scores, labels, classes), Digits);
        Assert.Equal(ap, Metrics.AveragePrecisionOneVsRest(scores, labels, classes), Digits);
    }

    [Fact]
    public void Precision_recall_and_F1_at_a_threshold_count_scores_at_the_threshold_as_positive()
    {
        BinaryScores at = Metrics.AtThreshold(s_scores, s_labels, 0.35f);
        Assert.Equal((2.0, 1.0, 0.0, 1.0), (at.TruePositives, at.FalsePositives, at.FalseNegatives, at.TrueNegatives));
        Assert.Equal(2.0 / 3, at.Precision, Digits);
        Assert.Equal(1.0, at.Recall, Digits);
        Assert.Equal(0.8, at.F1, Digits);

        BinaryScores none = Metrics.AtThreshold(s_scores, s_labels, 0.9f); // nothing predicted positive: 0/0 → 0
        Assert.Equal((0.0, 0.0, 0.0), (none.Precision, none.Recall, none.F1));
        Assert.Equal(0.0, Metrics.AtThreshold([0.2f, 0.7f], [0, 0], 0.5f).Recall); // no positive at all: allowed, 0
        Assert.Equal(0.4, Metrics.AtThreshold(s_scores, s_labels, 0.35f, [1, 3, 2, 0]).Precision, Digits); // weighted: 2 / (2 + 3)
    }

    [Fact]
    public void Threshold_for_a_target_precision_is_the_lowest_reaching_it_and_for_a_recall_the_highest()
    {
        PrecisionRecallCurve curve = Metrics.PrecisionRecallCurve(s_scores, s_labels);
        // Thresholds 0.1, 0.35, 0.4, 0.8 have precision 0.5, 0.667, 0.5, 1 and recall 1, 1, 0.5, 0.5.
        Point(0.35f, 2.0 / 3, 1, curve.ForPrecision(0.6)!.Value);
        Point(0.8f, 1, 0.5, curve.ForPrecision(0.9)!.Value);
        Point(0.1f, 0.5, 1, curve.ForPrecision(0)!.Value);
        Point(0.8f, 1, 0.5, curve.ForRecall(0.5));
        Point(0.35f, 2.0 / 3, 1, curve.ForRecall(0.75));
        Point(0.35f, 2.0 / 3, 1, curve.ForRecall(1));
        Assert.Equal(2.0 / 3, curve.ForRecall(0.5).F1, Digits); // 2·1·0.5 / 1.5

        // Unreachable precision: the only positive scores lowest.
        Assert.Null(Metrics.PrecisionRecallCurve([0.2f, 0.9f], [1, 0]).ForPrecision(0.6));
        Assert.Throws<ArgumentOutOfRangeException>(() => curve.ForPrecision(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => curve.ForRecall(double.NaN));

        static void Point(float threshold, double precision, double recall, OperatingPoint actual)
        {
            Assert.Equal(threshold, actual.Threshold);
            Assert.Equal(precision, actual.Precision, Digits);
            Assert.Equal(recall, actual.Recall, Digits);
        }
    }

    [Fact]
    public void Top_k_ranks_tied_classes_with_the_larger_index_first_as_scikit_learn()
    {
        float[] scores = [0.4f, 0.4f, 0.2f];
        Assert.Equal(0.0, Metrics.TopKAccuracy(scores, [0], 3, 1)); // class 1 ties and ranks first
        Assert.Equal(1.0, Metrics.TopKAccuracy(scores, [1], 3, 1));
        Assert.Equal(1.0, Metrics.TopKAccuracy(scores, [0], 3, 2));
        Assert.Equal(0.0, Metrics.TopKAccuracy(scores, [2], 3, 2));
        Assert.Equal(1.0, Metrics.TopKAccuracy(scores, [2], 3, 3));
        Assert.Equal(1.0, Metrics.TopKAccuracy(scores, [2], 3, 7)); // k ≥ classes: every sample is a hit

        // Two samples, weighted 1 and 3: the second is a top-1 hit.
        Assert.Equal(0.75, Metrics.TopKAccuracy([0.1f, 0.9f, 0.8f, 0.2f], [0, 0], 2, 1, [1, 3]), Digits);
        Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.TopKAccuracy(scores, [0], 3, 0));
    }

    [Fact]
    public void Regression_metrics_average_each_output_uniformly()
    {
        // Outputs (1, 2), (3, 4) against targets (0, 0), (3, 1).
        float[] predictions = [1, 2, 3, 4], targets = [0, 0, 3, 1];
        var perOutput = new double[2];
        Assert.Equal(1.5, Metrics.MeanAbsoluteError(predictions, targets, 2, perOutput), Digits);
        Assert.Equal([0.5, 2.5], perOutput);
        Assert.Equal((Math.Sqrt(0.5) + Math.Sqrt(6.5)) / 2, Metrics.RootMeanSquaredError(predictions, targets, 2, perOutput), Digits);
        Assert.Equal((1 - 1 / 4.5 + 1 - 13 / 0.5) / 2, Metrics.R2(predictions, targets, 2, perOutput), Digits);
        Assert.Equal(1 - 1 / 4.5, perOutput[0], Digits);
        // One output: the overall mean; RMSE of one output is the square root of the MSE.
        Assert.Equal(1.5, Metrics.MeanAbsoluteError(predictions, targets, 1), Digits);
        Assert.Equal(Math.Sqrt((1 + 4 + 0 + 9) / 4.0), Metrics.RootMeanSquaredError(predictions, targets, 1), Digits);
    }

    [Fact]
    public void R2_of_a_constant_target_is_1_when_predicted_exactly_and_0_otherwise_and_NaN_below_two_samples()
    {
        Assert.Equal(1.0, Metrics.R2([-2f, -2f, -2f], [-2f, -2f, -2f], 1));
        Assert.Equal(0.0, Metrics.R2([-2f, -2f, -1.5f], [-2f, -2f, -2f], 1));
        var perOutput = new double[2];
        // Output 0 constant and exact (1); output 1 targets 5, 6 predicted 5.5, 6: 1 − 0.25 / 0.5.
        Assert.Equal(0.75, Metrics.R2([0.1f, 5.5f, 0.1f, 6f], [0.1f, 5f, 0.1f, 6f], 2, perOutput), Digits);
        Assert.Equal([1.0, 0.5], perOutput);
        Assert.True(double.IsNaN(Metrics.R2([1f, 2f], [1f, 3f], 2)));
        Assert.Equal(0.5, Metrics.MeanAbsoluteError([1f, 2f], [1f, 3f], 2), Digits); // MAE and RMSE are defined for one sample
    }

    [Fact]
    public void Only_one_class_present_is_a_clear_error()
    {
        string roc = Assert.Throws<ArgumentException>(() => Metrics.RocAuc([0.1f, 0.9f], [1, 1])).Message;
        Assert.Contains("Only one class is present", roc);
        Assert.Contains("label 1", roc);
        Assert.Contains("label 0", Assert.Throws<ArgumentException>(() => Metrics.RocAuc([0.1f, 0.9f], [0, 0])).Message);
        // Zero weight on every negative leaves one class too.
        Assert.Contains("Only one class", Assert.Throws<ArgumentException>(() => Metrics.RocAuc([0.1f, 0.9f], [0, 1], [0, 1])).Message);
        Assert.Contains("No sample of non-zero weight has label 1", Assert.Throws<ArgumentException>(() => Metrics.AveragePrecision([0.1f, 0.9f], [0, 0])).Message);
        Assert.Contains("No sample", Assert.Throws<ArgumentException>(() => Metrics.PrecisionRecallCurve([0.1f, 0.9f], [0, 0])).Message);
        Assert.Equal(1.0, Metrics.AveragePrecision([0.1f, 0.9f], [1, 1])); // every label 1: defined, as in scikit-learn

        string ovr = Assert.Throws<ArgumentException>(() => Metrics.RocAucOneVsRest([0.5f, 0.3f, 0.2f, 0.1f, 0.8f, 0.1f], [0, 1], 3)).Message;
        Assert.Contains("Class 2 has no sample", ovr);
        Assert.Contains("Class 2", Assert.Throws<ArgumentException>(() => Metrics.AveragePrecisionOneVsRest([0.5f, 0.3f, 0.2f, 0.1f, 0.8f, 0.1f], [0, 1], 3)).Message);
    }

    [Fact]
    public void Empty_mismatched_NaN_and_out_of_range_inputs_are_refused_naming_what_is_wrong()
    {
        Assert.Contains("no samples", Assert.Throws<ArgumentException>(() => Metrics.RocAuc([], [])).Message);
        Assert.Contains("no samples", Assert.Throws<ArgumentException>(() => Metrics.RocAucOneVsRest([], [], 3)).Message);
        Assert.Contains("no samples", Assert.Throws<ArgumentException>(() => Metrics.TopKAccuracy([], [], 3, 1)).Message);
        Assert.Contains("no samples", Assert.Throws<ArgumentException>(() => Metrics.R2([], [], 2)).Message);
        Assert.Contains("3 labels for 2 scores", Assert.Throws<ArgumentException>(() => Metrics.RocAuc([0.1f, 0.2f], [0, 1, 0])).Message);
        Assert.Contains("5 scores for 2 samples of 3 classes", Assert.Throws<ArgumentException>(() => Metrics.RocAucOneVsRest(new float[5], [0, 1], 3)).Message);
        Assert.Contains("1 sample weights for 2 samples", Assert.Throws<ArgumentException>(() => Metrics.RocAuc([0.1f, 0.2f], [0, 1], [1.0])).Message);
        Assert.Contains("3 targets for 4 predictions", Assert.Throws<ArgumentException>(() => Metrics.MeanAbsoluteError(new float[4], new float[3], 2)).Message);
        Assert.Contains("not a whole number of samples", Assert.Throws<ArgumentException>(() => Metrics.R2(new float[5], new float[5], 2)).Message);
        Assert.Contains("perOutput has 1", Assert.Throws<ArgumentException>(() => Metrics.R2(new float[4], new float[4], 2, new double[1])).Message);

        Assert.Contains("Score 1 is NaN", Assert.Throws<ArgumentException>(() => Metrics.RocAuc([0.1f, float.NaN, 0.3f], [0, 1, 1])).Message);
        Assert.Contains("Score 1 is NaN", Assert.Throws<ArgumentException>(() => Metrics.AtThreshold([0.1f, float.NaN], [0, 1], 0.5f)).Message);
        Assert.Contains("Score 4 is NaN", Assert.Throws<ArgumentException>(() => Metrics.RocAucOneVsRest([0.5f, 0.5f, 0.5f, 0.5f, float.NaN, 0.5f], [0, 1, 0], 2)).Message);
        Assert.Contains("Score 3 is NaN", Assert.Throws<ArgumentException>(() => Metrics.TopKAccuracy([0.5f, 0.5f, 0.5f, float.NaN], [0, 0], 2, 1)).Message);
        Assert.Contains("threshold is NaN", Assert.Throws<ArgumentException>(() => Metrics.AtThreshold([0.1f], [0], float.NaN)).Message);
        Assert.Contains("predictions[1] (sample 0, output 1) is NaN", Assert.Throws<ArgumentException>(() => Metrics.R2([1f, float.NaN], [1f, 2f], 2)).Message);
        Assert.Contains("targets[0] (sample 0, output 0) is ", Assert.Throws<ArgumentException>(() => Metrics.MeanAbsoluteError([1f], [float.PositiveInfinity], 1)).Message);

        Assert.Contains("Label 2 of sample 1 is not 0 or 1", Assert.Throws<ArgumentException>(() => Metrics.RocAuc([0.1f, 0.2f], [0, 2])).Message);
        Assert.Contains("Label 3 of sample 0 is not a class of 3", Assert.Throws<ArgumentException>(() => Metrics.TopKAccuracy(new float[3], [3], 3, 1)).Message);
        Assert.Contains("Label -1 of sample 1", Assert.Throws<ArgumentException>(() => Metrics.RocAucOneVsRest(new float[4], [0, -1], 2)).Message);
        Assert.Contains("Sample weight 1 is -1", Assert.Throws<ArgumentException>(() => Metrics.RocAuc([0.1f, 0.2f], [0, 1], [1, -1])).Message);
        Assert.Contains("Sample weight 0 is NaN", Assert.Throws<ArgumentException>(() => Metrics.AveragePrecision([0.1f, 0.2f], [0, 1], [double.NaN, 1])).Message);
        Assert.Contains("Every sample weight is zero", Assert.Throws<ArgumentException>(() => Metrics.TopKAccuracy([0.1f, 0.2f], [0], 2, 1, [0.0])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.RocAucOneVsRest([0.1f], [0], 1));
    }

    [Fact]
    public void Infinite_scores_rank_like_any_other()
        => Assert.Equal(1.0, Metrics.RocAuc([float.NegativeInfinity, 0f, float.PositiveInfinity], [0, 1, 1]));

    [Fact]
    public void Metrics_allocate_nothing_once_warm()
    {
        var random = new Random(3);
        int n = 2000, classes = 5;
        float[] scores = Enumerable.Range(0, n * classes).Select(_ => (float)random.NextDouble()).ToArray();
        int[] labels = Enumerable.Range(0, n).Select(i => i % classes).ToArray();
        int[] binary = labels.Select(l => l == 0 ? 1 : 0).ToArray();
        float[] column = scores.AsSpan(0, n).ToArray();
        double[] weights = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        double[] perOutput = new double[classes];
        double sink = 0;
        void All()
        {
            sink += Metrics.RocAuc(column, binary, weights) + Metrics.AveragePrecision(column, binary);
            sink += Metrics.RocAucOneVsRest(scores, labels, classes) + Metrics.AveragePrecisionOneVsRest(scores, labels, classes, weights);
            sink += Metrics.TopKAccuracy(scores, labels, classes, 2) + Metrics.AtThreshold(column, binary, 0.5f).F1;
            sink += Metrics.R2(scores, scores, classes) + Metrics.R2(scores, scores, classes, perOutput);
            sink += Metrics.MeanAbsoluteError(scores, scores, classes) + Metrics.RootMeanSquaredError(scores, scores, classes);
        }
        All();
        long before = GC.GetAllocatedBytesForCurrentThread();
        All();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{allocated} bytes allocated");
        Assert.False(double.IsNaN(sink));
    }
}
