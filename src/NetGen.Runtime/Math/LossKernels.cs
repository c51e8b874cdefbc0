using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// Losses fused with the output activation, per sample, as the generated trainers call them:
/// each returns the sample's loss (summed over outputs) and writes ∂loss/∂z (z: the last layer's
/// pre-activation) scaled by <c>scale</c>.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class LossKernels
{
    /// <summary>
    /// Softmax + cross-entropy with an integer label: loss = logΣe^z − z[label]; gradient = (softmax(z) − onehot) · scale.
    /// </summary>
    /// <remarks>
    /// With 8–16 classes the exponentials are two (overlapping) registers of <see cref="VectorMath.Exp(Vector256{float})"/>,
    /// summed in class order, as softmax inference takes them; infinite or NaN logits, and other widths, go element by element.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called for every row of every batch: optimized from the first call
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, int label, Span<float> gradient, float scale)
    {
        if (gradient.Length >= logits.Length && (uint)label < (uint)logits.Length &&
            VectorMath.TrySoftmaxInRegisters(ref MemoryMarshal.GetReference(logits), ref MemoryMarshal.GetReference(gradient), logits.Length, scale, out float top, out float total))
        {
            gradient[label] -= scale;
            return top + MathF.Log(total) - logits[label];
        }
        float max = VectorMath.Max(logits);
        float sum = 0f;
        for (int i = 0; i < logits.Length; i++)
        {
            float e = MathF.Exp(logits[i] - max);
            gradient[i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < logits.Length; i++) gradient[i] *= inv * scale;
        gradient[label] -= scale;
        return max + MathF.Log(sum) - logits[label];
    }

    /// <summary>
    /// Softmax + cross-entropy with target probabilities t: loss = Σ t (logΣe^z − z); gradient = (softmax(z) · Σt − t) · scale.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called for every row of every batch: optimized from the first call
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> gradient, float scale)
    {
        float max = VectorMath.Max(logits);
        float sum = 0f;
        for (int i = 0; i < logits.Length; i++)
        {
            float e = MathF.Exp(logits[i] - max);
            gradient[i] = e;
            sum += e;
        }
        float logSum = max + MathF.Log(sum);
        float inv = 1f / sum;
        float targetSum = 0f, loss = 0f;
        for (int i = 0; i < targets.Length; i++)
        {
            targetSum += targets[i];
            loss += targets[i] * (logSum - logits[i]);
        }
        for (int i = 0; i < logits.Length; i++) gradient[i] = (gradient[i] * inv * targetSum - targets[i]) * scale;
        return loss;
    }

    /// <summary>
    /// Sigmoid + binary cross-entropy on logits: loss = Σ max(z, 0) − z·t + log(1 + e^−|z|), which never overflows;
    /// gradient = (σ(z) − t) · scale.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called for every row of every batch: optimized from the first call
    public static float SigmoidBinaryCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> gradient, float scale)
    {
        float loss = 0f;
        for (int i = 0; i < logits.Length; i++)
        {
            float z = logits[i], t = targets[i];
            loss += MathF.Max(z, 0f) - z * t + MathF.Log(1f + MathF.Exp(-MathF.Abs(z)));
            gradient[i] = (VectorMath.Sigmoid(z) - t) * scale;
        }
        return loss;
    }

    /// <summary>Sigmoid + binary cross-entropy for a single output and a 0/1 label.</summary>
    public static float SigmoidBinaryCrossEntropy(float logit, int label, out float gradient, float scale)
    {
        float t = label;
        gradient = (VectorMath.Sigmoid(logit) - t) * scale;
        return MathF.Max(logit, 0f) - logit * t + MathF.Log(1f + MathF.Exp(-MathF.Abs(logit)));
    }

    /// <summary>Squared error: loss = Σ (y − t)²; gradient (with respect to y) = 2 (y − t) · scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called for every row of every batch: optimized from the first call
    public static float SquaredError(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, Span<float> gradient, float scale)
    {
        float loss = 0f;
        for (int i = 0; i < outputs.Length; i++)
        {
            float d = outputs[i] - targets[i];
            loss += d * d;
            gradient[i] = 2f * d * scale;
        }
        return loss;
    }
}
