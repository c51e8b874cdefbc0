using System;
using System.Threading;
using NetGen.Data;

namespace NetGen.Evaluation;

/// <summary>Runs a model over a dataset and scores it.</summary>
public static class Evaluator
{
    /// <summary>
    /// Predicts every sample of <paramref name="data"/> in batches and computes the loss (<see cref="LossFunctions"/>),
    /// the accuracy and, for classification, the confusion matrix.
    /// </summary>
    /// <remarks>
    /// <para>The predicted class is <c>output ≥ 0.5</c> for a single-output model and the arg-max (first on ties)
    /// otherwise. With integer labels every sample has a class; with float targets the true class is the arg-max of
    /// the targets for the categorical losses and <c>target ≥ 0.5</c> for single-output binary cross-entropy.
    /// Multi-output binary cross-entropy reports Keras's <c>binary_accuracy</c> (the fraction of outputs on the right
    /// side of 0.5) and no matrix; mean squared error on float targets reports neither accuracy nor matrix.</para>
    /// <para>Allocates the result, one output buffer of <paramref name="batchSize"/> rows and the matrix, nothing per batch.</para>
    /// </remarks>
    /// <param name="model">The model.</param>
    /// <param name="data">Samples with labels or with as many targets as the model has outputs.</param>
    /// <param name="batchSize">Samples per <see cref="IModel.Predict(ReadOnlySpan{float}, Span{float}, int)"/> call.</param>
    /// <param name="cancellationToken">Checked before each batch.</param>
    public static EvaluationResult Evaluate(IModel model, Dataset data, int batchSize = 256, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        Classification.Validate(model, data, nameof(data));

        int outputSize = model.OutputSize;
        AccuracyMode mode = Classification.ModeFor(model.Loss, outputSize, data.HasLabels);
        ConfusionMatrix? matrix = null;
        if (Classification.HasClasses(mode))
        {
            int classes = Classification.PredictedClassCount(outputSize);
            if (data.HasLabels) classes = Math.Max(classes, data.ClassCount);
            matrix = new ConfusionMatrix(classes);
        }

        int chunk = Math.Min(batchSize, Math.Max(1, data.Count));
        var outputs = new float[chunk * outputSize];
        Tally tally = default;
        Accumulate(model, data, 0, data.Count, outputs, chunk, ref tally, matrix, cancellationToken);

        return new EvaluationResult(
            data.Count,
            model.Loss,
            tally.MeanLoss,
            mode == AccuracyMode.None ? null : tally.Accuracy,
            matrix,
            data.ClassNames);
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
    /// (when given) matrix counts. Allocates nothing. The data must have been validated against the model.
    /// </summary>
    internal static void Accumulate(IModel model, Dataset data, int start, int count, float[] outputs, int chunk, ref Tally tally, ConfusionMatrix? matrix, CancellationToken cancellationToken)
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
            Span<float> y = outputs.AsSpan(0, n * outputSize);
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
