using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// 2×2, stride-2 pooling a register of input columns at a time, for the generated pooling kernels: the two input rows
/// of a row of windows are loaded whole, each window's two columns are an adjacent pair of lanes, and pairs are
/// combined by swapping neighbours. A 512-bit call covers 16 input columns (8 windows), a 256-bit call 8 (4 windows).
/// Backward calls store every position of their windows (no clearing or accumulating first), so overlapping calls
/// at a row's end write the same values twice.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class Pool2x2
{
    // ---- 512-bit: 16 input columns, 8 windows

    /// <summary>y[0..8] = the maximum of each 2×2 window of <paramref name="top"/> and <paramref name="bottom"/>[0..16].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Max512(ref float top, ref float bottom, ref float y)
    {
        var m = Vector512.Max(Vector512.LoadUnsafe(ref top), Vector512.LoadUnsafe(ref bottom));
        Evens(Vector512.Max(m, SwapPairs(m))).StoreUnsafe(ref y);
    }

    /// <summary>y[0..8] = the mean of each 2×2 window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Average512(ref float top, ref float bottom, ref float y)
    {
        var m = Vector512.LoadUnsafe(ref top) + Vector512.LoadUnsafe(ref bottom);
        (Evens(m + SwapPairs(m)) * 0.25f).StoreUnsafe(ref y);
    }

    /// <summary>
    /// Routes dy[0..8] to the first position of each window (row-major) holding the forward output y, zero to the
    /// other three; with <paramref name="relu"/> only where the input is positive (ReLU's derivative, fused).
    /// A window whose output is NaN routes nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MaxBackward512(ref float top, ref float bottom, ref float y, ref float dy, ref float dtop, ref float dbottom, bool relu)
    {
        var x0 = Vector512.LoadUnsafe(ref top);
        var x1 = Vector512.LoadUnsafe(ref bottom);
        var best = DuplicatePairs(Vector256.LoadUnsafe(ref y));
        var g = DuplicatePairs(Vector256.LoadUnsafe(ref dy));
        var odd = Vector512.Create(0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1).AsSingle();
        var e0 = Vector512.Equals(x0, best);
        var e1 = Vector512.Equals(x1, best);
        // the right column only when the left one of its row is not the maximum; the bottom row only when the top has none
        var s0 = Vector512.AndNot(e0, odd & SwapPairs(e0));
        var s1 = Vector512.AndNot(Vector512.AndNot(e1, odd & SwapPairs(e1)), e0 | SwapPairs(e0));
        if (relu)
        {
            s0 &= Vector512.GreaterThan(x0, Vector512<float>.Zero);
            s1 &= Vector512.GreaterThan(x1, Vector512<float>.Zero);
        }
        (s0 & g).StoreUnsafe(ref dtop);
        (s1 & g).StoreUnsafe(ref dbottom);
    }

    /// <summary>Spreads dy[0..8] / 4 over each window; with <paramref name="relu"/> only where the input is positive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AverageBackward512(ref float top, ref float bottom, ref float dy, ref float dtop, ref float dbottom, bool relu)
    {
        var g = DuplicatePairs(Vector256.LoadUnsafe(ref dy)) * 0.25f;
        if (relu)
        {
            VectorMath.ReluBackward(g, Vector512.LoadUnsafe(ref top)).StoreUnsafe(ref dtop);
            VectorMath.ReluBackward(g, Vector512.LoadUnsafe(ref bottom)).StoreUnsafe(ref dbottom);
            return;
        }
        g.StoreUnsafe(ref dtop);
        g.StoreUnsafe(ref dbottom);
    }

    /// <summary>Each lane exchanged with its neighbour: lane 2k ↔ 2k + 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> SwapPairs(Vector512<float> v) =>
        Vector512.Shuffle(v, Vector512.Create(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14));

    /// <summary>Lanes 0, 2, …, 14.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Evens(Vector512<float> v) =>
        Vector512.Shuffle(v, Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 2, 4, 6, 8, 10, 12, 14)).GetLower();

    /// <summary>Lanes 2k and 2k + 1 = v[k].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> DuplicatePairs(Vector256<float> v) =>
        Vector512.Shuffle(v.ToVector512Unsafe(), Vector512.Create(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7));

    // ---- 256-bit: 8 input columns, 4 windows

    /// <summary>y[0..4] = the maximum of each 2×2 window of <paramref name="top"/> and <paramref name="bottom"/>[0..8].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Max256(ref float top, ref float bottom, ref float y)
    {
        var m = Vector256.Max(Vector256.LoadUnsafe(ref top), Vector256.LoadUnsafe(ref bottom));
        Evens(Vector256.Max(m, SwapPairs(m))).StoreUnsafe(ref y);
    }

    /// <summary>y[0..4] = the mean of each 2×2 window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Average256(ref float top, ref float bottom, ref float y)
    {
        var m = Vector256.LoadUnsafe(ref top) + Vector256.LoadUnsafe(ref bottom);
        (Evens(m + SwapPairs(m)) * 0.25f).StoreUnsafe(ref y);
    }

    /// <summary>The 256-bit <see cref="MaxBackward512"/>: 4 windows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MaxBackward256(ref float top, ref float bottom, ref float y, ref float dy, ref float dtop, ref float dbottom, bool relu)
    {
        var x0 = Vector256.LoadUnsafe(ref top);
        var x1 = Vector256.LoadUnsafe(ref bottom);
        var best = DuplicatePairs(Vector128.LoadUnsafe(ref y));
        var g = DuplicatePairs(Vector128.LoadUnsafe(ref dy));
        var odd = Vector256.Create(0, -1, 0, -1, 0, -1, 0, -1).AsSingle();
        var e0 = Vector256.Equals(x0, best);
        var e1 = Vector256.Equals(x1, best);
        var s0 = Vector256.AndNot(e0, odd & SwapPairs(e0));
        var s1 = Vector256.AndNot(Vector256.AndNot(e1, odd & SwapPairs(e1)), e0 | SwapPairs(e0));
        if (relu)
        {
            s0 &= Vector256.GreaterThan(x0, Vector256<float>.Zero);
            s1 &= Vector256.GreaterThan(x1, Vector256<float>.Zero);
        }
        (s0 & g).StoreUnsafe(ref dtop);
        (s1 & g).StoreUnsafe(ref dbottom);
    }

    /// <summary>The 256-bit <see cref="AverageBackward512"/>: 4 windows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AverageBackward256(ref float top, ref float bottom, ref float dy, ref float dtop, ref float dbottom, bool relu)
    {
        var g = DuplicatePairs(Vector128.LoadUnsafe(ref dy)) * 0.25f;
        if (relu)
        {
            VectorMath.ReluBackward(g, Vector256.LoadUnsafe(ref top)).StoreUnsafe(ref dtop);
            VectorMath.ReluBackward(g, Vector256.LoadUnsafe(ref bottom)).StoreUnsafe(ref dbottom);
            return;
        }
        g.StoreUnsafe(ref dtop);
        g.StoreUnsafe(ref dbottom);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> SwapPairs(Vector256<float> v) => Vector256.Shuffle(v, Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Evens(Vector256<float> v) => Vector256.Shuffle(v, Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6)).GetLower();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> DuplicatePairs(Vector128<float> v) => Vector256.Shuffle(v.ToVector256Unsafe(), Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3));
}
