using System;
using System.Threading;
using NetGen.Data;

namespace NetGen.Evaluation;

/// <summary>Runs a model over a dataset and scores it.</summary>
public static class Evaluator
{
    /// <summary>
    /// Predicts every sample of <paramref name="data"/> in batches and computes the loss (<see cref="LossFunctions"/>),
    /// the accuracy and, for classification, the confusion matrix, ROC AUC and average precision; for regression, MAE,
    /// RMSE and R² (<see cref="Metrics"/>).
    /// </summary>
    /// <remarks>
    /// <para>The predicted class is <c>output ≥ 0.5</c> for a single-output model and the arg-max (first on ties)
    /// otherwise. With integer labels every sample has a class; with float targets the true class is the arg-max of
    /// the targets for the categorical losses and <c>target ≥ 0.5</c> for single-output binary cross-entropy.
    /// Multi-output binary cross-entropy reports Keras's <c>binary_accuracy</c> (the fraction of outputs on the right
    /// side of 0.5) and no matrix; mean squared error on float targets reports neither accuracy nor matrix.</para>
    /// <para>See <see cref="Evaluate(IModel, Dataset, EvaluationOptions, CancellationToken)"/> for which of the
    /// ranking and regression metrics are computed when.</para>
    /// <para>Allocates the result, one output buffer of <paramref name="batchSize"/> rows and the matrix when no
    /// ranking or regression metric applies, else one buffer for every sample's outputs; nothing per batch.</para>
    /// </remarks>
    /// <param name="model">The model.</param>
    /// <param name="data">Samples with labels or with as many targets as the model has outputs.</param>
    /// <param name="batchSize">Samples per <see cref="IModel.Predict(ReadOnlySpan{float}, Span{float}, int)"/> call.</param>
    /// <param name="cancellationToken">Checked before each batch.</param>
    public static EvaluationResult Evaluate(IModel model, Dataset data, int batchSize = 256, CancellationToken cancellationToken = default)
        => Evaluate(model, data, new EvaluationOptions { BatchSize = batchSize }, cancellationToken);

    /// <summary>
    /// <see cref="Evaluate(IModel, Dataset, int, CancellationToken)"/> with options: the batch size and, for
    /// multi-class models, top-k accuracy.
    /// </summary>
    /// <remarks>
    /// <para>Besides the loss, accuracy and confusion matrix, the result carries (null where they do not apply):</para>
    /// <list type="bullet">
    /// <item>Single-output binary classifiers (binary cross-entropy on 0/1 labels, or on float targets read as
    /// <c>target ≥ 0.5</c>): <see cref="EvaluationResult.RocAuc"/> (null when only one class is present) and
    /// <see cref="EvaluationResult.AveragePrecision"/> (null without a positive) of the output as the score.</item>
    /// <item>Multi-class classifiers (several outputs; integer labels, or one-hot targets read by their arg-max):
    /// one-vs-rest macro ROC AUC and average precision over the model's outputs (null when a class has no sample, since
    /// its one-vs-rest score is not defined), and <see cref="EvaluationResult.TopKAccuracy"/> when
    /// <see cref="EvaluationOptions.TopK"/> is set.</item>
    /// <item>Regression (mean squared error on float targets): <see cref="EvaluationResult.MeanAbsoluteError"/>,
    /// <see cref="EvaluationResult.RootMeanSquaredError"/> and <see cref="EvaluationResult.R2"/>, each averaged
    /// uniformly over the outputs as scikit-learn does.</item>
    /// </list>
    /// <para>Multi-output binary cross-entropy (multi-label) gets none of them. When an output is NaN or infinite
    /// (a diverged model), these metrics are NaN rather than an exception.</para>
    /// </remarks>
    /// <param name="model">The model.</param>
    /// <param name="data">Samples with labels or with as many targets as the model has outputs.</param>
    /// <param name="options">The batch size and optional metrics.</param>
    /// <param name="cancellationToken">Checked before each batch.</param>
    /// <exception cref="ArgumentException"><see cref="EvaluationOptions.TopK"/> is set for a model and data without
    /// several classes.</exception>
    public static EvaluationResult Evaluate(IModel model, Dataset data, EvaluationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        int batchSize = options.BatchSize;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize, "options.BatchSize");
        Classification.Validate(model, data, nameof(data));

        int outputSize = model.OutputSize;
        AccuracyMode mode = Classification.ModeFor(model.Loss, outputSize, data.HasLabels);
        ExtraMetrics extra = ExtraMetricsFor(model.Loss, mode, outputSize);
        if (options.TopK is int k)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(k, 1, "options.TopK");
            if (extra != ExtraMetrics.MultiClass)
                throw new ArgumentException(
                    $"Top-k accuracy needs a multi-class model (several outputs) and class labels or one-hot targets; {model.Architecture} with loss {model.Loss} on this data has none.",
                    nameof(options));
        }
        ConfusionMatrix? matrix = null;
        if (Classification.HasClasses(mode))
        {
            int classes = Classification.PredictedClassCount(outputSize);
            if (data.HasLabels) classes = Math.Max(classes, data.ClassCount);
            matrix = new ConfusionMatrix(classes);
        }

        bool keep = extra != ExtraMetrics.None && data.Count > 0;
        int chunk = Math.Min(batchSize, Math.Max(1, data.Count));
        var outputs = new float[(keep ? data.Count : chunk) * outputSize];
        Tally tally = default;
        Accumulate(model, data, 0, data.Count, outputs, chunk, ref tally, matrix, cancellationToken, keepOutputs: keep);

        var result = new EvaluationResult(
            data.Count,
            model.Loss,
            tally.MeanLoss,
            mode == AccuracyMode.None ? null : tally.Accuracy,
            matrix,
            data.ClassNames);
        return keep ? WithExtraMetrics(result, extra, mode, data, outputs, outputSize, options.TopK) : result;
    }

    /// <summary>Which metrics beyond loss and accuracy a model and kind of data get.</summary>
    private enum ExtraMetrics
    {
        None,
        Binary,
        MultiClass,
        Regression,
    }

    private static ExtraMetrics ExtraMetricsFor(LossKind loss, AccuracyMode mode, int outputSize) => mode switch
    {
        AccuracyMode.None => ExtraMetrics.Regression,
        AccuracyMode.ThresholdTarget => ExtraMetrics.Binary,
        AccuracyMode.ArgMaxTargets => ExtraMetrics.MultiClass,
        AccuracyMode.Labels when outputSize > 1 => ExtraMetrics.MultiClass,
        AccuracyMode.Labels when loss == LossKind.BinaryCrossEntropy => ExtraMetrics.Binary,
        _ => ExtraMetrics.None,
    };

    private static EvaluationResult WithExtraMetrics(EvaluationResult result, ExtraMetrics extra, AccuracyMode mode, Dataset data, float[] outputs, int outputSize, int? topK)
    {
        bool finite = true;
        foreach (float o in outputs)
        {
            if (!float.IsFinite(o))
            {
                finite = false;
                break;
            }
        }
        if (extra == ExtraMetrics.Regression)
        {
            float[] targets = data.Targets!;
            return finite
                ? new EvaluationResult(result)
                {
                    MeanAbsoluteError = Metrics.MeanAbsoluteError(outputs, targets, outputSize),
                    RootMeanSquaredError = Metrics.RootMeanSquaredError(outputs, targets, outputSize),
                    R2 = Metrics.R2(outputs, targets, outputSize),
                }
                : new EvaluationResult(result) { MeanAbsoluteError = double.NaN, RootMeanSquaredError = double.NaN, R2 = double.NaN };
        }

        // One class per sample: the labels, or the targets' classes (≥ 0.5, or arg-max).
        int[] labels = data.Labels ?? TargetClasses(mode, data.Targets!, outputSize, data.Count);
        int n = labels.Length;
        if (extra == ExtraMetrics.Binary)
        {
            int positives = 0;
            foreach (int l in labels) positives += l;
            return new EvaluationResult(result)
            {
                RocAuc = positives == 0 || positives == n ? null : finite ? Metrics.RocAuc(outputs, labels) : double.NaN,
                AveragePrecision = positives == 0 ? null : finite ? Metrics.AveragePrecision(outputs, labels) : double.NaN,
            };
        }

        bool everyClass = true;
        var seen = new bool[outputSize];
        foreach (int l in labels) seen[l] = true;
        foreach (bool s in seen) everyClass &= s;
        double? rocAuc = !everyClass ? null : finite ? Metrics.RocAucOneVsRest(outputs, labels, outputSize) : double.NaN;
        double? averagePrecision = !everyClass ? null : finite ? Metrics.AveragePrecisionOneVsRest(outputs, labels, outputSize) : double.NaN;
        return new EvaluationResult(result)
        {
            RocAuc = rocAuc,
            AveragePrecision = averagePrecision,
            TopK = topK,
            TopKAccuracy = topK is int k ? (finite ? Metrics.TopKAccuracy(outputs, labels, outputSize, k) : double.NaN) : null,
        };
    }

    private static int[] TargetClasses(AccuracyMode mode, float[] targets, int outputSize, int count)
    {
        var classes = new int[count];
        for (int i = 0; i < count; i++) classes[i] = Classification.TrueClass(mode, targets.AsSpan(i * outputSize, outputSize));
        return classes;
    }

    /// <summary>Running sums of a pass over data.</summary>
    internal struct Tally
    {
        public double LossSum;
        public double Correct;
        public long Samples;

        public readonly double MeanLoss => Samples == 0 ? 0 : LossSum / Samples;

        public readonly double Accuracy => Samples == 0 ? 0 : Correct / Samples;
    }

    /// <summary>
    /// Predicts samples [<paramref name="start"/>, start + <paramref name="count"/>) of <paramref name="data"/> in
    /// chunks of <paramref name="chunk"/> rows into <paramref name="outputs"/> and adds loss, correct predictions and
    /// (when given) matrix counts. Allocates nothing. The data must have been validated against the model. With
    /// <paramref name="keepOutputs"/>, <paramref name="outputs"/> holds <paramref name="count"/> rows and keeps every
    /// sample's outputs (row i − start) instead of reusing one chunk.
    /// </summary>
    internal static void Accumulate(IModel model, Dataset data, int start, int count, float[] outputs, int chunk, ref Tally tally, ConfusionMatrix? matrix, CancellationToken cancellationToken, bool keepOutputs = false)
    {
        int inputSize = model.InputSize, outputSize = model.OutputSize;
        LossKind loss = model.Loss;
        AccuracyMode mode = Classification.ModeFor(loss, outputSize, data.HasLabels);
        float[] features = data.Features;
        int[]? labels = data.Labels;
        float[]? targets = data.Targets;
        int end = start + count;
        for (int s = start; s < end; s += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(chunk, end - s);
            ReadOnlySpan<float> x = features.AsSpan(s * inputSize, n * inputSize);
            Span<float> y = outputs.AsSpan(keepOutputs ? (s - start) * outputSize : 0, n * outputSize);
            model.Predict(x, y, n);
            ReadOnlySpan<float> yr = y;
            if (labels is not null)
            {
                ReadOnlySpan<int> l = labels.AsSpan(s, n);
                tally.LossSum += LossFunctions.Sum(loss, yr, l, outputSize, model.HuberDelta, model.LabelSmoothing);
                for (int i = 0; i < n; i++)
                {
                    int predicted = Classification.PredictedClass(yr.Slice(i * outputSize, outputSize));
                    if (predicted == l[i]) tally.Correct++;
                    matrix?.Add(l[i], predicted);
                }
            }
            else
            {
                ReadOnlySpan<float> t = targets.AsSpan(s * outputSize, n * outputSize);
                tally.LossSum += LossFunctions.Sum(loss, yr, t, outputSize, model.HuberDelta, model.LabelSmoothing);
                tally.Correct += Classification.CorrectWithTargets(mode, yr, t, outputSize, n);
                if (matrix is not null)
                {
                    for (int i = 0; i < n; i++)
                    {
                        matrix.Add(
                            Classification.TrueClass(mode, t.Slice(i * outputSize, outputSize)),
                            Classification.PredictedClass(yr.Slice(i * outputSize, outputSize)));
                    }
                }
            }
            tally.Samples += n;
        }
    }
}
