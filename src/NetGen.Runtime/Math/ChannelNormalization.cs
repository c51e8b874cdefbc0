using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

/// <summary>
/// Per-channel normalization over a batch (batch normalization): statistics, the affine y = x · scale[c] + shift[c], its
/// backward pass, and the folding of the moving statistics into a linear layer's weights. Each of <c>rows</c> samples
/// holds <c>channels</c> × <c>positions</c> values, channel-major ([c][p]: images as NetGen stores them inside a network)
/// or channel-last ([p][c]: vectors, sequences, and the raw (H, W, C) input). Vectorized with <see cref="Vector{T}"/>
/// (the widest vector the JIT enables: 256 bits on x64, 128 on ARM64); allocates nothing.
/// </summary>
/// <remarks>
/// Parameters live in a parameter block <c>p</c> at offsets: γ at <c>gammaAt</c> and β at <c>betaAt</c> (−1 when the
/// layer has none: γ = 1, β = 0), and the state at <c>movingAt</c>: the moving mean [C], the moving variance [C] and the
/// number of batches tracked [1]. A training workspace keeps <see cref="StatisticsFloats"/> floats of statistics per
/// layer between the forward and backward passes.
/// </remarks>
public static class ChannelNormalization
{
    /// <summary>Floats of workspace a layer of <paramref name="channels"/> needs: mean, 1/σ, scale, shift and two sums, per channel.</summary>
    public static int StatisticsFloats(int channels) => 6 * channels;

    /// <summary>
    /// Training forward: the batch's mean and (biased) variance per channel, the moving statistics moved towards them
    /// (moving = moving · momentum + batch · (1 − momentum), the variance unbiased by n / (n − 1) as PyTorch does, the
    /// batch count incremented), then y = γ (x − μ) / √(σ² + ε) + β. <paramref name="stats"/> keeps μ, 1/σ, γ/σ and
    /// β − μγ/σ for the backward pass.
    /// </summary>
    public static void TrainingForward(ref float x, ref float y, int rows, int channels, int positions, bool channelMajor,
        ref float stats, ref float p, int gammaAt, int betaAt, int movingAt, float epsilon, float momentum)
    {
        int c = channels;
        ref float mean = ref stats;
        ref float invStd = ref Unsafe.Add(ref stats, c);
        ref float scale = ref Unsafe.Add(ref stats, 2 * c);
        ref float shift = ref Unsafe.Add(ref stats, 3 * c);
        Statistics(ref x, rows, c, positions, channelMajor, ref mean, ref invStd, ref Unsafe.Add(ref stats, 4 * c));
        long n = (long)rows * positions;
        float unbiased = n > 1 ? (float)((double)n / (n - 1)) : 1f;
        ref float movingMean = ref Unsafe.Add(ref p, movingAt);
        ref float movingVariance = ref Unsafe.Add(ref p, movingAt + c);
        for (int k = 0; k < c; k++)
        {
            float m = Unsafe.Add(ref mean, k), variance = Unsafe.Add(ref invStd, k);
            Unsafe.Add(ref movingMean, k) = Unsafe.Add(ref movingMean, k) * momentum + m * (1f - momentum);
            Unsafe.Add(ref movingVariance, k) = Unsafe.Add(ref movingVariance, k) * momentum + variance * unbiased * (1f - momentum);
            float inv = 1f / MathF.Sqrt(variance + epsilon);
            float gamma = gammaAt < 0 ? 1f : Unsafe.Add(ref p, gammaAt + k);
            float beta = betaAt < 0 ? 0f : Unsafe.Add(ref p, betaAt + k);
            Unsafe.Add(ref invStd, k) = inv;
            Unsafe.Add(ref scale, k) = gamma * inv;
            Unsafe.Add(ref shift, k) = beta - m * gamma * inv;
        }
        Unsafe.Add(ref p, movingAt + 2 * c) += 1f;
        ScaleShift(ref x, ref y, rows, c, positions, channelMajor, ref scale, ref shift);
    }

    /// <summary>
    /// Training backward from the statistics <see cref="TrainingForward"/> kept: ∂L/∂γ = Σ dy · x̂ and ∂L/∂β = Σ dy into the
    /// gradient block <paramref name="g"/> (at the parameters' offsets), and, unless <paramref name="hasInputGradient"/> is
    /// false, dx = (γ/σ)(dy − mean(dy) − x̂ · mean(dy · x̂)), every sample's gradient flowing through the batch's statistics.
    /// </summary>
    public static void TrainingBackward(ref float x, ref float dy, ref float dx, bool hasInputGradient, int rows, int channels, int positions,
        bool channelMajor, ref float stats, ref float g, int gammaAt, int betaAt)
    {
        int c = channels;
        ref float mean = ref stats;
        ref float invStd = ref Unsafe.Add(ref stats, c);
        ref float scale = ref Unsafe.Add(ref stats, 2 * c);
        ref float sumDy = ref Unsafe.Add(ref stats, 4 * c);
        ref float sumDyCentered = ref Unsafe.Add(ref stats, 5 * c);
        GradientSums(ref x, ref dy, rows, c, positions, channelMajor, ref mean, ref sumDy, ref sumDyCentered);
        float n = (float)((long)rows * positions);
        for (int k = 0; k < c; k++)
        {
            float inv = Unsafe.Add(ref invStd, k);
            float dGamma = Unsafe.Add(ref sumDyCentered, k) * inv, dBeta = Unsafe.Add(ref sumDy, k);
            if (gammaAt >= 0) Unsafe.Add(ref g, gammaAt + k) = dGamma;
            if (betaAt >= 0) Unsafe.Add(ref g, betaAt + k) = dBeta;
            // dx = a·dy + K·(x − μ) + M with a = γ/σ, K = −a·dγ/(σ n), M = −a·dβ/n: reuse the sums' slots for K and M − K·μ
            float a = Unsafe.Add(ref scale, k);
            float slope = -a * dGamma * inv / n;
            Unsafe.Add(ref sumDy, k) = slope;
            Unsafe.Add(ref sumDyCentered, k) = -a * dBeta / n - slope * Unsafe.Add(ref mean, k);
        }
        if (!hasInputGradient) return;
        InputGradient(ref x, ref dy, ref dx, rows, c, positions, channelMajor, ref scale, ref sumDy, ref sumDyCentered);
    }

    /// <summary>
    /// The inference affine of a layer that is not folded: scale[c] = γ/√(moving variance + ε) at <paramref name="scaleAt"/>
    /// of <paramref name="q"/>, shift[c] = β − moving mean · scale[c] right after it.
    /// </summary>
    public static void InferenceAffine(ref float p, ref float q, int channels, int gammaAt, int betaAt, int movingAt, float epsilon, int scaleAt)
    {
        for (int k = 0; k < channels; k++)
        {
            float s = Factor(ref p, k, channels, gammaAt, movingAt, epsilon);
            Unsafe.Add(ref q, scaleAt + k) = s;
            Unsafe.Add(ref q, scaleAt + channels + k) = (betaAt < 0 ? 0f : Unsafe.Add(ref p, betaAt + k)) - Unsafe.Add(ref p, movingAt + k) * s;
        }
    }

    /// <summary>
    /// Folds the moving statistics into the linear layer before: output channel k's weights (at <paramref name="weightAt"/>
    /// + k·<paramref name="channelStride"/> + i·<paramref name="elementStride"/>, i &lt; <paramref name="elements"/>) are
    /// scaled by s = γ/√(moving variance + ε) and its bias becomes (b − moving mean) · s + β, read from <paramref name="p"/>
    /// and written at the same offsets of <paramref name="q"/>.
    /// </summary>
    public static void Fold(ref float p, ref float q, int channels, int gammaAt, int betaAt, int movingAt, float epsilon,
        int weightAt, int channelStride, int elementStride, int elements, int biasAt)
    {
        for (int k = 0; k < channels; k++)
        {
            float s = Factor(ref p, k, channels, gammaAt, movingAt, epsilon);
            int first = weightAt + k * channelStride;
            if (elementStride == 1)
            {
                Scale(ref Unsafe.Add(ref p, first), ref Unsafe.Add(ref q, first), s, elements);
            }
            else
            {
                for (int i = 0; i < elements; i++) Unsafe.Add(ref q, first + i * elementStride) = Unsafe.Add(ref p, first + i * elementStride) * s;
            }
            float beta = betaAt < 0 ? 0f : Unsafe.Add(ref p, betaAt + k);
            Unsafe.Add(ref q, biasAt + k) = (Unsafe.Add(ref p, biasAt + k) - Unsafe.Add(ref p, movingAt + k)) * s + beta;
        }
    }

    /// <summary>y = x · scale[c] + shift[c] for every value of channel c.</summary>
    public static void ScaleShift(ref float x, ref float y, int rows, int channels, int positions, bool channelMajor, ref float scale, ref float shift)
    {
        int w = Vector<float>.Count;
        if (channelMajor)
        {
            for (int s = 0; s < rows; s++)
            {
                for (int k = 0; k < channels; k++)
                {
                    nint start = ((nint)s * channels + k) * positions;
                    ref float xs = ref Unsafe.Add(ref x, start);
                    ref float ys = ref Unsafe.Add(ref y, start);
                    float a = Unsafe.Add(ref scale, k), b = Unsafe.Add(ref shift, k);
                    var va = new Vector<float>(a);
                    var vb = new Vector<float>(b);
                    int i = 0;
                    for (; i + w <= positions; i += w)
                        Vector.FusedMultiplyAdd(Load(ref xs, i), va, vb).StoreUnsafe(ref ys, (nuint)i);
                    for (; i < positions; i++) Unsafe.Add(ref ys, i) = MathF.FusedMultiplyAdd(Unsafe.Add(ref xs, i), a, b);
                }
            }
            return;
        }
        long count = (long)rows * positions;
        for (long r = 0; r < count; r++)
        {
            ref float xs = ref Unsafe.Add(ref x, (nint)(r * channels));
            ref float ys = ref Unsafe.Add(ref y, (nint)(r * channels));
            int k = 0;
            for (; k + w <= channels; k += w)
                Vector.FusedMultiplyAdd(Load(ref xs, k), Load(ref scale, k), Load(ref shift, k)).StoreUnsafe(ref ys, (nuint)k);
            for (; k < channels; k++) Unsafe.Add(ref ys, k) = MathF.FusedMultiplyAdd(Unsafe.Add(ref xs, k), Unsafe.Add(ref scale, k), Unsafe.Add(ref shift, k));
        }
    }

    /// <summary>Per channel: the mean, and the biased variance Σ(x − μ)² / n (two passes, so large means do not cancel).</summary>
    private static void Statistics(ref float x, int rows, int channels, int positions, bool channelMajor, ref float mean, ref float variance, ref float scratch)
    {
        double n = (double)rows * positions;
        if (channelMajor)
        {
            for (int k = 0; k < channels; k++)
            {
                double sum = 0;
                for (int s = 0; s < rows; s++) sum += ImageKernels.Sum(ref Unsafe.Add(ref x, ((nint)s * channels + k) * positions), positions);
                float m = (float)(sum / n);
                double squares = 0;
                for (int s = 0; s < rows; s++) squares += SumSquaresAbout(ref Unsafe.Add(ref x, ((nint)s * channels + k) * positions), positions, m);
                Unsafe.Add(ref mean, k) = m;
                Unsafe.Add(ref variance, k) = (float)(squares / n);
            }
            return;
        }
        // channel-last: whole rows of channels accumulate into per-channel sums (in float, one value per position)
        int w = Vector<float>.Count;
        long count = (long)rows * positions;
        ref float sums = ref scratch;
        ImageKernels.Clear(ref sums, channels);
        for (long r = 0; r < count; r++)
        {
            ref float xs = ref Unsafe.Add(ref x, (nint)(r * channels));
            int k = 0;
            for (; k + w <= channels; k += w) (Load(ref sums, k) + Load(ref xs, k)).StoreUnsafe(ref sums, (nuint)k);
            for (; k < channels; k++) Unsafe.Add(ref sums, k) += Unsafe.Add(ref xs, k);
        }
        for (int k = 0; k < channels; k++) Unsafe.Add(ref mean, k) = (float)(Unsafe.Add(ref sums, k) / n);
        ImageKernels.Clear(ref sums, channels);
        for (long r = 0; r < count; r++)
        {
            ref float xs = ref Unsafe.Add(ref x, (nint)(r * channels));
            int k = 0;
            for (; k + w <= channels; k += w)
            {
                Vector<float> d = Load(ref xs, k) - Load(ref mean, k);
                Vector.FusedMultiplyAdd(d, d, Load(ref sums, k)).StoreUnsafe(ref sums, (nuint)k);
            }
            for (; k < channels; k++)
            {
                float d = Unsafe.Add(ref xs, k) - Unsafe.Add(ref mean, k);
                Unsafe.Add(ref sums, k) += d * d;
            }
        }
        for (int k = 0; k < channels; k++) Unsafe.Add(ref variance, k) = (float)(Unsafe.Add(ref sums, k) / n);
    }

    /// <summary>Per channel: Σ dy and Σ dy · (x − μ).</summary>
    private static void GradientSums(ref float x, ref float dy, int rows, int channels, int positions, bool channelMajor,
        ref float mean, ref float sumDy, ref float sumDyCentered)
    {
        int w = Vector<float>.Count;
        if (channelMajor)
        {
            for (int k = 0; k < channels; k++)
            {
                float m = Unsafe.Add(ref mean, k);
                var vm = new Vector<float>(m);
                double a = 0, b = 0;
                for (int s = 0; s < rows; s++)
                {
                    nint start = ((nint)s * channels + k) * positions;
                    ref float xs = ref Unsafe.Add(ref x, start);
                    ref float ds = ref Unsafe.Add(ref dy, start);
                    Vector<float> va = Vector<float>.Zero, vb = Vector<float>.Zero;
                    int i = 0;
                    for (; i + w <= positions; i += w)
                    {
                        Vector<float> d = Load(ref ds, i);
                        va += d;
                        vb = Vector.FusedMultiplyAdd(d, Load(ref xs, i) - vm, vb);
                    }
                    float ta = Vector.Sum(va), tb = Vector.Sum(vb);
                    for (; i < positions; i++)
                    {
                        float d = Unsafe.Add(ref ds, i);
                        ta += d;
                        tb += d * (Unsafe.Add(ref xs, i) - m);
                    }
                    a += ta;
                    b += tb;
                }
                Unsafe.Add(ref sumDy, k) = (float)a;
                Unsafe.Add(ref sumDyCentered, k) = (float)b;
            }
            return;
        }
        ImageKernels.Clear(ref sumDy, channels);
        ImageKernels.Clear(ref sumDyCentered, channels);
        long count = (long)rows * positions;
        for (long r = 0; r < count; r++)
        {
            ref float xs = ref Unsafe.Add(ref x, (nint)(r * channels));
            ref float ds = ref Unsafe.Add(ref dy, (nint)(r * channels));
            int k = 0;
            for (; k + w <= channels; k += w)
            {
                Vector<float> d = Load(ref ds, k);
                (Load(ref sumDy, k) + d).StoreUnsafe(ref sumDy, (nuint)k);
                Vector.FusedMultiplyAdd(d, Load(ref xs, k) - Load(ref mean, k), Load(ref sumDyCentered, k)).StoreUnsafe(ref sumDyCentered, (nuint)k);
            }
            for (; k < channels; k++)
            {
                float d = Unsafe.Add(ref ds, k);
                Unsafe.Add(ref sumDy, k) += d;
                Unsafe.Add(ref sumDyCentered, k) += d * (Unsafe.Add(ref xs, k) - Unsafe.Add(ref mean, k));
            }
        }
    }

    /// <summary>dx = a[c] · dy + slope[c] · x + offset[c].</summary>
    private static void InputGradient(ref float x, ref float dy, ref float dx, int rows, int channels, int positions, bool channelMajor,
        ref float a, ref float slope, ref float offset)
    {
        int w = Vector<float>.Count;
        if (channelMajor)
        {
            for (int s = 0; s < rows; s++)
            {
                for (int k = 0; k < channels; k++)
                {
                    nint start = ((nint)s * channels + k) * positions;
                    ref float xs = ref Unsafe.Add(ref x, start);
                    ref float ds = ref Unsafe.Add(ref dy, start);
                    ref float os = ref Unsafe.Add(ref dx, start);
                    float ak = Unsafe.Add(ref a, k), sk = Unsafe.Add(ref slope, k), ok = Unsafe.Add(ref offset, k);
                    var va = new Vector<float>(ak);
                    var vs = new Vector<float>(sk);
                    var vo = new Vector<float>(ok);
                    int i = 0;
                    for (; i + w <= positions; i += w)
                        Vector.FusedMultiplyAdd(Load(ref ds, i), va, Vector.FusedMultiplyAdd(Load(ref xs, i), vs, vo)).StoreUnsafe(ref os, (nuint)i);
                    for (; i < positions; i++) Unsafe.Add(ref os, i) = Unsafe.Add(ref ds, i) * ak + (Unsafe.Add(ref xs, i) * sk + ok);
                }
            }
            return;
        }
        long count = (long)rows * positions;
        for (long r = 0; r < count; r++)
        {
            ref float xs = ref Unsafe.Add(ref x, (nint)(r * channels));
            ref float ds = ref Unsafe.Add(ref dy, (nint)(r * channels));
            ref float os = ref Unsafe.Add(ref dx, (nint)(r * channels));
            int k = 0;
            for (; k + w <= channels; k += w)
                Vector.FusedMultiplyAdd(Load(ref ds, k), Load(ref a, k), Vector.FusedMultiplyAdd(Load(ref xs, k), Load(ref slope, k), Load(ref offset, k))).StoreUnsafe(ref os, (nuint)k);
            for (; k < channels; k++)
                Unsafe.Add(ref os, k) = Unsafe.Add(ref ds, k) * Unsafe.Add(ref a, k) + (Unsafe.Add(ref xs, k) * Unsafe.Add(ref slope, k) + Unsafe.Add(ref offset, k));
        }
    }

    /// <summary>γ_k / √(moving variance_k + ε).</summary>
    private static float Factor(ref float p, int k, int channels, int gammaAt, int movingAt, float epsilon) =>
        (gammaAt < 0 ? 1f : Unsafe.Add(ref p, gammaAt + k)) / MathF.Sqrt(Unsafe.Add(ref p, movingAt + channels + k) + epsilon);

    private static void Scale(ref float source, ref float destination, float s, int count)
    {
        int w = Vector<float>.Count, i = 0;
        var vs = new Vector<float>(s);
        for (; i + w <= count; i += w) (Load(ref source, i) * vs).StoreUnsafe(ref destination, (nuint)i);
        for (; i < count; i++) Unsafe.Add(ref destination, i) = Unsafe.Add(ref source, i) * s;
    }

    private static float SumSquaresAbout(ref float values, int count, float mean)
    {
        int w = Vector<float>.Count, i = 0;
        var vm = new Vector<float>(mean);
        Vector<float> acc = Vector<float>.Zero;
        for (; i + w <= count; i += w)
        {
            Vector<float> d = Load(ref values, i) - vm;
            acc = Vector.FusedMultiplyAdd(d, d, acc);
        }
        float total = Vector.Sum(acc);
        for (; i < count; i++)
        {
            float d = Unsafe.Add(ref values, i) - mean;
            total += d * d;
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Load(ref float source, int offset) => Vector.LoadUnsafe(ref source, (nuint)offset);
}
