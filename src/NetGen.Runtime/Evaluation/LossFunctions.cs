using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetGen.Evaluation;

/// <summary>
/// The loss of already-activated outputs (probabilities after softmax or sigmoid, or raw values for
/// mean squared error), computed as Keras computes it, for use in evaluation and validation.
/// </summary>
/// <remarks>
/// <para>Per sample, for <c>k</c> outputs <c>p</c> and targets <c>t</c>:</para>
/// <list type="bullet">
/// <item><see cref="LossKind.MeanSquaredError"/>: <c>Σ (p_j − t_j)² / k</c>.</item>
/// <item><see cref="LossKind.BinaryCrossEntropy"/>: <c>−Σ [t_j·log(q_j) + (1 − t_j)·log(1 − q_j)] / k</c> with
/// <c>q = clip(p, 1e-7, 1 − 1e-7)</c> (Keras 3's <c>binary_crossentropy</c>).</item>
/// <item><see cref="LossKind.CategoricalCrossEntropy"/> and <see cref="LossKind.SparseCategoricalCrossEntropy"/>:
/// <c>−Σ t_j·log(clip(p_j, 1e-7, 1))</c>, which for an integer label is <c>−log(clip(p[label], 1e-7, 1))</c>.
/// Keras also renormalises the outputs to sum 1 and clips at 1 − 1e-7; for softmax outputs that changes the
/// loss by at most ~1.2e-7 per sample and is not done here. With label smoothing ε over K classes the targets are
/// <c>t_j·(1 − ε) + ε/K</c> (Keras's <c>label_smoothing</c>, PyTorch's for integer labels), as the trainer uses them.</item>
/// <item><see cref="LossKind.MeanAbsoluteError"/>: <c>Σ |p_j − t_j| / k</c>.</item>
/// <item><see cref="LossKind.Huber"/>: <c>Σ h(p_j − t_j) / k</c> with <c>h(d) = ½d²</c> for |d| ≤ δ and
/// <c>δ·(|d| − ½δ)</c> beyond.</item>
/// </list>
/// <para>A batch's loss is the mean of the per-sample losses. Integer labels stand for targets: with one output,
/// the target is the label itself (0 or 1 for a sigmoid classifier); with several outputs, the one-hot vector of the
/// label. Float targets given to the sparse loss are read as one-hot (or probability) targets. The clipping is done
/// in single precision (as Keras does) and the logarithms and sums in double precision.</para>
/// </remarks>
public static class LossFunctions
{
    /// <summary>Keras's fuzz factor, <c>keras.backend.epsilon()</c>.</summary>
    public const float Epsilon = 1e-7f;

    private const float OneMinusEpsilon = 1f - Epsilon;

    /// <summary>The loss of one sample with an integer class label.</summary>
    /// <param name="loss">The loss function.</param>
    /// <param name="output">The model's activated outputs for the sample.</param>
    /// <param name="label">The class label (see the remarks on <see cref="LossFunctions"/>).</param>
    /// <param name="huberDelta"><see cref="LossKind.Huber"/>'s δ (<see cref="IModel.HuberDelta"/>); other losses ignore it.</param>
    /// <param name="labelSmoothing">The categorical losses' label smoothing ε in [0, 1) (<see cref="IModel.LabelSmoothing"/>); other losses ignore it.</param>
    /// <exception cref="ArgumentOutOfRangeException">The label is not a valid class for the outputs.</exception>
    public static double SampleLoss(LossKind loss, ReadOnlySpan<float> output, int label, float huberDelta = 1f, float labelSmoothing = 0f)
    {
        int k = output.Length;
        if (k == 0) throw new ArgumentException("The output is empty.", nameof(output));
        switch (loss)
        {
            case LossKind.CategoricalCrossEntropy:
            case LossKind.SparseCategoricalCrossEntropy:
                if ((uint)label >= (uint)k) throw LabelOutOfRange(label, k);
                if (labelSmoothing != 0f) return SmoothedLabelTerm(output, label, labelSmoothing);
                return -Math.Log(Math.Clamp(output[label], Epsilon, 1f));

            case LossKind.BinaryCrossEntropy:
                if (k == 1)
                {
                    if ((uint)label > 1u)
                        throw new ArgumentOutOfRangeException(nameof(label), label, "A single-output binary cross-entropy model needs labels 0 or 1.");
                    return BinaryTerm(output[0], label);
                }
                else
                {
                    if ((uint)label >= (uint)k) throw LabelOutOfRange(label, k);
                    double sum = 0;
                    for (int j = 0; j < k; j++) sum += BinaryTerm(output[j], j == label ? 1f : 0f);
                    return sum / k;
                }

            case LossKind.MeanSquaredError:
            case LossKind.MeanAbsoluteError:
            case LossKind.Huber:
                if (k == 1) return RegressionTerm(loss, (double)output[0] - label, huberDelta);
                else
                {
                    if ((uint)label >= (uint)k) throw LabelOutOfRange(label, k);
                    double sum = 0;
                    for (int j = 0; j < k; j++) sum += RegressionTerm(loss, (double)output[j] - (j == label ? 1.0 : 0.0), huberDelta);
                    return sum / k;
                }

            default:
                throw UnknownLoss(loss);
        }
    }

    /// <summary>The loss of one sample with float targets (as many as outputs).</summary>
    /// <param name="loss">The loss function.</param>
    /// <param name="output">The model's activated outputs for the sample.</param>
    /// <param name="target">The targets, one per output.</param>
    /// <param name="huberDelta"><see cref="LossKind.Huber"/>'s δ (<see cref="IModel.HuberDelta"/>); other losses ignore it.</param>
    /// <param name="labelSmoothing">The categorical losses' label smoothing ε in [0, 1) (<see cref="IModel.LabelSmoothing"/>); other losses ignore it.</param>
    public static double SampleLoss(LossKind loss, ReadOnlySpan<float> output, ReadOnlySpan<float> target, float huberDelta = 1f, float labelSmoothing = 0f)
    {
        int k = output.Length;
        if (k == 0) throw new ArgumentException("The output is empty.", nameof(output));
        if (target.Length != k)
            throw new ArgumentException($"{target.Length} targets for {k} outputs.", nameof(target));
        switch (loss)
        {
            case LossKind.CategoricalCrossEntropy:
            case LossKind.SparseCategoricalCrossEntropy:
            {
                // smoothed in single precision, as Keras does: t·(1 − ε) + ε/K
                float keep = 1f - labelSmoothing, uniform = labelSmoothing / k;
                double sum = 0;
                for (int j = 0; j < k; j++)
                {
                    float t = labelSmoothing == 0f ? target[j] : target[j] * keep + uniform;
                    if (t != 0f) sum -= t * Math.Log(Math.Clamp(output[j], Epsilon, 1f));
                }
                return sum;
            }

            case LossKind.BinaryCrossEntropy:
            {
                double sum = 0;
                for (int j = 0; j < k; j++) sum += BinaryTerm(output[j], target[j]);
                return sum / k;
            }

            case LossKind.MeanSquaredError:
                return SquaredDifferenceSum(output, target) / k;

            case LossKind.MeanAbsoluteError:
            case LossKind.Huber:
            {
                double sum = 0;
                for (int j = 0; j < k; j++) sum += RegressionTerm(loss, (double)output[j] - target[j], huberDelta);
                return sum / k;
            }

            default:
                throw UnknownLoss(loss);
        }
    }

    /// <summary>The sum of the per-sample losses of a batch with integer labels.</summary>
    /// <param name="loss">The loss function.</param>
    /// <param name="outputs">The outputs, <paramref name="outputSize"/> per sample, sample after sample.</param>
    /// <param name="labels">One label per sample.</param>
    /// <param name="outputSize">Outputs per sample.</param>
    /// <param name="huberDelta"><see cref="LossKind.Huber"/>'s δ (<see cref="IModel.HuberDelta"/>); other losses ignore it.</param>
    /// <param name="labelSmoothing">The categorical losses' label smoothing ε in [0, 1) (<see cref="IModel.LabelSmoothing"/>); other losses ignore it.</param>
    public static double Sum(LossKind loss, ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int outputSize, float huberDelta = 1f, float labelSmoothing = 0f)
    {
        CheckShape(outputs.Length, labels.Length, outputSize, nameof(labels));
        double sum = 0;
        if (loss is LossKind.CategoricalCrossEntropy or LossKind.SparseCategoricalCrossEntropy && labelSmoothing == 0f)
        {
            // The common case, kept tight: one logarithm per sample.
            for (int i = 0; i < labels.Length; i++)
            {
                int label = labels[i];
                if ((uint)label >= (uint)outputSize) throw LabelOutOfRange(label, outputSize);
                sum -= Math.Log(Math.Clamp(outputs[i * outputSize + label], Epsilon, 1f));
            }
            return sum;
        }
        for (int i = 0; i < labels.Length; i++)
            sum += SampleLoss(loss, outputs.Slice(i * outputSize, outputSize), labels[i], huberDelta, labelSmoothing);
        return sum;
    }

    /// <summary>The sum of the per-sample losses of a batch with float targets.</summary>
    /// <param name="loss">The loss function.</param>
    /// <param name="outputs">The outputs, <paramref name="outputSize"/> per sample, sample after sample.</param>
    /// <param name="targets">The targets, laid out like <paramref name="outputs"/>.</param>
    /// <param name="outputSize">Outputs (and targets) per sample.</param>
    /// <param name="huberDelta"><see cref="LossKind.Huber"/>'s δ (<see cref="IModel.HuberDelta"/>); other losses ignore it.</param>
    /// <param name="labelSmoothing">The categorical losses' label smoothing ε in [0, 1) (<see cref="IModel.LabelSmoothing"/>); other losses ignore it.</param>
    public static double Sum(LossKind loss, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int outputSize, float huberDelta = 1f, float labelSmoothing = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        if (targets.Length != outputs.Length)
            throw new ArgumentException($"{targets.Length} targets for {outputs.Length} outputs.", nameof(targets));
        if (outputs.Length % outputSize != 0)
            throw new ArgumentException($"{outputs.Length} outputs is not a whole number of samples of {outputSize}.", nameof(outputs));
        if (loss == LossKind.MeanSquaredError)
            return SquaredDifferenceSum(outputs, targets) / outputSize;
        int count = outputs.Length / outputSize;
        double sum = 0;
        for (int i = 0; i < count; i++)
            sum += SampleLoss(loss, outputs.Slice(i * outputSize, outputSize), targets.Slice(i * outputSize, outputSize), huberDelta, labelSmoothing);
        return sum;
    }

    /// <summary>The mean loss of a batch with integer labels (0 for an empty batch).</summary>
    public static double Mean(LossKind loss, ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int outputSize, float huberDelta = 1f, float labelSmoothing = 0f)
        => labels.Length == 0 ? 0 : Sum(loss, outputs, labels, outputSize, huberDelta, labelSmoothing) / labels.Length;

    /// <summary>The mean loss of a batch with float targets (0 for an empty batch).</summary>
    public static double Mean(LossKind loss, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int outputSize, float huberDelta = 1f, float labelSmoothing = 0f)
    {
        double sum = Sum(loss, outputs, targets, outputSize, huberDelta, labelSmoothing);
        int count = outputs.Length / outputSize;
        return count == 0 ? 0 : sum / count;
    }

    /// <summary>−Σ s_j·log(clip(p_j)) with s = (1 − ε)·onehot(label) + ε/K, the smoothed target in single precision.</summary>
    private static double SmoothedLabelTerm(ReadOnlySpan<float> output, int label, float smoothing)
    {
        int k = output.Length;
        float uniform = smoothing / k, top = (1f - smoothing) + uniform;
        double sum = 0;
        for (int j = 0; j < k; j++) sum -= (j == label ? top : uniform) * Math.Log(Math.Clamp(output[j], Epsilon, 1f));
        return sum;
    }

    /// <summary>One output's term of the mean squared, absolute or Huber error, for the difference <paramref name="d"/>.</summary>
    private static double RegressionTerm(LossKind loss, double d, float delta)
    {
        if (loss == LossKind.MeanSquaredError) return d * d;
        double a = Math.Abs(d);
        if (loss == LossKind.MeanAbsoluteError) return a;
        return a <= delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
    }

    private static double BinaryTerm(float output, float target)
    {
        double q = Math.Clamp(output, Epsilon, OneMinusEpsilon);
        // q is exact in double, so 1 - q is exact too: the same value Keras gets in float32.
        if (target == 1f) return -Math.Log(q);
        if (target == 0f) return -Math.Log(1.0 - q);
        return -(target * Math.Log(q) + (1.0 - target) * Math.Log(1.0 - q));
    }

    /// <summary>Σ (a_i − b_i)², vectorized, accumulated in float within blocks and in double across them.</summary>
    private static double SquaredDifferenceSum(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        const int Block = 4096;
        double total = 0;
        int i = 0;
        int width = Vector<float>.Count;
        ReadOnlySpan<Vector<float>> va = MemoryMarshal.Cast<float, Vector<float>>(a);
        ReadOnlySpan<Vector<float>> vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        if (Vector.IsHardwareAccelerated && va.Length > 0)
        {
            int vectors = va.Length;
            int blockVectors = Block / width;
            for (int start = 0; start < vectors; start += blockVectors)
            {
                int end = Math.Min(vectors, start + blockVectors);
                Vector<float> acc = Vector<float>.Zero;
                for (int v = start; v < end; v++)
                {
                    Vector<float> d = va[v] - vb[v];
                    acc += d * d;
                }
                total += Vector.Sum(acc);
            }
            i = vectors * width;
        }
        for (; i < a.Length; i++)
        {
            double d = (double)a[i] - b[i];
            total += d * d;
        }
        return total;
    }

    private static void CheckShape(int outputs, int samples, int outputSize, string paramName)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        if (outputs != (long)samples * outputSize)
            throw new ArgumentException($"{outputs} outputs for {samples} samples of {outputSize}.", paramName);
    }

    private static ArgumentOutOfRangeException LabelOutOfRange(int label, int outputs)
        => new("label", label, $"Label {label} is not a class of a model with {outputs} outputs (0…{outputs - 1}).");

    private static ArgumentOutOfRangeException UnknownLoss(LossKind loss)
        => new(nameof(loss), loss, "Unknown loss kind.");
}
