using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// Means and maxima over a whole axis, and their gradients, for the generated global pooling code: over the rows of
/// each sample's (steps, features) matrix, a register of features at a time (sequences, and images stored (H, W, C)),
/// or over each contiguous plane (images stored channel-major). Sums run in step order on every path, so the three
/// instruction-set paths give the same bits. Maxima are IEEE 754 maxima: a NaN makes the result NaN. A maximum's
/// gradient goes to the first position holding it (to the first NaN when it is NaN), every other position gets zero.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class ReductionKernels
{
    /// <summary>y[s, f] = mean over t of x[s, t, f], for x [samples, steps, features].</summary>
    public static void MeanOfSteps(ref float x, ref float y, int samples, int steps, int features)
    {
        float scale = steps;
        for (int s = 0; s < samples; s++)
        {
            ref float xs = ref Unsafe.Add(ref x, s * steps * features);
            ref float ys = ref Unsafe.Add(ref y, s * features);
            int f = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; f + 16 <= features; f += 16)
                {
                    var acc = Vector512.LoadUnsafe(ref xs, (nuint)f);
                    for (int t = 1; t < steps; t++) acc += Vector512.LoadUnsafe(ref xs, (nuint)(t * features + f));
                    (acc / scale).StoreUnsafe(ref ys, (nuint)f);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; f + 8 <= features; f += 8)
                {
                    var acc = Vector256.LoadUnsafe(ref xs, (nuint)f);
                    for (int t = 1; t < steps; t++) acc += Vector256.LoadUnsafe(ref xs, (nuint)(t * features + f));
                    (acc / scale).StoreUnsafe(ref ys, (nuint)f);
                }
            }
            for (; f < features; f++)
            {
                float acc = Unsafe.Add(ref xs, f);
                for (int t = 1; t < steps; t++) acc += Unsafe.Add(ref xs, t * features + f);
                Unsafe.Add(ref ys, f) = acc / scale;
            }
        }
    }

    /// <summary>y[s, f] = max over t of x[s, t, f], for x [samples, steps, features] (NaN when any is NaN).</summary>
    public static void MaxOfSteps(ref float x, ref float y, int samples, int steps, int features)
    {
        for (int s = 0; s < samples; s++)
        {
            ref float xs = ref Unsafe.Add(ref x, s * steps * features);
            ref float ys = ref Unsafe.Add(ref y, s * features);
            int f = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; f + 16 <= features; f += 16)
                {
                    var acc = Vector512.LoadUnsafe(ref xs, (nuint)f);
                    for (int t = 1; t < steps; t++) acc = Vector512.Max(acc, Vector512.LoadUnsafe(ref xs, (nuint)(t * features + f)));
                    acc.StoreUnsafe(ref ys, (nuint)f);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; f + 8 <= features; f += 8)
                {
                    var acc = Vector256.LoadUnsafe(ref xs, (nuint)f);
                    for (int t = 1; t < steps; t++) acc = Vector256.Max(acc, Vector256.LoadUnsafe(ref xs, (nuint)(t * features + f)));
                    acc.StoreUnsafe(ref ys, (nuint)f);
                }
            }
            for (; f < features; f++)
            {
                float acc = Unsafe.Add(ref xs, f);
                for (int t = 1; t < steps; t++) acc = float.Max(acc, Unsafe.Add(ref xs, t * features + f));
                Unsafe.Add(ref ys, f) = acc;
            }
        }
    }

    /// <summary>dx[s, t, f] = dy[s, f] / steps: the gradient of <see cref="MeanOfSteps"/>, every position written.</summary>
    public static void MeanOfStepsBackward(ref float dy, ref float dx, int samples, int steps, int features)
    {
        float scale = steps;
        for (int s = 0; s < samples; s++)
        {
            ref float row = ref Unsafe.Add(ref dx, s * steps * features);
            ref float g = ref Unsafe.Add(ref dy, s * features);
            for (int f = 0; f < features; f++) Unsafe.Add(ref row, f) = Unsafe.Add(ref g, f) / scale;
            var first = MemoryMarshal.CreateReadOnlySpan(ref row, features);
            for (int t = 1; t < steps; t++) first.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref row, t * features), features));
        }
    }

    /// <summary>
    /// dx[s, t, f] = dy[s, f] at the first step t where x[s, t, f] is the maximum y[s, f] (or NaN when y is), zero
    /// elsewhere: the gradient of <see cref="MaxOfSteps"/>, every position written.
    /// </summary>
    public static void MaxOfStepsBackward(ref float x, ref float y, ref float dy, ref float dx, int samples, int steps, int features)
    {
        for (int s = 0; s < samples; s++)
        {
            int start = s * steps * features;
            ref float xs = ref Unsafe.Add(ref x, start);
            ref float dxs = ref Unsafe.Add(ref dx, start);
            ref float ys = ref Unsafe.Add(ref y, s * features);
            ref float gs = ref Unsafe.Add(ref dy, s * features);
            int f = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; f + 16 <= features; f += 16)
                {
                    var best = Vector512.LoadUnsafe(ref ys, (nuint)f);
                    var g = Vector512.LoadUnsafe(ref gs, (nuint)f);
                    var nanBest = ~Vector512.Equals(best, best);
                    var found = Vector512<float>.Zero;
                    for (int t = 0; t < steps; t++)
                    {
                        var v = Vector512.LoadUnsafe(ref xs, (nuint)(t * features + f));
                        var hit = Vector512.AndNot(Vector512.Equals(v, best) | (nanBest & ~Vector512.Equals(v, v)), found);
                        (hit & g).StoreUnsafe(ref dxs, (nuint)(t * features + f));
                        found |= hit;
                    }
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; f + 8 <= features; f += 8)
                {
                    var best = Vector256.LoadUnsafe(ref ys, (nuint)f);
                    var g = Vector256.LoadUnsafe(ref gs, (nuint)f);
                    var nanBest = ~Vector256.Equals(best, best);
                    var found = Vector256<float>.Zero;
                    for (int t = 0; t < steps; t++)
                    {
                        var v = Vector256.LoadUnsafe(ref xs, (nuint)(t * features + f));
                        var hit = Vector256.AndNot(Vector256.Equals(v, best) | (nanBest & ~Vector256.Equals(v, v)), found);
                        (hit & g).StoreUnsafe(ref dxs, (nuint)(t * features + f));
                        found |= hit;
                    }
                }
            }
            for (; f < features; f++)
            {
                float best = Unsafe.Add(ref ys, f), g = Unsafe.Add(ref gs, f);
                bool found = false;
                for (int t = 0; t < steps; t++)
                {
                    float v = Unsafe.Add(ref xs, t * features + f);
                    bool hit = !found && (v == best || (float.IsNaN(best) && float.IsNaN(v)));
                    Unsafe.Add(ref dxs, t * features + f) = hit ? g : 0f;
                    found |= hit;
                }
            }
        }
    }

    /// <summary>y[p] = mean of x[p, 0..size], for <paramref name="planes"/> contiguous planes of <paramref name="size"/> floats.</summary>
    public static void MeanOfPlanes(ref float x, ref float y, int planes, int size)
    {
        float scale = size;
        for (int p = 0; p < planes; p++) Unsafe.Add(ref y, p) = ImageKernels.Sum(ref Unsafe.Add(ref x, p * size), size) / scale;
    }

    /// <summary>y[p] = max of x[p, 0..size] (NaN when any is NaN), for contiguous planes.</summary>
    public static void MaxOfPlanes(ref float x, ref float y, int planes, int size)
    {
        for (int p = 0; p < planes; p++)
        {
            ref float plane = ref Unsafe.Add(ref x, p * size);
            float best = plane;
            int i = 0;
            if (Vector512.IsHardwareAccelerated && size >= 16)
            {
                var acc = Vector512.LoadUnsafe(ref plane);
                for (i = 16; i + 16 <= size; i += 16) acc = Vector512.Max(acc, Vector512.LoadUnsafe(ref plane, (nuint)i));
                for (int lane = 0; lane < 16; lane++) best = float.Max(best, acc.GetElement(lane));
            }
            else if (Vector256.IsHardwareAccelerated && size >= 8)
            {
                var acc = Vector256.LoadUnsafe(ref plane);
                for (i = 8; i + 8 <= size; i += 8) acc = Vector256.Max(acc, Vector256.LoadUnsafe(ref plane, (nuint)i));
                for (int lane = 0; lane < 8; lane++) best = float.Max(best, acc.GetElement(lane));
            }
            for (; i < size; i++) best = float.Max(best, Unsafe.Add(ref plane, i));
            Unsafe.Add(ref y, p) = best;
        }
    }

    /// <summary>dx[p, i] = dy[p] / size: the gradient of <see cref="MeanOfPlanes"/>, every position written.</summary>
    public static void MeanOfPlanesBackward(ref float dy, ref float dx, int planes, int size)
    {
        float scale = size;
        for (int p = 0; p < planes; p++) MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dx, p * size), size).Fill(Unsafe.Add(ref dy, p) / scale);
    }

    /// <summary>
    /// dx[p, i] = dy[p] at the first i where x[p, i] is the maximum y[p] (or NaN when y is), zero elsewhere: the
    /// gradient of <see cref="MaxOfPlanes"/>, every position written.
    /// </summary>
    public static void MaxOfPlanesBackward(ref float x, ref float y, ref float dy, ref float dx, int planes, int size)
    {
        for (int p = 0; p < planes; p++)
        {
            ref float plane = ref Unsafe.Add(ref x, p * size);
            MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dx, p * size), size).Clear();
            float best = Unsafe.Add(ref y, p);
            int at = float.IsNaN(best) ? FirstNaN(ref plane, size) : FirstEqual(ref plane, size, best);
            if (at >= 0) Unsafe.Add(ref dx, p * size + at) = Unsafe.Add(ref dy, p);
        }
    }

    private static int FirstEqual(ref float values, int count, float value)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var target = Vector256.Create(value);
            for (; i + 8 <= count; i += 8)
            {
                uint bits = Vector256.ExtractMostSignificantBits(Vector256.Equals(Vector256.LoadUnsafe(ref values, (nuint)i), target));
                if (bits != 0) return i + BitOperations.TrailingZeroCount(bits);
            }
        }
        for (; i < count; i++) if (Unsafe.Add(ref values, i) == value) return i;
        return -1;
    }

    private static int FirstNaN(ref float values, int count)
    {
        for (int i = 0; i < count; i++) if (float.IsNaN(Unsafe.Add(ref values, i))) return i;
        return -1;
    }
}
