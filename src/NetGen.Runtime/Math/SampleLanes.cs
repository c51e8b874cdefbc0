using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen;

/// <summary>
/// Moves images between the sample-major layout every layer shares (x[sample, c, h, w]) and the sample-lane layout
/// the training convolutions on small images compute in: 16 samples side by side, packed[c, h, w, lane], so that a
/// register of 16 floats is one pixel of 16 samples and every output lane is useful work (the padded grid drops
/// PaddedWidth − OutWidth columns of every row, 44 % of the work for a 10-wide output). Lanes past the last sample
/// are zero. On AVX-512 blocks of 16 × 16 are transposed in registers.
/// </summary>
public static class SampleLanes
{
    /// <summary>Samples per lane group.</summary>
    public const int Lanes = 16;

    /// <summary>
    /// packed[((c · paddedHeight + padTop + i) · paddedWidth + padLeft + j) · 16 + s] = x[s · size + (c, i, j)] for the
    /// first <paramref name="lanes"/> samples (x channel-major, or (H, W, C) when <paramref name="hwc"/>); zero in the
    /// border and in the lanes past <paramref name="lanes"/>.
    /// </summary>
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
    public static void Unpack(ref float packed, int lanes, int size, ref float y)
    {
        CheckLanes(lanes);
        FromLanes(ref packed, lanes, size, ref y, size);
    }

    /// <summary>
    /// The inverse of <see cref="Pack"/> for gradients: dx[s · size + (c, i, j)] = packed[((c · paddedHeight + padTop + i) ·
    /// paddedWidth + padLeft + j) · 16 + s]; the border is dropped.
    /// </summary>
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
    private static void ToLanes(ref float src, int stride, int lanes, int count, ref float dst)
    {
        int j = 0;
        if (Avx512F.IsSupported)
        {
            Span<Vector512<float>> block = stackalloc Vector512<float>[Lanes];
            for (; j + Lanes <= count; j += Lanes)
            {
                for (int s = 0; s < Lanes; s++)
                {
                    block[s] = s < lanes ? Vector512.LoadUnsafe(ref src, (nuint)(s * stride + j)) : Vector512<float>.Zero;
                }
                Transpose16(block);
                for (int k = 0; k < Lanes; k++) block[k].StoreUnsafe(ref dst, (nuint)((j + k) * Lanes));
            }
        }
        for (; j < count; j++)
        {
            ref float pixel = ref Unsafe.Add(ref dst, j * Lanes);
            for (int s = 0; s < Lanes; s++) Unsafe.Add(ref pixel, s) = s < lanes ? Unsafe.Add(ref src, s * stride + j) : 0f;
        }
    }

    /// <summary>dst[s · stride + j] = src[j · 16 + s] for s &lt; lanes, j &lt; count.</summary>
    private static void FromLanes(ref float src, int lanes, int count, ref float dst, int stride)
    {
        int j = 0;
        if (Avx512F.IsSupported)
        {
            Span<Vector512<float>> block = stackalloc Vector512<float>[Lanes];
            for (; j + Lanes <= count; j += Lanes)
            {
                for (int k = 0; k < Lanes; k++) block[k] = Vector512.LoadUnsafe(ref src, (nuint)((j + k) * Lanes));
                Transpose16(block);
                for (int s = 0; s < lanes; s++) block[s].StoreUnsafe(ref dst, (nuint)(s * stride + j));
            }
        }
        for (; j < count; j++)
        {
            ref float pixel = ref Unsafe.Add(ref src, j * Lanes);
            for (int s = 0; s < lanes; s++) Unsafe.Add(ref dst, s * stride + j) = Unsafe.Add(ref pixel, s);
        }
    }

    /// <summary>
    /// Transposes 16 registers of 16 floats in place: four butterfly stages, each pairing rows i and i + b (b = 8, 4,
    /// 2, 1) and exchanging their b-wide lane blocks with two-source permutes, which swaps the off-diagonal blocks at
    /// every scale.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose16(Span<Vector512<float>> r)
    {
        Stage(r, 8, Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23), Vector512.Create(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31));
        Stage(r, 4, Vector512.Create(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27), Vector512.Create(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31));
        Stage(r, 2, Vector512.Create(0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29), Vector512.Create(2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31));
        Stage(r, 1, Vector512.Create(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30), Vector512.Create(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31));
    }

    /// <summary>
    /// For every row i with bit b clear and its partner j = i + b: i keeps its lanes with bit b clear and takes j's
    /// matching ones; j takes i's lanes with bit b set and keeps its own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Stage(Span<Vector512<float>> r, int b, Vector512<int> low, Vector512<int> high)
    {
        for (int i = 0; i < Lanes; i++)
        {
            if ((i & b) != 0) continue;
            var top = r[i];
            var bottom = r[i + b];
            r[i] = Avx512F.PermuteVar16x32x2(top, low, bottom);
            r[i + b] = Avx512F.PermuteVar16x32x2(top, high, bottom);
        }
    }
}
