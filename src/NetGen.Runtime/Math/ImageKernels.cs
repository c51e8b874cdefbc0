using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// Memory-bound helpers the generated convolution, pooling, flatten and dropout code shares: padding copies,
/// activation derivatives over whole buffers, sums, and dropout masks.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
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
        if (!hwc && padTop == 0 && padLeft == 0 && paddedHeight == height && paddedWidth == width)
        {
            // no border: the padded copy is the input itself (the slack after it stays as allocated: zero)
            MemoryMarshal.CreateSpan(ref x, channels * plane).CopyTo(MemoryMarshal.CreateSpan(ref padded, channels * plane));
            return;
        }
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

    /// <summary>The inverse of <see cref="Pad"/> for gradients: dx[c, i, j] = padded[c, padTop + i, padLeft + j] (dx channel-major, or (H, W, C) when <paramref name="hwc"/>).</summary>
    public static void Unpad(ref float padded, ref float dx, int channels, int height, int width,
        int paddedHeight, int paddedWidth, int padTop, int padLeft, bool hwc = false)
    {
        int plane = paddedHeight * paddedWidth;
        for (int c = 0; c < channels; c++)
        {
            for (int i = 0; i < height; i++)
            {
                ref float row = ref Unsafe.Add(ref padded, c * plane + (padTop + i) * paddedWidth + padLeft);
                if (!hwc)
                {
                    MemoryMarshal.CreateSpan(ref row, width).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dx, (c * height + i) * width), width));
                }
                else
                {
                    for (int j = 0; j < width; j++) Unsafe.Add(ref dx, (i * width + j) * channels + c) = Unsafe.Add(ref row, j);
                }
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

    /// <summary>gradient[i] = ReLU′(y[i]) · gradient[i] over <paramref name="count"/> values (vectorized, branch-free: after ReLU, zeros make branches unpredictable).</summary>
    public static void ReluBackward(ref float gradient, ref float y, int count) => Backward(default(ReluFunction), ref gradient, ref y, count);

    /// <summary>gradient[i] = σ′ · gradient[i], from the sigmoid's outputs y.</summary>
    public static void SigmoidBackward(ref float gradient, ref float y, int count) => Backward(default(SigmoidFunction), ref gradient, ref y, count);

    /// <summary>gradient[i] = tanh′ · gradient[i], from tanh's outputs y.</summary>
    public static void TanhBackward(ref float gradient, ref float y, int count) => Backward(default(TanhFunction), ref gradient, ref y, count);

    /// <summary>gradient[i] = GELU′(x[i]) · gradient[i], from GELU's inputs (pre-activations) x.</summary>
    public static void GeluBackward(ref float gradient, ref float x, int count) => Backward(default(GeluFunction), ref gradient, ref x, count);

    /// <summary>gradient[i] = GELU′(x[i]) · gradient[i] of the tanh approximation, from its inputs x.</summary>
    public static void GeluTanhBackward(ref float gradient, ref float x, int count) => Backward(default(GeluTanhFunction), ref gradient, ref x, count);

    /// <summary>gradient[i] = SiLU′(x[i]) · gradient[i], from SiLU's inputs x.</summary>
    public static void SiluBackward(ref float gradient, ref float x, int count) => Backward(default(SiluFunction), ref gradient, ref x, count);

    /// <summary>y[i] = ReLU(x[i]) over <paramref name="count"/> values (y may be x).</summary>
    public static void Relu(ref float x, ref float y, int count) => Forward(default(ReluFunction), ref x, ref y, count);

    /// <summary>y[i] = σ(x[i]).</summary>
    public static void Sigmoid(ref float x, ref float y, int count) => Forward(default(SigmoidFunction), ref x, ref y, count);

    /// <summary>y[i] = tanh(x[i]).</summary>
    public static void Tanh(ref float x, ref float y, int count) => Forward(default(TanhFunction), ref x, ref y, count);

    /// <summary>y[i] = GELU(x[i]), exact (erf).</summary>
    public static void Gelu(ref float x, ref float y, int count) => Forward(default(GeluFunction), ref x, ref y, count);

    /// <summary>y[i] = GELU(x[i]), tanh approximation.</summary>
    public static void GeluTanh(ref float x, ref float y, int count) => Forward(default(GeluTanhFunction), ref x, ref y, count);

    /// <summary>y[i] = SiLU(x[i]) = x[i]·σ(x[i]).</summary>
    public static void Silu(ref float x, ref float y, int count) => Forward(default(SiluFunction), ref x, ref y, count);

    /// <summary>y[i] = LeakyReLU(x[i]): x[i] for x[i] &gt; 0, <paramref name="alpha"/>·x[i] otherwise.</summary>
    public static void LeakyRelu(ref float x, ref float y, int count, float alpha) => Forward(new LeakyReluFunction(alpha), ref x, ref y, count);

    /// <summary>gradient[i] = LeakyReLU′ · gradient[i], from LeakyReLU's outputs y (1 for y &gt; 0, <paramref name="alpha"/> otherwise).</summary>
    public static void LeakyReluBackward(ref float gradient, ref float y, int count, float alpha) => Backward(new LeakyReluFunction(alpha), ref gradient, ref y, count);

    /// <summary>y[i] = ELU(x[i]): x[i] for x[i] &gt; 0, <paramref name="alpha"/>·(e^x[i] − 1) otherwise.</summary>
    public static void Elu(ref float x, ref float y, int count, float alpha) => Forward(new EluFunction(alpha), ref x, ref y, count);

    /// <summary>gradient[i] = ELU′ · gradient[i], from ELU's outputs y (1 for y &gt; 0, y + <paramref name="alpha"/> otherwise).</summary>
    public static void EluBackward(ref float gradient, ref float y, int count, float alpha) => Backward(new EluFunction(alpha), ref gradient, ref y, count);

    /// <summary>An activation at every register width, for <see cref="Forward{T}"/>.</summary>
    private interface IActivation
    {
        float Apply(float x);
        Vector256<float> Apply(Vector256<float> x);
        Vector512<float> Apply(Vector512<float> x);
    }

    /// <summary>
    /// y = T(x), a register at a time; the tail goes through one more register (copied in and out of the stack), so every
    /// value gets the same bits wherever it falls: one sample's Predict and a batch's agree exactly.
    /// </summary>
    [SkipLocalsInit]
    private static void Forward<T>(T f, ref float x, ref float y, int count) where T : struct, IActivation
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= count; i += 16) f.Apply(Vector512.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            if (i < count)
            {
                Span<float> tail = stackalloc float[16];
                tail.Clear();
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref x, i), count - i).CopyTo(tail);
                f.Apply(Vector512.Create((ReadOnlySpan<float>)tail)).CopyTo(tail);
                tail.Slice(0, count - i).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref y, i), count - i));
            }
            return;
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= count; i += 8) f.Apply(Vector256.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            if (i < count)
            {
                Span<float> tail = stackalloc float[8];
                tail.Clear();
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref x, i), count - i).CopyTo(tail);
                f.Apply(Vector256.Create((ReadOnlySpan<float>)tail)).CopyTo(tail);
                tail.Slice(0, count - i).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref y, i), count - i));
            }
            return;
        }
        for (; i < count; i++) Unsafe.Add(ref y, i) = f.Apply(Unsafe.Add(ref x, i));
    }

    /// <summary>An activation's derivative at every register width, for <see cref="Backward{T}"/>: from the output y for
    /// ReLU, sigmoid, tanh, LeakyReLU and ELU, from the input x for GELU and SiLU. The functions are structs: those
    /// with a parameter (α) carry it, the others are empty, and each instantiation is compiled for its own struct.</summary>
    private interface IDerivative
    {
        float Apply(float gradient, float y);
        Vector256<float> Apply(Vector256<float> gradient, Vector256<float> y);
        Vector512<float> Apply(Vector512<float> gradient, Vector512<float> y);
    }

    private readonly struct ReluFunction : IDerivative, IActivation
    {
        public float Apply(float x) => VectorMath.Relu(x);
        public Vector256<float> Apply(Vector256<float> x) => VectorMath.Relu(x);
        public Vector512<float> Apply(Vector512<float> x) => VectorMath.Relu(x);
        public float Apply(float g, float y) => VectorMath.ReluBackward(g, y);
        public Vector256<float> Apply(Vector256<float> g, Vector256<float> y) => VectorMath.ReluBackward(g, y);
        public Vector512<float> Apply(Vector512<float> g, Vector512<float> y) => VectorMath.ReluBackward(g, y);
    }

    private readonly struct SigmoidFunction : IDerivative, IActivation
    {
        public float Apply(float x) => VectorMath.Sigmoid(x);
        public Vector256<float> Apply(Vector256<float> x) => VectorMath.Sigmoid(x);
        public Vector512<float> Apply(Vector512<float> x) => VectorMath.Sigmoid(x);
        public float Apply(float g, float y) => VectorMath.SigmoidBackward(g, y);
        public Vector256<float> Apply(Vector256<float> g, Vector256<float> y) => VectorMath.SigmoidBackward(g, y);
        public Vector512<float> Apply(Vector512<float> g, Vector512<float> y) => VectorMath.SigmoidBackward(g, y);
    }

    private readonly struct TanhFunction : IDerivative, IActivation
    {
        public float Apply(float x) => VectorMath.Tanh(x);
        public Vector256<float> Apply(Vector256<float> x) => VectorMath.Tanh(x);
        public Vector512<float> Apply(Vector512<float> x) => VectorMath.Tanh(x);
        public float Apply(float g, float y) => VectorMath.TanhBackward(g, y);
        public Vector256<float> Apply(Vector256<float> g, Vector256<float> y) => VectorMath.TanhBackward(g, y);
        public Vector512<float> Apply(Vector512<float> g, Vector512<float> y) => VectorMath.TanhBackward(g, y);
    }

    private readonly struct GeluFunction : IDerivative, IActivation
    {
        public float Apply(float x) => VectorMath.Gelu(x);
        public Vector256<float> Apply(Vector256<float> x) => VectorMath.Gelu(x);
        public Vector512<float> Apply(Vector512<float> x) => VectorMath.Gelu(x);
        public float Apply(float g, float x) => VectorMath.GeluBackward(g, x);
        public Vector256<float> Apply(Vector256<float> g, Vector256<float> x) => VectorMath.GeluBackward(g, x);
        public Vector512<float> Apply(Vector512<float> g, Vector512<float> x) => VectorMath.GeluBackward(g, x);
    }

    private readonly struct GeluTanhFunction : IDerivative, IActivation
    {
        public float Apply(float x) => VectorMath.GeluTanh(x);
        public Vector256<float> Apply(Vector256<float> x) => VectorMath.GeluTanh(x);
        public Vector512<float> Apply(Vector512<float> x) => VectorMath.GeluTanh(x);
        public float Apply(float g, float x) => VectorMath.GeluTanhBackward(g, x);
        public Vector256<float> Apply(Vector256<float> g, Vector256<float> x) => VectorMath.GeluTanhBackward(g, x);
        public Vector512<float> Apply(Vector512<float> g, Vector512<float> x) => VectorMath.GeluTanhBackward(g, x);
    }

    private readonly struct SiluFunction : IDerivative, IActivation
    {
        public float Apply(float x) => VectorMath.Silu(x);
        public Vector256<float> Apply(Vector256<float> x) => VectorMath.Silu(x);
        public Vector512<float> Apply(Vector512<float> x) => VectorMath.Silu(x);
        public float Apply(float g, float x) => VectorMath.SiluBackward(g, x);
        public Vector256<float> Apply(Vector256<float> g, Vector256<float> x) => VectorMath.SiluBackward(g, x);
        public Vector512<float> Apply(Vector512<float> g, Vector512<float> x) => VectorMath.SiluBackward(g, x);
    }

    private readonly struct LeakyReluFunction(float alpha) : IDerivative, IActivation
    {
        public float Apply(float x) => VectorMath.LeakyRelu(x, alpha);
        public Vector256<float> Apply(Vector256<float> x) => VectorMath.LeakyRelu(x, alpha);
        public Vector512<float> Apply(Vector512<float> x) => VectorMath.LeakyRelu(x, alpha);
        public float Apply(float g, float y) => VectorMath.LeakyReluBackward(g, y, alpha);
        public Vector256<float> Apply(Vector256<float> g, Vector256<float> y) => VectorMath.LeakyReluBackward(g, y, alpha);
        public Vector512<float> Apply(Vector512<float> g, Vector512<float> y) => VectorMath.LeakyReluBackward(g, y, alpha);
    }

    private readonly struct EluFunction(float alpha) : IDerivative, IActivation
    {
        public float Apply(float x) => VectorMath.Elu(x, alpha);
        public Vector256<float> Apply(Vector256<float> x) => VectorMath.Elu(x, alpha);
        public Vector512<float> Apply(Vector512<float> x) => VectorMath.Elu(x, alpha);
        public float Apply(float g, float y) => VectorMath.EluBackward(g, y, alpha);
        public Vector256<float> Apply(Vector256<float> g, Vector256<float> y) => VectorMath.EluBackward(g, y, alpha);
        public Vector512<float> Apply(Vector512<float> g, Vector512<float> y) => VectorMath.EluBackward(g, y, alpha);
    }

    /// <summary>gradient = T′(y) ⊙ gradient, a register at a time, then a scalar tail.</summary>
    private static void Backward<T>(T f, ref float gradient, ref float y, int count) where T : struct, IDerivative
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= count; i += 16)
                f.Apply(Vector512.LoadUnsafe(ref gradient, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref gradient, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= count; i += 8)
                f.Apply(Vector256.LoadUnsafe(ref gradient, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref gradient, (nuint)i);
        }
        for (; i < count; i++) Unsafe.Add(ref gradient, i) = f.Apply(Unsafe.Add(ref gradient, i), Unsafe.Add(ref y, i));
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

/// <summary>Moves convolution outputs between dense (C, H, W) planes and the padded grid the stride-1 kernels compute on.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class GridKernels
{
    /// <summary>y[f, oh, ow] = grid[f, oh · gridWidth + ow] for every filter (the grid's extra columns are dropped).</summary>
    public static void FromGrid(ref float grid, ref float y, int filters, int height, int width, int gridWidth, int gridColumns)
    {
        for (int f = 0; f < filters; f++)
        {
            for (int i = 0; i < height; i++)
            {
                MemoryMarshal.CreateSpan(ref Unsafe.Add(ref grid, f * gridColumns + i * gridWidth), width)
                    .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref y, (f * height + i) * width), width));
            }
        }
    }

    /// <summary>grid[f, oh · gridWidth + ow] = dy[f, oh, ow], zero in every other column.</summary>
    public static void ToGrid(ref float dy, ref float grid, int filters, int height, int width, int gridWidth, int gridColumns)
    {
        for (int f = 0; f < filters; f++)
        {
            ref float plane = ref Unsafe.Add(ref grid, f * gridColumns);
            for (int i = 0; i < height; i++)
            {
                ref float row = ref Unsafe.Add(ref plane, i * gridWidth);
                MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dy, (f * height + i) * width), width).CopyTo(MemoryMarshal.CreateSpan(ref row, width));
                MemoryMarshal.CreateSpan(ref Unsafe.Add(ref row, width), gridWidth - width).Clear();
            }
            MemoryMarshal.CreateSpan(ref Unsafe.Add(ref plane, height * gridWidth), gridColumns - height * gridWidth).Clear();
        }
    }

    /// <summary>w2[f, t, c] = w[f, c, t]: a convolution's kernels [filters, channels, taps] with the channel moved last.</summary>
    public static void ChannelLast(ref float w, ref float permuted, int filters, int channels, int taps)
    {
        for (int f = 0; f < filters; f++)
            for (int c = 0; c < channels; c++)
                for (int t = 0; t < taps; t++)
                    Unsafe.Add(ref permuted, (f * taps + t) * channels + c) = Unsafe.Add(ref w, (f * channels + c) * taps + t);
    }

    /// <summary>db[f] += Σ dy[f, :, :] for each of <paramref name="filters"/> planes of <paramref name="plane"/> floats.</summary>
    public static void AddPlaneSums(ref float dy, ref float db, int filters, int plane)
    {
        for (int f = 0; f < filters; f++) Unsafe.Add(ref db, f) += ImageKernels.Sum(ref Unsafe.Add(ref dy, f * plane), plane);
    }
}
