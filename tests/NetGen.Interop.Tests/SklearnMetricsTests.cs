using System.Text.Json;
using NetGen.Evaluation;
using Xunit.Abstractions;

namespace NetGen.Interop.Tests;

/// <summary>
/// <see cref="Metrics"/> against scikit-learn on the same predictions: seeded random cases with tied scores,
/// imbalanced labels, sample weights (some zero), 3–5 classes and multi-output regression (a constant target among
/// them), every number within 1e-9 of sklearn's and every threshold equal.
/// </summary>
public class SklearnMetricsTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-9;

    private sealed record BinaryCase(float[] Scores, int[] Labels, double[]? Weights, float[] Thresholds, double[] PrecisionTargets, double[] RecallTargets);

    private sealed record MulticlassCase(float[] Scores, int[] Labels, int Classes, double[]? Weights, int[] Ks);

    private sealed record RegressionCase(float[] Predictions, float[] Targets, int Outputs);

    [RequiresSklearnFact]
    public void Metrics_match_scikit_learn_on_seeded_random_cases()
    {
        var random = new Random(20261208);
        List<object> cases = [];
        var binary = new List<BinaryCase>
        {
            MakeBinary(random, 8, 0.5, levels: 3, weighted: false),
            MakeBinary(random, 50, 0.5, levels: 0, weighted: false),
            MakeBinary(random, 50, 0.1, levels: 10, weighted: true),
            MakeBinary(random, 400, 0.05, levels: 20, weighted: false),
            MakeBinary(random, 400, 0.9, levels: 5, weighted: true),
            MakeBinary(random, 1000, 0.3, levels: 100, weighted: true),
            MakeBinary(random, 1000, 0.5, levels: 0, weighted: true),
            MakeBinary(random, 200, 0.5, levels: 1, weighted: false), // scores 0 and 1 only: two huge ties
            MakeBinary(random, 30, 0.2, levels: 0, weighted: true, zeroWeightShare: 0.4),
        };
        var multiclass = new List<MulticlassCase>
        {
            MakeMulticlass(random, 60, 3, levels: 3, weighted: false),
            MakeMulticlass(random, 300, 4, levels: 0, weighted: true),
            MakeMulticlass(random, 500, 5, levels: 4, weighted: false),
            MakeMulticlass(random, 1000, 3, levels: 2, weighted: true),
            MakeMulticlass(random, 40, 5, levels: 1, weighted: false),
        };
        var regression = new List<RegressionCase>
        {
            MakeRegression(random, 2, 1),
            MakeRegression(random, 50, 1),
            MakeRegression(random, 100, 3),
            MakeRegression(random, 300, 4),
            MakeRegression(random, 20, 2, constantFirst: true, exactFirst: true),
            MakeRegression(random, 20, 2, constantFirst: true, exactFirst: false),
            MakeRegression(random, 1, 3),
        };
        foreach (BinaryCase c in binary)
        {
            cases.Add(new Dictionary<string, object?>
            {
                ["kind"] = "binary", ["scores"] = Doubles(c.Scores), ["labels"] = c.Labels, ["weights"] = c.Weights,
                ["thresholds"] = Doubles(c.Thresholds), ["precision_targets"] = c.PrecisionTargets, ["recall_targets"] = c.RecallTargets,
            });
        }
        foreach (MulticlassCase c in multiclass)
        {
            cases.Add(new Dictionary<string, object?>
            {
                ["kind"] = "multiclass", ["scores"] = Doubles(c.Scores), ["labels"] = c.Labels, ["classes"] = c.Classes,
                ["weights"] = c.Weights, ["ks"] = c.Ks,
            });
        }
        foreach (RegressionCase c in regression)
        {
            cases.Add(new Dictionary<string, object?>
            {
                ["kind"] = "regression", ["predictions"] = Doubles(c.Predictions), ["targets"] = Doubles(c.Targets), ["outputs"] = c.Outputs,
            });
        }

        using var directory = new TempDirectory();
        string casesPath = directory.File("cases.json"), resultsPath = directory.File("results.json");
        File.WriteAllText(casesPath, JsonSerializer.Serialize(cases));
        output.WriteLine(SklearnPython.RunScript(casesPath, resultsPath).Trim());
        using JsonDocument results = JsonDocument.Parse(File.ReadAllText(resultsPath));
        JsonElement[] expected = results.RootElement.EnumerateArray().ToArray();
        Assert.Equal(cases.Count, expected.Length);

        var worst = new Dictionary<string, double>();
        void Near(string metric, double sklearn, double ours, string where)
        {
            double difference = Math.Abs(sklearn - ours);
            if (double.IsNaN(sklearn) && double.IsNaN(ours)) difference = 0;
            worst[metric] = Math.Max(worst.GetValueOrDefault(metric), difference);
            Assert.True(difference <= Tolerance, $"{where} {metric}: sklearn {sklearn:R}, NetGen {ours:R} (difference {difference:E3})");
        }

        int at = 0;
        foreach (BinaryCase c in binary)
        {
            JsonElement e = expected[at];
            string where = $"case {at++} (binary, {c.Labels.Length} samples{(c.Weights is null ? "" : ", weighted")})";
            Near("ROC AUC", e.GetProperty("roc_auc").GetDouble(), Metrics.RocAuc(c.Scores, c.Labels, c.Weights), where);
            Near("average precision", e.GetProperty("average_precision").GetDouble(), Metrics.AveragePrecision(c.Scores, c.Labels, c.Weights), where);

            PrecisionRecallCurve curve = Metrics.PrecisionRecallCurve(c.Scores, c.Labels, c.Weights);
            double[] thresholds = Array(e, "curve_thresholds"), precision = Array(e, "curve_precision"), recall = Array(e, "curve_recall");
            Assert.Equal(thresholds, curve.Thresholds.ToArray().Select(t => (double)t).ToArray());
            Assert.Equal(precision.Length, curve.Precision.Length);
            for (int i = 0; i < precision.Length; i++)
            {
                Near("curve precision", precision[i], curve.Precision[i], $"{where} point {i}");
                Near("curve recall", recall[i], curve.Recall[i], $"{where} point {i}");
            }

            JsonElement[] scores = e.GetProperty("at_threshold").EnumerateArray().ToArray();
            for (int t = 0; t < c.Thresholds.Length; t++)
            {
                BinaryScores s = Metrics.AtThreshold(c.Scores, c.Labels, c.Thresholds[t], c.Weights);
                double[] prf = scores[t].EnumerateArray().Select(v => v.GetDouble()).ToArray();
                Near("precision at threshold", prf[0], s.Precision, $"{where} threshold {c.Thresholds[t]}");
                Near("recall at threshold", prf[1], s.Recall, $"{where} threshold {c.Thresholds[t]}");
                Near("F1 at threshold", prf[2], s.F1, $"{where} threshold {c.Thresholds[t]}");
            }

            JsonElement[] forPrecision = e.GetProperty("for_precision").EnumerateArray().ToArray();
            for (int t = 0; t < c.PrecisionTargets.Length; t++)
            {
                OperatingPoint? point = curve.ForPrecision(c.PrecisionTargets[t]);
                if (forPrecision[t].ValueKind == JsonValueKind.Null)
                {
                    Assert.Null(point);
                    continue;
                }
                Assert.NotNull(point);
                CheckPoint(forPrecision[t], point.Value, $"{where} precision ≥ {c.PrecisionTargets[t]}");
            }
            JsonElement[] forRecall = e.GetProperty("for_recall").EnumerateArray().ToArray();
            for (int t = 0; t < c.RecallTargets.Length; t++)
                CheckPoint(forRecall[t], curve.ForRecall(c.RecallTargets[t]), $"{where} recall ≥ {c.RecallTargets[t]}");
        }

        void CheckPoint(JsonElement sklearn, OperatingPoint point, string where)
        {
            double[] v = sklearn.EnumerateArray().Select(x => x.GetDouble()).ToArray();
            Assert.True(v[0] == point.Threshold, $"{where}: sklearn's curve gives threshold {v[0]:R}, NetGen {point.Threshold:R}");
            Near("picked precision", v[1], point.Precision, where);
            Near("picked recall", v[2], point.Recall, where);
        }

        foreach (MulticlassCase c in multiclass)
        {
            JsonElement e = expected[at];
            string where = $"case {at++} ({c.Classes} classes, {c.Labels.Length} samples{(c.Weights is null ? "" : ", weighted")})";
            Near("one-vs-rest ROC AUC", e.GetProperty("roc_auc").GetDouble(), Metrics.RocAucOneVsRest(c.Scores, c.Labels, c.Classes, c.Weights), where);
            Near("one-vs-rest average precision", e.GetProperty("average_precision").GetDouble(), Metrics.AveragePrecisionOneVsRest(c.Scores, c.Labels, c.Classes, c.Weights), where);
            double[] topK = Array(e, "top_k");
            for (int i = 0; i < c.Ks.Length; i++)
                Near("top-k accuracy", topK[i], Metrics.TopKAccuracy(c.Scores, c.Labels, c.Classes, c.Ks[i], c.Weights), $"{where} k = {c.Ks[i]}");
        }

        foreach (RegressionCase c in regression)
        {
            JsonElement e = expected[at];
            int n = c.Targets.Length / c.Outputs;
            string where = $"case {at++} (regression, {n} samples of {c.Outputs})";
            Near("MAE", e.GetProperty("mae").GetDouble(), Metrics.MeanAbsoluteError(c.Predictions, c.Targets, c.Outputs), where);
            Near("RMSE", e.GetProperty("rmse").GetDouble(), Metrics.RootMeanSquaredError(c.Predictions, c.Targets, c.Outputs), where);
            var perOutput = new double[c.Outputs];
            double r2 = Metrics.R2(c.Predictions, c.Targets, c.Outputs, perOutput);
            Near("R²", Nullable(e.GetProperty("r2")), r2, where);
            if (n >= 2)
            {
                double[] raw = e.GetProperty("r2_raw").EnumerateArray().Select(Nullable).ToArray();
                for (int j = 0; j < c.Outputs; j++) Near("R² per output", raw[j], perOutput[j], $"{where} output {j}");
            }
            else
            {
                Assert.True(double.IsNaN(r2), $"{where}: R² of one sample is {r2}, not NaN as sklearn's");
            }
        }

        // The constant-target cases really are the edge case: sklearn scores that output 1 (exact) and 0 (not).
        Assert.Equal(1.0, expected[binary.Count + multiclass.Count + 4].GetProperty("r2_raw")[0].GetDouble());
        Assert.Equal(0.0, expected[binary.Count + multiclass.Count + 5].GetProperty("r2_raw")[0].GetDouble());

        // The cases exercise ties: a positive and a negative share a score (ROC counts such a pair half), and the
        // top-1 rule on tied rows (larger class index first) differs from the first-maximum rule somewhere.
        Assert.Contains(binary, c => c.Scores.Where((s, i) => c.Labels[i] == 1).Intersect(c.Scores.Where((s, i) => c.Labels[i] == 0)).Any());
        Assert.Contains(multiclass, c => Metrics.TopKAccuracy(c.Scores, c.Labels, c.Classes, 1, c.Weights) != FirstMaximumAccuracy(c));

        foreach ((string metric, double difference) in worst.OrderBy(p => p.Key, StringComparer.Ordinal))
            output.WriteLine($"{metric}: max |NetGen − sklearn| = {difference:E2}");
    }

    private static double FirstMaximumAccuracy(MulticlassCase c)
    {
        double hits = 0, total = 0;
        for (int i = 0; i < c.Labels.Length; i++)
        {
            ReadOnlySpan<float> row = c.Scores.AsSpan(i * c.Classes, c.Classes);
            int best = 0;
            for (int j = 1; j < c.Classes; j++) if (row[j] > row[best]) best = j;
            double w = c.Weights?[i] ?? 1;
            if (best == c.Labels[i]) hits += w;
            total += w;
        }
        return hits / total;
    }

    private static double Nullable(JsonElement value) => value.ValueKind == JsonValueKind.Null ? double.NaN : value.GetDouble();

    private static double[] Array(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static double[] Doubles(float[] values) => values.Select(v => (double)v).ToArray();

    /// <summary>Scores that lean towards the label; with <paramref name="levels"/> > 0 rounded to that many steps, so many tie.</summary>
    private static BinaryCase MakeBinary(Random random, int n, double positiveRate, int levels, bool weighted, double zeroWeightShare = 0.1)
    {
        var labels = new int[n];
        var scores = new float[n];
        double[]? weights = weighted ? new double[n] : null;
        for (int i = 0; i < n; i++)
        {
            labels[i] = i == 0 ? 1 : i == 1 ? 0 : random.NextDouble() < positiveRate ? 1 : 0;
            double s = random.NextDouble() * 0.7 + (labels[i] == 1 ? 0.3 : 0);
            if (levels > 0) s = Math.Round(s * levels) / levels;
            scores[i] = (float)s;
            if (weights is not null) weights[i] = random.NextDouble() < zeroWeightShare ? 0 : random.NextDouble() * 3;
        }
        if (weights is not null)
        {
            weights[0] = 1; // both classes keep some weight
            weights[1] = 1;
        }
        return new BinaryCase(scores, labels, weights, [0.5f, scores[3], scores[0], 0f, 1.1f], [0, 0.5, 0.8, 0.95, 1], [0, 0.5, 0.9, 1]);
    }

    /// <summary>Softmax of logits that lean towards the label (rounded to <paramref name="levels"/> steps when > 0, so rows
    /// and columns tie); labels skewed towards class 0; every class present.</summary>
    private static MulticlassCase MakeMulticlass(Random random, int n, int classes, int levels, bool weighted)
    {
        var labels = new int[n];
        var scores = new float[n * classes];
        double[]? weights = weighted ? new double[n] : null;
        Span<double> logits = stackalloc double[classes];
        for (int i = 0; i < n; i++)
        {
            int label = i < classes ? i : random.NextDouble() < 0.5 ? 0 : random.Next(classes);
            labels[i] = label;
            double max = double.NegativeInfinity;
            for (int j = 0; j < classes; j++)
            {
                double z = random.NextDouble() * 2 + (j == label ? 1 : 0);
                if (levels > 0) z = Math.Round(z * levels) / levels;
                logits[j] = z;
                max = Math.Max(max, z);
            }
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += logits[j] = Math.Exp(logits[j] - max);
            for (int j = 0; j < classes; j++) scores[i * classes + j] = (float)(logits[j] / sum);
            if (weights is not null) weights[i] = i < classes ? 1 : random.NextDouble() < 0.1 ? 0 : random.NextDouble() * 3;
        }
        return new MulticlassCase(scores, labels, classes, weights, [1, 2, classes - 1, classes]);
    }

    /// <summary>Targets of different scales per output and noisy predictions; optionally a constant first output,
    /// predicted exactly or not.</summary>
    private static RegressionCase MakeRegression(Random random, int n, int outputs, bool constantFirst = false, bool exactFirst = false)
    {
        var targets = new float[n * outputs];
        var predictions = new float[n * outputs];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < outputs; j++)
            {
                double scale = j + 1;
                double t = (random.NextDouble() * 4 - 2) * scale;
                double p = t + (random.NextDouble() - 0.5) * scale;
                if (constantFirst && j == 0)
                {
                    t = 0.1;
                    p = exactFirst ? 0.1 : 0.1 + (random.NextDouble() - 0.5) * 0.01;
                }
                targets[i * outputs + j] = (float)t;
                predictions[i * outputs + j] = (float)p;
            }
        }
        return new RegressionCase(predictions, targets, outputs);
    }
}
