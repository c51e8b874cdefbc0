using System;
using System.Buffers;

namespace NetGen.Evaluation;

/// <summary>
/// Ranking, threshold, top-k and regression metrics over spans of model outputs, computed as scikit-learn computes
/// them (<c>roc_auc_score</c>, <c>average_precision_score</c>, <c>precision_recall_curve</c>,
/// <c>top_k_accuracy_score</c>, <c>mean_absolute_error</c>, <c>mean_squared_error(squared=False)</c>,
/// <c>r2_score</c>), for <see cref="Evaluator"/> and for anything else that holds outputs and labels (an epoch log,
/// a validation callback).
/// </summary>
/// <remarks>
/// <para>Layouts: binary scores are one float per sample (a sigmoid output, or any score where larger means "more
/// likely class 1") with labels 0 or 1; multi-class scores are <c>[samples, classCount]</c> row-major (softmax
/// outputs, or any per-class scores) with labels in <c>[0, classCount)</c>; regression predictions and targets are
/// <c>[samples, outputSize]</c> row-major.</para>
/// <para>Sample weights are optional everywhere they are taken: an empty span means every sample weighs 1. Weights
/// must be finite and non-negative; samples of weight 0 are left out, as scikit-learn leaves them out (they create
/// no threshold).</para>
/// <para>Sums are accumulated in double precision. The ranking metrics sort a copy of the scores in a buffer rented
/// from <see cref="ArrayPool{T}.Shared"/> (returned before they return), so in steady use they allocate nothing;
/// only <see cref="PrecisionRecallCurve(ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{double})"/> allocates,
/// its result.</para>
/// <para>Every metric throws <see cref="ArgumentException"/> for empty input, mismatched lengths, a NaN score or
/// prediction, a label out of range or a bad weight, naming the argument and the first offending sample. Infinite
/// scores are ranked like any other (scikit-learn refuses them); infinite regression values are refused.</para>
/// </remarks>
public static class Metrics
{
    // ------------------------------------------------------------------ ranking: binary

    /// <summary>
    /// The area under the ROC curve of binary scores, scikit-learn's <c>roc_auc_score(labels, scores,
    /// sample_weight=…)</c>: the trapezoidal rule over the (false positive rate, true positive rate) points of every
    /// distinct score, so tied scores make one diagonal step (they count half), never an arbitrary order.
    /// </summary>
    /// <param name="scores">One score per sample; larger means class 1 is more likely.</param>
    /// <param name="labels">0 or 1 per sample.</param>
    /// <param name="sampleWeights">Empty, or one weight per sample.</param>
    /// <returns>The area, in [0, 1].</returns>
    /// <exception cref="ArgumentException">Empty or mismatched input, a NaN score, a label other than 0 or 1, a bad
    /// weight, or only one class present (every label the same, or one class of zero total weight): the area is
    /// not defined then (scikit-learn raises too).</exception>
    public static double RocAuc(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, ReadOnlySpan<double> sampleWeights = default)
    {
        CheckBinary(scores, labels, sampleWeights, out double positive, out double negative);
        RequireBothClasses(positive, negative, "ROC AUC");
        return RankBinary(scores, 0, 1, labels, 1, sampleWeights, roc: true);
    }

    /// <summary>
    /// The average precision of binary scores, scikit-learn's <c>average_precision_score(labels, scores,
    /// sample_weight=…)</c>: <c>Σₙ (Rₙ − Rₙ₋₁) Pₙ</c> over the distinct scores in decreasing order, where Pₙ and Rₙ are
    /// the precision and recall of predicting class 1 for scores ≥ the n-th one. It is the step-wise area under the
    /// precision-recall curve, without interpolation (not the trapezoidal area, which is optimistic).
    /// </summary>
    /// <param name="scores">One score per sample; larger means class 1 is more likely.</param>
    /// <param name="labels">0 or 1 per sample.</param>
    /// <param name="sampleWeights">Empty, or one weight per sample.</param>
    /// <returns>The average precision, in [0, 1]; 1 when every label is 1.</returns>
    /// <exception cref="ArgumentException">Empty or mismatched input, a NaN score, a label other than 0 or 1, a bad
    /// weight, or no positive (label 1 of non-zero weight): recall is 0/0 then. scikit-learn warns and returns 0 in that
    /// case; here it is an error.</exception>
    public static double AveragePrecision(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, ReadOnlySpan<double> sampleWeights = default)
    {
        CheckBinary(scores, labels, sampleWeights, out double positive, out _);
        RequirePositives(positive, "Average precision");
        return RankBinary(scores, 0, 1, labels, 1, sampleWeights, roc: false);
    }

    // ------------------------------------------------------------------ ranking: one-vs-rest

    /// <summary>
    /// The one-vs-rest ROC AUC of multi-class scores, macro-averaged: scikit-learn's <c>roc_auc_score(labels, scores,
    /// multi_class='ovr', average='macro', sample_weight=…)</c>. Class c's area is <see cref="RocAuc"/> of column c
    /// against "label is c"; the result is the unweighted mean over the classes.
    /// </summary>
    /// <param name="scores">[samples, <paramref name="classCount"/>] row-major. scikit-learn also requires each row to
    /// sum to 1 (probabilities); any scores are accepted here, each column is ranked on its own.</param>
    /// <param name="labels">One label per sample in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">The number of classes, at least 2.</param>
    /// <param name="sampleWeights">Empty, or one weight per sample.</param>
    /// <exception cref="ArgumentException">Empty or mismatched input, a NaN score, a label out of range, a bad weight,
    /// or a class with no sample (of non-zero weight): its one-vs-rest area is not defined (scikit-learn raises when
    /// the labels hold fewer classes than the scores have columns).</exception>
    public static double RocAucOneVsRest(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int classCount, ReadOnlySpan<double> sampleWeights = default)
    {
        CheckMulticlass(scores, labels, classCount, sampleWeights, "One-vs-rest ROC AUC");
        double sum = 0;
        for (int c = 0; c < classCount; c++) sum += RankBinary(scores, c, classCount, labels, c, sampleWeights, roc: true);
        return sum / classCount;
    }

    /// <summary>
    /// The one-vs-rest average precision of multi-class scores, macro-averaged: the mean over classes c of
    /// scikit-learn's <c>average_precision_score(labels == c, scores[:, c], sample_weight=…)</c> (see
    /// <see cref="AveragePrecision"/>).
    /// </summary>
    /// <inheritdoc cref="RocAucOneVsRest" path="/param"/>
    /// <exception cref="ArgumentException">Empty or mismatched input, a NaN score, a label out of range, a bad weight,
    /// or a class with no sample (of non-zero weight): it has no positive, so its average precision is not
    /// defined.</exception>
    public static double AveragePrecisionOneVsRest(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int classCount, ReadOnlySpan<double> sampleWeights = default)
    {
        CheckMulticlass(scores, labels, classCount, sampleWeights, "One-vs-rest average precision");
        double sum = 0;
        for (int c = 0; c < classCount; c++) sum += RankBinary(scores, c, classCount, labels, c, sampleWeights, roc: false);
        return sum / classCount;
    }

    // ------------------------------------------------------------------ thresholds

    /// <summary>
    /// The precision-recall curve of binary scores, as scikit-learn's <c>precision_recall_curve(labels, scores,
    /// sample_weight=…)</c>: one point per distinct score (of a sample of non-zero weight) taken as the threshold
    /// (class 1 when score ≥ threshold), thresholds increasing, and a last point (precision 1, recall 0) without a
    /// threshold. Pick an operating point with <see cref="Evaluation.PrecisionRecallCurve.ForPrecision"/> or
    /// <see cref="Evaluation.PrecisionRecallCurve.ForRecall"/>.
    /// </summary>
    /// <param name="scores">One score per sample (a sigmoid output).</param>
    /// <param name="labels">0 or 1 per sample.</param>
    /// <param name="sampleWeights">Empty, or one weight per sample.</param>
    /// <exception cref="ArgumentException">As <see cref="AveragePrecision"/>: empty or mismatched input, a NaN score, a
    /// bad label or weight, or no positive (scikit-learn warns and sets every recall to 1 instead).</exception>
    public static PrecisionRecallCurve PrecisionRecallCurve(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, ReadOnlySpan<double> sampleWeights = default)
    {
        CheckBinary(scores, labels, sampleWeights, out double positive, out _);
        RequirePositives(positive, "The precision-recall curve");
        int n = scores.Length;
        float[] keys = ArrayPool<float>.Shared.Rent(n);
        int[] order = ArrayPool<int>.Shared.Rent(n);
        double[] tps = ArrayPool<double>.Shared.Rent(n);
        double[] fps = ArrayPool<double>.Shared.Rent(n);
        float[] descending = ArrayPool<float>.Shared.Rent(n);
        try
        {
            SortByScore(scores, 0, 1, n, keys, order);
            bool weighted = !sampleWeights.IsEmpty;
            double tp = 0, fp = 0;
            bool groupWeighs = false;
            int points = 0;
            for (int i = n - 1; i >= 0; i--)
            {
                int s = order[i];
                double w = weighted ? sampleWeights[s] : 1.0;
                if (labels[s] == 1) tp += w;
                else fp += w;
                if (w != 0) groupWeighs = true;
                if (i == 0 || keys[i - 1] != keys[i])
                {
                    if (groupWeighs)
                    {
                        // Stored from the highest threshold down; reversed below.
                        descending[points] = keys[i];
                        tps[points] = tp;
                        fps[points] = fp;
                        points++;
                    }
                    groupWeighs = false;
                }
            }
            var thresholds = new float[points];
            var precision = new double[points + 1];
            var recall = new double[points + 1];
            double total = tps[points - 1];
            for (int p = 0; p < points; p++)
            {
                int at = points - 1 - p;
                thresholds[at] = descending[p];
                double predicted = tps[p] + fps[p];
                precision[at] = predicted != 0 ? tps[p] / predicted : 0;
                recall[at] = tps[p] / total;
            }
            precision[points] = 1;
            recall[points] = 0;
            return new PrecisionRecallCurve(thresholds, precision, recall);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(keys);
            ArrayPool<int>.Shared.Return(order);
            ArrayPool<double>.Shared.Return(tps);
            ArrayPool<double>.Shared.Return(fps);
            ArrayPool<float>.Shared.Return(descending);
        }
    }

    /// <summary>
    /// Precision, recall and F1 of binary scores at a decision threshold: a sample is predicted class 1 when its score
    /// is ≥ <paramref name="threshold"/> (the rule of <see cref="PrecisionRecallCurve(ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{double})"/>);
    /// the same numbers as scikit-learn's <c>precision_score</c>, <c>recall_score</c> and <c>f1_score</c> of
    /// <c>scores &gt;= threshold</c>, with 0 where they are 0/0 (scikit-learn's <c>zero_division</c> default).
    /// </summary>
    /// <param name="scores">One score per sample (a sigmoid output).</param>
    /// <param name="labels">0 or 1 per sample; one class alone is allowed.</param>
    /// <param name="threshold">The decision threshold; not NaN.</param>
    /// <param name="sampleWeights">Empty, or one weight per sample.</param>
    public static BinaryScores AtThreshold(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, float threshold, ReadOnlySpan<double> sampleWeights = default)
    {
        if (float.IsNaN(threshold)) throw new ArgumentException("The threshold is NaN.", nameof(threshold));
        CheckBinary(scores, labels, sampleWeights, out _, out _);
        bool weighted = !sampleWeights.IsEmpty;
        double tp = 0, fp = 0, fn = 0, tn = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            double w = weighted ? sampleWeights[i] : 1.0;
            bool predicted = scores[i] >= threshold;
            if (labels[i] == 1)
            {
                if (predicted) tp += w;
                else fn += w;
            }
            else if (predicted) fp += w;
            else tn += w;
        }
        return new BinaryScores(threshold, tp, fp, fn, tn);
    }

    // ------------------------------------------------------------------ top-k

    /// <summary>
    /// The (weighted) fraction of samples whose label is among the <paramref name="k"/> classes of highest score,
    /// scikit-learn's <c>top_k_accuracy_score(labels, scores, k=k, labels=range(classCount), sample_weight=…)</c>,
    /// ties included: scikit-learn ranks by a stable ascending sort reversed, so among equal scores the class with
    /// the larger index ranks first. The label's rank is the number of classes j with <c>score[j] &gt; score[label]</c>,
    /// or <c>score[j] == score[label]</c> and <c>j &gt; label</c>; it is a hit when that rank is below k. So with
    /// k = 1 a tie is not the first-maximum rule of <see cref="EvaluationResult.Accuracy"/>: scores (0.4, 0.4, 0.2)
    /// with label 0 are a top-1 miss here and a hit there.
    /// </summary>
    /// <param name="scores">[samples, <paramref name="classCount"/>] row-major.</param>
    /// <param name="labels">One label per sample in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">The number of classes, at least 2.</param>
    /// <param name="k">How many top classes count, at least 1; k ≥ <paramref name="classCount"/> gives 1 (scikit-learn
    /// warns).</param>
    /// <param name="sampleWeights">Empty, or one weight per sample (not all zero).</param>
    public static double TopKAccuracy(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int classCount, int k, ReadOnlySpan<double> sampleWeights = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        CheckMulticlassShape(scores, labels, classCount, sampleWeights);
        bool weighted = !sampleWeights.IsEmpty;
        double hits = 0, total = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int label = labels[i];
            if ((uint)label >= (uint)classCount) throw LabelOutOfRange(i, label, classCount);
            ReadOnlySpan<float> row = scores.Slice(i * classCount, classCount);
            float own = row[label];
            if (float.IsNaN(own)) throw NaNScore(i * classCount + label);
            int rank = 0;
            for (int j = 0; j < classCount; j++)
            {
                float s = row[j];
                if (float.IsNaN(s)) throw NaNScore(i * classCount + j);
                if (s > own || (s == own && j > label)) rank++;
            }
            double w = weighted ? sampleWeights[i] : 1.0;
            if (rank < k) hits += w;
            total += w;
        }
        if (total == 0) throw new ArgumentException("Every sample weight is zero.", nameof(sampleWeights));
        return hits / total;
    }

    // ------------------------------------------------------------------ regression

    /// <summary>
    /// The mean absolute error, scikit-learn's <c>mean_absolute_error(targets, predictions)</c>: per output the mean of
    /// <c>|target − prediction|</c> over the samples, then the mean over the outputs (<c>'uniform_average'</c>).
    /// </summary>
    /// <param name="predictions">[samples, <paramref name="outputSize"/>] row-major.</param>
    /// <param name="targets">Laid out like <paramref name="predictions"/>.</param>
    /// <param name="outputSize">Outputs per sample.</param>
    /// <exception cref="ArgumentException">Empty or mismatched input, or a NaN or infinite value.</exception>
    public static double MeanAbsoluteError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int outputSize)
        => Regression(predictions, targets, outputSize, default, RegressionMetric.AbsoluteError);

    /// <summary>As <see cref="MeanAbsoluteError(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/>, writing each output's error to
    /// <paramref name="perOutput"/> (scikit-learn's <c>'raw_values'</c>) and returning their mean.</summary>
    /// <param name="predictions">[samples, <paramref name="outputSize"/>] row-major.</param>
    /// <param name="targets">Laid out like <paramref name="predictions"/>.</param>
    /// <param name="outputSize">Outputs per sample.</param>
    /// <param name="perOutput">Receives <paramref name="outputSize"/> values.</param>
    public static double MeanAbsoluteError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int outputSize, Span<double> perOutput)
        => Regression(predictions, targets, outputSize, RequireOutputs(perOutput, outputSize), RegressionMetric.AbsoluteError);

    /// <summary>
    /// The root mean squared error, scikit-learn's <c>mean_squared_error(targets, predictions, squared=False)</c>
    /// (<c>root_mean_squared_error</c> since 1.4): per output the square root of the mean squared difference, then the
    /// mean over the outputs. With several outputs this is the mean of the per-output RMSEs, not the square root of
    /// the overall mean squared error.
    /// </summary>
    /// <inheritdoc cref="MeanAbsoluteError(ReadOnlySpan{float}, ReadOnlySpan{float}, int)" path="/param"/>
    /// <exception cref="ArgumentException">Empty or mismatched input, or a NaN or infinite value.</exception>
    public static double RootMeanSquaredError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int outputSize)
        => Regression(predictions, targets, outputSize, default, RegressionMetric.SquaredError);

    /// <summary>As <see cref="RootMeanSquaredError(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/>, writing each output's
    /// RMSE to <paramref name="perOutput"/> and returning their mean.</summary>
    /// <inheritdoc cref="MeanAbsoluteError(ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{double})" path="/param"/>
    public static double RootMeanSquaredError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int outputSize, Span<double> perOutput)
        => Regression(predictions, targets, outputSize, RequireOutputs(perOutput, outputSize), RegressionMetric.SquaredError);

    /// <summary>
    /// The coefficient of determination, scikit-learn's <c>r2_score(targets, predictions)</c>
    /// (<c>multioutput='uniform_average'</c>, <c>force_finite=True</c>): per output
    /// <c>1 − Σ(target − prediction)² / Σ(target − mean target)²</c>, then the mean over the outputs. An output whose
    /// targets are all equal (zero denominator) scores 1 when it is predicted exactly and 0 otherwise, as
    /// scikit-learn's <c>force_finite</c> does. With fewer than two samples R² is not defined and the result is NaN
    /// (scikit-learn warns and returns NaN).
    /// </summary>
    /// <inheritdoc cref="MeanAbsoluteError(ReadOnlySpan{float}, ReadOnlySpan{float}, int)" path="/param"/>
    /// <exception cref="ArgumentException">Empty or mismatched input, or a NaN or infinite value.</exception>
    public static double R2(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int outputSize)
        => Regression(predictions, targets, outputSize, default, RegressionMetric.R2);

    /// <summary>As <see cref="R2(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/>, writing each output's R² to
    /// <paramref name="perOutput"/> (<c>'raw_values'</c>) and returning their mean.</summary>
    /// <inheritdoc cref="MeanAbsoluteError(ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{double})" path="/param"/>
    public static double R2(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int outputSize, Span<double> perOutput)
        => Regression(predictions, targets, outputSize, RequireOutputs(perOutput, outputSize), RegressionMetric.R2);

    // ------------------------------------------------------------------ implementation

    private enum RegressionMetric
    {
        AbsoluteError,
        SquaredError,
        R2,
    }

    /// <summary>Below this many outputs the per-output sums live on the stack.</summary>
    private const int StackOutputs = 64;

    private static double Regression(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int outputSize, Span<double> perOutput, RegressionMetric metric)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        if (targets.Length != predictions.Length)
            throw new ArgumentException($"{targets.Length} targets for {predictions.Length} predictions.", nameof(targets));
        if (predictions.Length == 0) throw new ArgumentException("There are no samples.", nameof(predictions));
        if (predictions.Length % outputSize != 0)
            throw new ArgumentException($"{predictions.Length} predictions is not a whole number of samples of {outputSize} outputs.", nameof(predictions));
        CheckFinite(predictions, nameof(predictions), outputSize);
        CheckFinite(targets, nameof(targets), outputSize);
        int n = predictions.Length / outputSize;

        double[]? rented = null;
        int need = metric == RegressionMetric.R2 ? 3 * outputSize : outputSize;
        Span<double> work = need <= StackOutputs * 3
            ? stackalloc double[StackOutputs * 3]
            : (rented = ArrayPool<double>.Shared.Rent(need));
        try
        {
            Span<double> sums = work.Slice(0, outputSize);
            sums.Clear();
            switch (metric)
            {
                case RegressionMetric.AbsoluteError:
                    for (int i = 0; i < n; i++)
                    {
                        int row = i * outputSize;
                        for (int j = 0; j < outputSize; j++) sums[j] += Math.Abs((double)targets[row + j] - predictions[row + j]);
                    }
                    for (int j = 0; j < outputSize; j++) sums[j] /= n;
                    break;

                case RegressionMetric.SquaredError:
                    for (int i = 0; i < n; i++)
                    {
                        int row = i * outputSize;
                        for (int j = 0; j < outputSize; j++)
                        {
                            double d = (double)targets[row + j] - predictions[row + j];
                            sums[j] += d * d;
                        }
                    }
                    for (int j = 0; j < outputSize; j++) sums[j] = Math.Sqrt(sums[j] / n);
                    break;

                case RegressionMetric.R2:
                {
                    if (n < 2)
                    {
                        sums.Fill(double.NaN);
                        break;
                    }
                    Span<double> mean = work.Slice(outputSize, outputSize);
                    Span<double> denominator = work.Slice(2 * outputSize, outputSize);
                    mean.Clear();
                    denominator.Clear();
                    for (int i = 0; i < n; i++)
                    {
                        int row = i * outputSize;
                        for (int j = 0; j < outputSize; j++) mean[j] += targets[row + j];
                    }
                    for (int j = 0; j < outputSize; j++) mean[j] /= n;
                    for (int i = 0; i < n; i++)
                    {
                        int row = i * outputSize;
                        for (int j = 0; j < outputSize; j++)
                        {
                            double t = targets[row + j];
                            double d = t - predictions[row + j];
                            double e = t - mean[j];
                            sums[j] += d * d;
                            denominator[j] += e * e;
                        }
                    }
                    for (int j = 0; j < outputSize; j++)
                    {
                        double numerator = sums[j];
                        sums[j] = numerator == 0 ? 1.0 : denominator[j] == 0 ? 0.0 : 1.0 - numerator / denominator[j];
                    }
                    break;
                }
            }
            double total = 0;
            for (int j = 0; j < outputSize; j++) total += sums[j];
            if (!perOutput.IsEmpty) sums.CopyTo(perOutput);
            return total / outputSize;
        }
        finally
        {
            if (rented is not null) ArrayPool<double>.Shared.Return(rented);
        }
    }

    private static Span<double> RequireOutputs(Span<double> perOutput, int outputSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        if (perOutput.Length != outputSize)
            throw new ArgumentException($"perOutput has {perOutput.Length} elements; it needs one per output ({outputSize}).", nameof(perOutput));
        return perOutput;
    }

    private static void CheckFinite(ReadOnlySpan<float> values, string name, int outputSize)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"{name}[{i}] (sample {i / outputSize}, output {i % outputSize}) is {values[i]}; the metric needs finite values.", name);
        }
    }

    /// <summary>
    /// ROC AUC (<paramref name="roc"/>) or average precision of column <paramref name="column"/> of
    /// <paramref name="scores"/> (<paramref name="stride"/> per sample) against "label is <paramref name="positiveClass"/>".
    /// The input has been checked and holds both classes (ROC) or a positive (AP).
    /// </summary>
    private static double RankBinary(ReadOnlySpan<float> scores, int column, int stride, ReadOnlySpan<int> labels, int positiveClass, ReadOnlySpan<double> sampleWeights, bool roc)
    {
        int n = labels.Length;
        float[] keys = ArrayPool<float>.Shared.Rent(n);
        int[] order = ArrayPool<int>.Shared.Rent(n);
        try
        {
            SortByScore(scores, column, stride, n, keys, order);
            bool weighted = !sampleWeights.IsEmpty;
            // Walk the scores from the highest down; at the end of each run of equal scores, (fp, tp) is the point of
            // that threshold (scikit-learn's _binary_clf_curve).
            double tp = 0, fp = 0, previousTp = 0, previousFp = 0, sum = 0;
            for (int i = n - 1; i >= 0; i--)
            {
                int s = order[i];
                double w = weighted ? sampleWeights[s] : 1.0;
                if (labels[s] == positiveClass) tp += w;
                else fp += w;
                if (i == 0 || keys[i - 1] != keys[i])
                {
                    if (roc) sum += (fp - previousFp) * (tp + previousTp); // trapezoid, × ½ below
                    else if (tp != previousTp) sum += (tp - previousTp) * (tp / (tp + fp)); // ΔR·P, ÷ total below
                    previousTp = tp;
                    previousFp = fp;
                }
            }
            // tp and fp now hold the totals, as scikit-learn's tps[-1] and fps[-1].
            return roc ? sum / (2 * tp * fp) : sum / tp;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(keys);
            ArrayPool<int>.Shared.Return(order);
        }
    }

    /// <summary>Copies column <paramref name="column"/> of the scores into <paramref name="keys"/> and sorts it ascending,
    /// carrying the sample indices in <paramref name="order"/>. Ties may come in any order: only runs of equal scores
    /// matter.</summary>
    private static void SortByScore(ReadOnlySpan<float> scores, int column, int stride, int n, float[] keys, int[] order)
    {
        for (int i = 0; i < n; i++)
        {
            float s = scores[i * stride + column];
            keys[i] = s == 0 ? 0f : s; // −0 and +0 are one threshold
            order[i] = i;
        }
        keys.AsSpan(0, n).Sort(order.AsSpan(0, n));
    }

    private static void CheckBinary(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, ReadOnlySpan<double> sampleWeights, out double positive, out double negative)
    {
        if (labels.Length != scores.Length)
            throw new ArgumentException($"{labels.Length} labels for {scores.Length} scores; binary metrics take one score per sample.", nameof(labels));
        if (scores.Length == 0) throw new ArgumentException("There are no samples.", nameof(scores));
        CheckWeights(sampleWeights, scores.Length);
        bool weighted = !sampleWeights.IsEmpty;
        positive = 0;
        negative = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (float.IsNaN(scores[i])) throw NaNScore(i);
            int label = labels[i];
            double w = weighted ? sampleWeights[i] : 1.0;
            if (label == 1) positive += w;
            else if (label == 0) negative += w;
            else throw new ArgumentException($"Label {label} of sample {i} is not 0 or 1; binary metrics take 0/1 labels (use the one-vs-rest metrics for classes).", nameof(labels));
        }
    }

    private static void CheckMulticlassShape(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int classCount, ReadOnlySpan<double> sampleWeights)
    {
        if (classCount < 2)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "Multi-class metrics need at least 2 classes.");
        if (scores.Length != (long)labels.Length * classCount)
            throw new ArgumentException($"{scores.Length} scores for {labels.Length} samples of {classCount} classes; scores are [samples, classes] row-major.", nameof(scores));
        if (labels.Length == 0) throw new ArgumentException("There are no samples.", nameof(labels));
        CheckWeights(sampleWeights, labels.Length);
    }

    private static void CheckMulticlass(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int classCount, ReadOnlySpan<double> sampleWeights, string metric)
    {
        CheckMulticlassShape(scores, labels, classCount, sampleWeights);
        for (int i = 0; i < scores.Length; i++)
            if (float.IsNaN(scores[i])) throw NaNScore(i);
        double[]? rented = null;
        Span<double> weightOfClass = classCount <= StackOutputs ? stackalloc double[StackOutputs] : (rented = ArrayPool<double>.Shared.Rent(classCount));
        try
        {
            weightOfClass = weightOfClass.Slice(0, classCount);
            weightOfClass.Clear();
            bool weighted = !sampleWeights.IsEmpty;
            for (int i = 0; i < labels.Length; i++)
            {
                int label = labels[i];
                if ((uint)label >= (uint)classCount) throw LabelOutOfRange(i, label, classCount);
                weightOfClass[label] += weighted ? sampleWeights[i] : 1.0;
            }
            for (int c = 0; c < classCount; c++)
            {
                if (weightOfClass[c] == 0)
                    throw new ArgumentException(
                        $"Class {c} has no sample{(weighted ? " of non-zero weight" : "")} among the {labels.Length}; {metric} is not defined for it (only one class is present in its one-vs-rest column).",
                        nameof(labels));
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<double>.Shared.Return(rented);
        }
    }

    private static void CheckWeights(ReadOnlySpan<double> sampleWeights, int count)
    {
        if (sampleWeights.IsEmpty) return;
        if (sampleWeights.Length != count)
            throw new ArgumentException($"{sampleWeights.Length} sample weights for {count} samples; pass one per sample, or none.", nameof(sampleWeights));
        for (int i = 0; i < sampleWeights.Length; i++)
        {
            double w = sampleWeights[i];
            if (!(w >= 0) || double.IsPositiveInfinity(w))
                throw new ArgumentException($"Sample weight {i} is {w}; weights must be finite and non-negative.", nameof(sampleWeights));
        }
    }

    private static void RequireBothClasses(double positive, double negative, string metric)
    {
        if (positive == 0 || negative == 0)
        {
            string present = positive == 0 ? "0" : "1";
            throw new ArgumentException(
                $"Only one class is present in the labels (every sample of non-zero weight has label {present}); {metric} is not defined in that case.",
                "labels");
        }
    }

    private static void RequirePositives(double positive, string metric)
    {
        if (positive == 0)
            throw new ArgumentException(
                $"No sample of non-zero weight has label 1; {metric} is not defined without positives (recall is 0/0).",
                "labels");
    }

    private static ArgumentException NaNScore(int index)
        => new($"Score {index} is NaN; ranking metrics need comparable scores (a NaN output usually means the model diverged).", "scores");

    private static ArgumentException LabelOutOfRange(int sample, int label, int classCount)
        => new($"Label {label} of sample {sample} is not a class of {classCount} (0…{classCount - 1}).", "labels");
}

/// <summary>
/// Confusion counts and scores of binary predictions at one decision threshold (class 1 when score ≥ threshold), from
/// <see cref="Metrics.AtThreshold"/>. Counts are sums of sample weights (sample counts when unweighted).
/// </summary>
/// <param name="Threshold">The decision threshold.</param>
/// <param name="TruePositives">Label 1, predicted 1.</param>
/// <param name="FalsePositives">Label 0, predicted 1.</param>
/// <param name="FalseNegatives">Label 1, predicted 0.</param>
/// <param name="TrueNegatives">Label 0, predicted 0.</param>
public readonly record struct BinaryScores(float Threshold, double TruePositives, double FalsePositives, double FalseNegatives, double TrueNegatives)
{
    /// <summary>TP / (TP + FP); 0 when nothing is predicted positive.</summary>
    public double Precision => TruePositives + FalsePositives is var p and not 0 ? TruePositives / p : 0;

    /// <summary>TP / (TP + FN); 0 when there is no positive.</summary>
    public double Recall => TruePositives + FalseNegatives is var p and not 0 ? TruePositives / p : 0;

    /// <summary>2·P·R / (P + R), the harmonic mean of precision and recall; 0 when both are 0.</summary>
    public double F1 => Precision + Recall is var s and not 0 ? 2 * Precision * Recall / s : 0;
}

/// <summary>A point of a precision-recall curve: the threshold and the precision and recall it gives.</summary>
/// <param name="Threshold">Class 1 when score ≥ threshold.</param>
/// <param name="Precision">The precision at the threshold.</param>
/// <param name="Recall">The recall at the threshold.</param>
public readonly record struct OperatingPoint(float Threshold, double Precision, double Recall)
{
    /// <summary>The harmonic mean of <see cref="Precision"/> and <see cref="Recall"/>; 0 when both are 0.</summary>
    public double F1 => Precision + Recall is var s and not 0 ? 2 * Precision * Recall / s : 0;
}

/// <summary>
/// A precision-recall curve, laid out as scikit-learn's <c>precision_recall_curve</c> returns it: thresholds
/// increasing (every distinct score of a sample of non-zero weight); <see cref="Precision"/> and <see cref="Recall"/>
/// one longer, point i belonging to threshold i and the last point being (precision 1, recall 0) with no threshold.
/// Recall decreases (weakly) as the threshold rises; precision need not be monotonic. Made by
/// <see cref="Metrics.PrecisionRecallCurve(ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{double})"/>.
/// </summary>
public sealed class PrecisionRecallCurve
{
    private readonly float[] _thresholds;
    private readonly double[] _precision;
    private readonly double[] _recall;

    internal PrecisionRecallCurve(float[] thresholds, double[] precision, double[] recall)
    {
        _thresholds = thresholds;
        _precision = precision;
        _recall = recall;
    }

    /// <summary>The distinct scores, increasing.</summary>
    public ReadOnlySpan<float> Thresholds => _thresholds;

    /// <summary>Precision at each threshold, then 1.</summary>
    public ReadOnlySpan<double> Precision => _precision;

    /// <summary>Recall at each threshold (1 at the lowest), then 0.</summary>
    public ReadOnlySpan<double> Recall => _recall;

    /// <summary>The number of thresholds (one less than the number of points).</summary>
    public int Count => _thresholds.Length;

    /// <summary>The point of threshold <paramref name="index"/> (0 is the lowest threshold).</summary>
    public OperatingPoint this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_thresholds.Length)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"The curve has {_thresholds.Length} thresholds.");
            return new OperatingPoint(_thresholds[index], _precision[index], _recall[index]);
        }
    }

    /// <summary>
    /// The lowest threshold whose precision is ≥ <paramref name="target"/>: of the thresholds that reach the target
    /// precision, the one with the highest recall (recall only falls as the threshold rises). Null when no threshold
    /// reaches it (the curve's closing point, precision 1 at recall 0, has no threshold and is not considered).
    /// </summary>
    /// <param name="target">The precision to reach, in [0, 1].</param>
    public OperatingPoint? ForPrecision(double target)
    {
        CheckTarget(target);
        for (int i = 0; i < _thresholds.Length; i++)
            if (_precision[i] >= target) return this[i];
        return null;
    }

    /// <summary>
    /// The highest threshold whose recall is ≥ <paramref name="target"/>: the strictest threshold that still finds that
    /// share of the positives, which has the fewest predicted positives among those that do (usually, not always, the
    /// best precision). Always exists, since the lowest threshold has recall 1.
    /// </summary>
    /// <param name="target">The recall to reach, in [0, 1].</param>
    public OperatingPoint ForRecall(double target)
    {
        CheckTarget(target);
        for (int i = _thresholds.Length - 1; i > 0; i--)
            if (_recall[i] >= target) return this[i];
        return this[0];
    }

    private static void CheckTarget(double target)
    {
        if (!(target >= 0 && target <= 1))
            throw new ArgumentOutOfRangeException(nameof(target), target, "The target must be in [0, 1].");
    }
}
