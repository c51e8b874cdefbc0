using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen;

/// <summary>16 × 16 blocks of floats transposed in AVX-512 registers (callers check <c>Avx512F.IsSupported</c>).</summary>
internal static class RegisterTranspose
{
    /// <summary>
    /// Transposes 16 registers of 16 floats and stores the first <paramref name="count"/> rows of the result at
    /// <paramref name="dst"/> + i · <paramref name="stride"/>: four butterfly stages, each pairing rows i and i + b
    /// (b = 8, 4, 2, 1) and exchanging their b-wide lane blocks with two-source permutes (row i keeps its lanes with
    /// bit b clear and takes the partner's; the partner takes row i's lanes with bit b set), which swaps the
    /// off-diagonal blocks at every scale. The rows stay in registers throughout.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose16(
        Vector512<float> r0, Vector512<float> r1, Vector512<float> r2, Vector512<float> r3,
        Vector512<float> r4, Vector512<float> r5, Vector512<float> r6, Vector512<float> r7,
        Vector512<float> r8, Vector512<float> r9, Vector512<float> r10, Vector512<float> r11,
        Vector512<float> r12, Vector512<float> r13, Vector512<float> r14, Vector512<float> r15,
        ref float dst, int stride, int count)
    {
        const int Lanes = 16;
        var low8 = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
        var high8 = Vector512.Create(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
        (r0, r8) = (Avx512F.PermuteVar16x32x2(r0, low8, r8), Avx512F.PermuteVar16x32x2(r0, high8, r8));
        (r1, r9) = (Avx512F.PermuteVar16x32x2(r1, low8, r9), Avx512F.PermuteVar16x32x2(r1, high8, r9));
        (r2, r10) = (Avx512F.PermuteVar16x32x2(r2, low8, r10), Avx512F.PermuteVar16x32x2(r2, high8, r10));
        (r3, r11) = (Avx512F.PermuteVar16x32x2(r3, low8, r11), Avx512F.PermuteVar16x32x2(r3, high8, r11));
        (r4, r12) = (Avx512F.PermuteVar16x32x2(r4, low8, r12), Avx512F.PermuteVar16x32x2(r4, high8, r12));
        (r5, r13) = (Avx512F.PermuteVar16x32x2(r5, low8, r13), Avx512F.PermuteVar16x32x2(r5, high8, r13));
        (r6, r14) = (Avx512F.PermuteVar16x32x2(r6, low8, r14), Avx512F.PermuteVar16x32x2(r6, high8, r14));
        (r7, r15) = (Avx512F.PermuteVar16x32x2(r7, low8, r15), Avx512F.PermuteVar16x32x2(r7, high8, r15));
        var low4 = Vector512.Create(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27);
        var high4 = Vector512.Create(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31);
        (r0, r4) = (Avx512F.PermuteVar16x32x2(r0, low4, r4), Avx512F.PermuteVar16x32x2(r0, high4, r4));
        (r1, r5) = (Avx512F.PermuteVar16x32x2(r1, low4, r5), Avx512F.PermuteVar16x32x2(r1, high4, r5));
        (r2, r6) = (Avx512F.PermuteVar16x32x2(r2, low4, r6), Avx512F.PermuteVar16x32x2(r2, high4, r6));
        (r3, r7) = (Avx512F.PermuteVar16x32x2(r3, low4, r7), Avx512F.PermuteVar16x32x2(r3, high4, r7));
        (r8, r12) = (Avx512F.PermuteVar16x32x2(r8, low4, r12), Avx512F.PermuteVar16x32x2(r8, high4, r12));
        (r9, r13) = (Avx512F.PermuteVar16x32x2(r9, low4, r13), Avx512F.PermuteVar16x32x2(r9, high4, r13));
        (r10, r14) = (Avx512F.PermuteVar16x32x2(r10, low4, r14), Avx512F.PermuteVar16x32x2(r10, high4, r14));
        (r11, r15) = (Avx512F.PermuteVar16x32x2(r11, low4, r15), Avx512F.PermuteVar16x32x2(r11, high4, r15));
        var low2 = Vector512.Create(0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29);
        var high2 = Vector512.Create(2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
        (r0, r2) = (Avx512F.PermuteVar16x32x2(r0, low2, r2), Avx512F.PermuteVar16x32x2(r0, high2, r2));
        (r1, r3) = (Avx512F.PermuteVar16x32x2(r1, low2, r3), Avx512F.PermuteVar16x32x2(r1, high2, r3));
        (r4, r6) = (Avx512F.PermuteVar16x32x2(r4, low2, r6), Avx512F.PermuteVar16x32x2(r4, high2, r6));
        (r5, r7) = (Avx512F.PermuteVar16x32x2(r5, low2, r7), Avx512F.PermuteVar16x32x2(r5, high2, r7));
        (r8, r10) = (Avx512F.PermuteVar16x32x2(r8, low2, r10), Avx512F.PermuteVar16x32x2(r8, high2, r10));
        (r9, r11) = (Avx512F.PermuteVar16x32x2(r9, low2, r11), Avx512F.PermuteVar16x32x2(r9, high2, r11));
        (r12, r14) = (Avx512F.PermuteVar16x32x2(r12, low2, r14), Avx512F.PermuteVar16x32x2(r12, high2, r14));
        (r13, r15) = (Avx512F.PermuteVar16x32x2(r13, low2, r15), Avx512F.PermuteVar16x32x2(r13, high2, r15));
        var low1 = Vector512.Create(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30);
        var high1 = Vector512.Create(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);
        (r0, r1) = (Avx512F.PermuteVar16x32x2(r0, low1, r1), Avx512F.PermuteVar16x32x2(r0, high1, r1));
        (r2, r3) = (Avx512F.PermuteVar16x32x2(r2, low1, r3), Avx512F.PermuteVar16x32x2(r2, high1, r3));
        (r4, r5) = (Avx512F.PermuteVar16x32x2(r4, low1, r5), Avx512F.PermuteVar16x32x2(r4, high1, r5));
        (r6, r7) = (Avx512F.PermuteVar16x32x2(r6, low1, r7), Avx512F.PermuteVar16x32x2(r6, high1, r7));
        (r8, r9) = (Avx512F.PermuteVar16x32x2(r8, low1, r9), Avx512F.PermuteVar16x32x2(r8, high1, r9));
        (r10, r11) = (Avx512F.PermuteVar16x32x2(r10, low1, r11), Avx512F.PermuteVar16x32x2(r10, high1, r11));
        (r12, r13) = (Avx512F.PermuteVar16x32x2(r12, low1, r13), Avx512F.PermuteVar16x32x2(r12, high1, r13));
        (r14, r15) = (Avx512F.PermuteVar16x32x2(r14, low1, r15), Avx512F.PermuteVar16x32x2(r14, high1, r15));
        if (count == Lanes)
        {
            r0.StoreUnsafe(ref dst);
            r1.StoreUnsafe(ref dst, (nuint)(1 * stride));
            r2.StoreUnsafe(ref dst, (nuint)(2 * stride));
            r3.StoreUnsafe(ref dst, (nuint)(3 * stride));
            r4.StoreUnsafe(ref dst, (nuint)(4 * stride));
            r5.StoreUnsafe(ref dst, (nuint)(5 * stride));
            r6.StoreUnsafe(ref dst, (nuint)(6 * stride));
            r7.StoreUnsafe(ref dst, (nuint)(7 * stride));
            r8.StoreUnsafe(ref dst, (nuint)(8 * stride));
            r9.StoreUnsafe(ref dst, (nuint)(9 * stride));
            r10.StoreUnsafe(ref dst, (nuint)(10 * stride));
            r11.StoreUnsafe(ref dst, (nuint)(11 * stride));
            r12.StoreUnsafe(ref dst, (nuint)(12 * stride));
            r13.StoreUnsafe(ref dst, (nuint)(13 * stride));
            r14.StoreUnsafe(ref dst, (nuint)(14 * stride));
            r15.StoreUnsafe(ref dst, (nuint)(15 * stride));
            return;
        }
        // a partial group: only its samples' rows
        r0.StoreUnsafe(ref dst, (nuint)(0 * stride));
        if (count > 1) r1.StoreUnsafe(ref dst, (nuint)(1 * stride));
        if (count > 2) r2.StoreUnsafe(ref dst, (nuint)(2 * stride));
        if (count > 3) r3.StoreUnsafe(ref dst, (nuint)(3 * stride));
        if (count > 4) r4.StoreUnsafe(ref dst, (nuint)(4 * stride));
        if (count > 5) r5.StoreUnsafe(ref dst, (nuint)(5 * stride));
        if (count > 6) r6.StoreUnsafe(ref dst, (nuint)(6 * stride));
        if (count > 7) r7.StoreUnsafe(ref dst, (nuint)(7 * stride));
        if (count > 8) r8.StoreUnsafe(ref dst, (nuint)(8 * stride));
        if (count > 9) r9.StoreUnsafe(ref dst, (nuint)(9 * stride));
        if (count > 10) r10.StoreUnsafe(ref dst, (nuint)(10 * stride));
        if (count > 11) r11.StoreUnsafe(ref dst, (nuint)(11 * stride));
        if (count > 12) r12.StoreUnsafe(ref dst, (nuint)(12 * stride));
        if (count > 13) r13.StoreUnsafe(ref dst, (nuint)(13 * stride));
        if (count > 14) r14.StoreUnsafe(ref dst, (nuint)(14 * stride));
        if (count > 15) r15.StoreUnsafe(ref dst, (nuint)(15 * stride));
    }
}
