using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen;

/// <summary>
/// Memory-bound helpers the generated convolution, pooling, flatten and dropout code shares: padding copies,
/// activation derivatives over whole buffers, sums, and dropout masks.
/// </summary>
public static class ImageKernels
{
    /// <summary>
    /// Writes one sample's zero-padded, channel-major copy: <paramref name="padded"/>[c, padTop + i, padLeft + j] = x[c, i, j]
    /// (or x[i, j, c] when <paramref name="hwc"/>), zero elsewhere.
    /// </summary>
    public static void Pad(ref float x, ref float padded, int channels, int height, int width,
        int paddedHeight, int paddedWidth, int padTop, int padLeft, bool hwc)
    {
        int plane = paddedHeight * paddedWidth;
        MemoryMarshal.CreateSpan(ref padded, channels * plane).Clear();
        for (int c = 0; c < channels; c++)
        {
            for (int i = 0; i < height; i++)
            {
                ref float row = ref Unsafe.Add(ref padded, c * plane + (padTop + i) * paddedWidth + padLeft);
                if (!hwc)
                {
                    MemoryMarshal.CreateSpan(ref Unsafe.Add(ref x, (c * height + i) * width), width)
                        .CopyTo(MemoryMarshal.CreateSpan(ref row, width));
                }
                else
                {
                    for (int j = 0; j < width; j++) Unsafe.Add(ref row, j) = Unsafe.Add(ref x, (i * width + j) * channels + c);
                }
            }
        }
    }

    /// <summary>The inverse of <see cref="Pad"/> for gradients: dx[c, i, j] = padded[c, padTop + i, padLeft + j] (channel-major).</summary>
    public static void Unpad(ref float padded, ref float dx, int channels, int height, int width,
        int paddedHeight, int paddedWidth, int padTop, int padLeft)
    {
        int plane = paddedHeight * paddedWidth;
        for (int c = 0; c < channels; c++)
        {
            for (int i = 0; i < height; i++)
            {
                MemoryMarshal.CreateSpan(ref Unsafe.Add(ref padded, c * plane + (padTop + i) * paddedWidth + padLeft), width)
                    .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dx, (c * height + i) * width), width));
            }
        }
    }

    /// <summary>Copies <paramref name="count"/> floats.</summary>
    public static void Copy(ref float source, ref float destination, int count) =>
        MemoryMarshal.CreateSpan(ref source, count).CopyTo(MemoryMarshal.CreateSpan(ref destination, count));

    /// <summary>Sets <paramref name="count"/> floats to zero.</summary>
    public static void Clear(ref float values, int count) => MemoryMarshal.CreateSpan(ref values, count).Clear();

    /// <summary>The sum of <paramref name="count"/> floats (vectorized, in a fixed order).</summary>
    public static float Sum(ref float values, int count)
    {
        int i = 0;
        float total = 0f;
        if (Vector512.IsHardwareAccelerated && count >= 16)
        {
            Vector512<float> acc = Vector512<float>.Zero;
            for (; i + 16 <= count; i += 16) acc += Vector512.LoadUnsafe(ref values, (nuint)i);
            total = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && count >= 8)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (; i + 8 <= count; i += 8) acc += Vector256.LoadUnsafe(ref values, (nuint)i);
            total = Vector256.Sum(acc);
        }
        for (; i < count; i++) total += Unsafe.Add(ref values, i);
        return total;
    }

    /// <summary>gradient[i] = ReLU′(y[i]) · gradient[i] over <paramref name="count"/> values.</summary>
    public static void ReluBackward(ref float gradient, ref float y, int count)
    {
        for (int i = 0; i < count; i++) Unsafe.Add(ref gradient, i) = VectorMath.ReluBackward(Unsafe.Add(ref gradient, i), Unsafe.Add(ref y, i));
    }

    /// <summary>gradient[i] = σ′ · gradient[i], from the sigmoid's outputs y.</summary>
    public static void SigmoidBackward(ref float gradient, ref float y, int count)
    {
        for (int i = 0; i < count; i++) Unsafe.Add(ref gradient, i) = VectorMath.SigmoidBackward(Unsafe.Add(ref gradient, i), Unsafe.Add(ref y, i));
    }

    /// <summary>gradient[i] = tanh′ · gradient[i], from tanh's outputs y.</summary>
    public static void TanhBackward(ref float gradient, ref float y, int count)
    {
        for (int i = 0; i < count; i++) Unsafe.Add(ref gradient, i) = VectorMath.TanhBackward(Unsafe.Add(ref gradient, i), Unsafe.Add(ref y, i));
    }

    /// <summary>
    /// Inverted dropout of one sample: each value is kept with probability 1 − rate and scaled by 1 / (1 − rate).
    /// The mask (0 or the scale) comes from <paramref name="seed"/> alone, so it does not depend on threads.
    /// </summary>
    public static void DropoutForward(ref float x, ref float y, ref float mask, int count, float rate, ulong seed)
    {
        var random = new SeededRandom(seed);
        float keep = 1f - rate, scale = 1f / keep;
        for (int i = 0; i < count; i++)
        {
            float m = random.NextSingle() < keep ? scale : 0f;
            Unsafe.Add(ref mask, i) = m;
            Unsafe.Add(ref y, i) = Unsafe.Add(ref x, i) * m;
        }
    }

    /// <summary>dx = dy ⊙ mask.</summary>
    public static void DropoutBackward(ref float dy, ref float mask, ref float dx, int count)
    {
        for (int i = 0; i < count; i++) Unsafe.Add(ref dx, i) = Unsafe.Add(ref dy, i) * Unsafe.Add(ref mask, i);
    }

    /// <summary>A seed for one sample's dropout mask: the trainer's seed, the optimizer step, the layer and the row in the batch.</summary>
    public static ulong DropoutSeed(int seed, long step, int layer, int row) =>
        unchecked(((ulong)(uint)seed << 32) ^ ((ulong)step * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)layer << 24) ^ (uint)row);
}
