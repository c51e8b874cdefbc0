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
    /// Softmax + cross-entropy with an integer label and label smoothing ε: the target is (1 − ε)·onehot + ε/K over K
    /// classes, so loss = logΣe^z − (1 − ε)·z[label] − ε·mean(z) and gradient = (softmax(z) − (1 − ε)·onehot − ε/K) · scale.
    /// </summary>
    /// <remarks>
    /// The unsmoothed loss and gradient first, then the smoothing's share in one more pass:
    /// loss + ε·(z[label] − mean(z)) and gradient + ε·(onehot − 1/K)·scale. Allocates nothing.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called for every row of every batch: optimized from the first call
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, int label, Span<float> gradient, float scale, float smoothing)
    {
        float loss = SoftmaxCrossEntropy(logits, label, gradient, scale);
        float uniform = smoothing / logits.Length * scale;
        float sum = 0f;
        for (int i = 0; i < logits.Length; i++)
        {
            sum += logits[i];
            gradient[i] -= uniform;
        }
        gradient[label] += smoothing * scale;
        return loss + smoothing * (logits[label] - sum / logits.Length);
    }

    /// <summary>
    /// Softmax + cross-entropy with target probabilities t: loss = Σ t (logΣe^z − z); gradient = (softmax(z) · Σt − t) · scale.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called for every row of every batch: optimized from the first call
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> gradient, float scale)
        => SoftmaxCrossEntropy(logits, targets, gradient, scale, 0f);

    /// <summary>
    /// Softmax + cross-entropy with target probabilities t smoothed by ε (Keras's <c>label_smoothing</c>):
    /// s = t·(1 − ε) + ε/K over K classes; loss = Σ s (logΣe^z − z); gradient = (softmax(z) · Σs − s) · scale.
    /// ε = 0 is the plain loss, bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called for every row of every batch: optimized from the first call
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> gradient, float scale, float smoothing)
    {
        float keep = 1f - smoothing, uniform = smoothing / logits.Length;
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
            float t = targets[i] * keep + uniform;
            targetSum += t;
            loss += t * (logSum - logits[i]);
        }
        for (int i = 0; i < logits.Length; i++) gradient[i] = (gradient[i] * inv * targetSum - (targets[i] * keep + uniform)) * scale;
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

    /// <summary>
    /// Absolute error: loss = Σ |y − t|; gradient (with respect to y) = sign(y − t) · scale, with sign(0) = 0 as PyTorch's
    /// <c>L1Loss</c> (a NaN difference gives a NaN gradient).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called for every row of every batch: optimized from the first call
    public static float AbsoluteError(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, Span<float> gradient, float scale)
    {
        float loss = 0f;
        for (int i = 0; i < outputs.Length; i++)
        {
            float d = outputs[i] - targets[i];
            loss += MathF.Abs(d);
            gradient[i] = d > 0f ? scale : d < 0f ? -scale : d * scale;
        }
        return loss;
    }

    /// <summary>
    /// Huber loss with d = y − t: Σ ½d² where |d| ≤ δ, δ·(|d| − ½δ) beyond; gradient (with respect to y) =
    /// clamp(d, −δ, δ) · scale (d inside, δ·sign(d) outside).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called for every row of every batch: optimized from the first call
    public static float Huber(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, Span<float> gradient, float delta, float scale)
    {
        float loss = 0f;
        for (int i = 0; i < outputs.Length; i++)
        {
            float d = outputs[i] - targets[i], a = MathF.Abs(d);
            if (a <= delta)
            {
                loss += 0.5f * d * d;
                gradient[i] = d * scale;
            }
            else
            {
                loss += delta * (a - 0.5f * delta);
                // a NaN d takes this branch too: its loss and its gradient stay NaN (never an ordinary ±δ)
                gradient[i] = (d > 0f ? delta : d < 0f ? -delta : d) * scale;
            }
        }
        return loss;
    }
}
