using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Kernels;

/// <summary>
/// Moves images between the sample-major layout every layer shares (x[sample, c, h, w]) and the sample-lane layout
/// the training convolutions on small images compute in: 16 samples side by side, packed[c, h, w, lane], so that a
/// register of 16 floats is one pixel of 16 samples and every output lane is useful work (the padded grid drops
/// PaddedWidth − OutWidth columns of every row: 144 columns for 100 outputs of a 10-wide output). Lanes past the last sample
/// are zero. On AVX-512 blocks of 16 × 16 are transposed in registers. The methods are compiled optimized at their first
/// call (no tier-up while a trainer runs).
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class SampleLanes
{
    /// <summary>Samples per lane group.</summary>
    public const int Lanes = 16;

    /// <summary>
    /// packed[((c · paddedHeight + padTop + i) · paddedWidth + padLeft + j) · 16 + s] = x[s · size + (c, i, j)] for the
    /// first <paramref name="lanes"/> samples (x channel-major, or (H, W, C) when <paramref name="hwc"/>); zero in the
    /// border and in the lanes past <paramref name="lanes"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pack(ref float x, int lanes, int size, int channels, int height, int width,
        int paddedHeight, int paddedWidth, int padTop, int padLeft, bool hwc, ref float packed)
    {
        CheckLanes(lanes);
        if (!hwc && paddedHeight == height && paddedWidth == width)
        {
            ToLanes(ref x, size, lanes, channels * height * width, ref packed);
            return;
        }
        MemoryMarshal.CreateSpan(ref packed, channels * paddedHeight * paddedWidth * Lanes).Clear();
        for (int c = 0; c < channels; c++)
        {
            for (int i = 0; i < height; i++)
            {
                ref float row = ref Unsafe.Add(ref packed, ((c * paddedHeight + padTop + i) * paddedWidth + padLeft) * Lanes);
                if (!hwc)
                {
                    ToLanes(ref Unsafe.Add(ref x, (c * height + i) * width), size, lanes, width, ref row);
                    continue;
                }
                for (int j = 0; j < width; j++)
                {
                    for (int s = 0; s < lanes; s++)
                    {
                        Unsafe.Add(ref row, j * Lanes + s) = Unsafe.Add(ref x, s * size + (i * width + j) * channels + c);
                    }
                }
            }
        }
    }

    /// <summary>y[s · size + j] = packed[j · 16 + s] for the first <paramref name="lanes"/> samples and j &lt; size.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unpack(ref float packed, int lanes, int size, ref float y)
    {
        CheckLanes(lanes);
        FromLanes(ref packed, lanes, size, ref y, size);
    }

    /// <summary>
    /// The inverse of <see cref="Pack"/> for gradients: dx[s · size + (c, i, j)] = packed[((c · paddedHeight + padTop + i) ·
    /// paddedWidth + padLeft + j) · 16 + s]; the border is dropped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void UnpackCropped(ref float packed, int lanes, int size, int channels, int height, int width,
        int paddedHeight, int paddedWidth, int padTop, int padLeft, bool hwc, ref float dx)
    {
        CheckLanes(lanes);
        if (!hwc && paddedHeight == height && paddedWidth == width)
        {
            FromLanes(ref packed, lanes, channels * height * width, ref dx, size);
            return;
        }
        for (int c = 0; c < channels; c++)
        {
            for (int i = 0; i < height; i++)
            {
                ref float row = ref Unsafe.Add(ref packed, ((c * paddedHeight + padTop + i) * paddedWidth + padLeft) * Lanes);
                if (!hwc)
                {
                    FromLanes(ref row, lanes, width, ref Unsafe.Add(ref dx, (c * height + i) * width), size);
                    continue;
                }
                for (int j = 0; j < width; j++)
                {
                    for (int s = 0; s < lanes; s++)
                    {
                        Unsafe.Add(ref dx, s * size + (i * width + j) * channels + c) = Unsafe.Add(ref row, j * Lanes + s);
                    }
                }
            }
        }
    }

    private static void CheckLanes(int lanes)
    {
        if ((uint)(lanes - 1) >= Lanes) throw new ArgumentOutOfRangeException(nameof(lanes), lanes, "A lane group holds 1 to 16 samples.");
    }

    /// <summary>dst[j · 16 + s] = src[s · stride + j] for s &lt; lanes, 0 for the other lanes, j &lt; count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ToLanes(ref float src, int stride, int lanes, int count, ref float dst)
    {
        int j = 0;
        if (Avx512F.IsSupported)
        {
            for (; j + Lanes <= count; j += Lanes)
            {
                ref float block = ref Unsafe.Add(ref src, j);
                RegisterTranspose.Transpose16(
                    Row(ref block, 0, stride, lanes), Row(ref block, 1, stride, lanes), Row(ref block, 2, stride, lanes), Row(ref block, 3, stride, lanes),
                    Row(ref block, 4, stride, lanes), Row(ref block, 5, stride, lanes), Row(ref block, 6, stride, lanes), Row(ref block, 7, stride, lanes),
                    Row(ref block, 8, stride, lanes), Row(ref block, 9, stride, lanes), Row(ref block, 10, stride, lanes), Row(ref block, 11, stride, lanes),
                    Row(ref block, 12, stride, lanes), Row(ref block, 13, stride, lanes), Row(ref block, 14, stride, lanes), Row(ref block, 15, stride, lanes),
                    ref Unsafe.Add(ref dst, j * Lanes), Lanes, Lanes);
            }
        }
        for (; j < count; j++)
        {
            ref float pixel = ref Unsafe.Add(ref dst, j * Lanes);
            for (int s = 0; s < Lanes; s++) Unsafe.Add(ref pixel, s) = s < lanes ? Unsafe.Add(ref src, s * stride + j) : 0f;
        }
    }

    /// <summary>dst[s · stride + j] = src[j · 16 + s] for s &lt; lanes, j &lt; count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FromLanes(ref float src, int lanes, int count, ref float dst, int stride)
    {
        int j = 0;
        if (Avx512F.IsSupported)
        {
            for (; j + Lanes <= count; j += Lanes)
            {
                ref float block = ref Unsafe.Add(ref src, j * Lanes);
                RegisterTranspose.Transpose16(
                    Pixel(ref block, 0), Pixel(ref block, 1), Pixel(ref block, 2), Pixel(ref block, 3),
                    Pixel(ref block, 4), Pixel(ref block, 5), Pixel(ref block, 6), Pixel(ref block, 7),
                    Pixel(ref block, 8), Pixel(ref block, 9), Pixel(ref block, 10), Pixel(ref block, 11),
                    Pixel(ref block, 12), Pixel(ref block, 13), Pixel(ref block, 14), Pixel(ref block, 15),
                    ref Unsafe.Add(ref dst, j), stride, lanes);
            }
        }
        for (; j < count; j++)
        {
            ref float pixel = ref Unsafe.Add(ref src, j * Lanes);
            for (int s = 0; s < lanes; s++) Unsafe.Add(ref dst, s * stride + j) = Unsafe.Add(ref pixel, s);
        }
    }

    /// <summary>Row s of a block: 16 floats of sample s, or zero past the group's samples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Row(ref float block, int s, int stride, int lanes) =>
        s < lanes ? Vector512.LoadUnsafe(ref block, (nuint)(s * stride)) : Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pixel(ref float block, int k) => Vector512.LoadUnsafe(ref block, (nuint)(k * Lanes));
}
