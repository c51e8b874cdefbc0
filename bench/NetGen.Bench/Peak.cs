using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Bench;

/// <summary>The machine's FMA peak on one core, measured with a kernel that touches no memory.</summary>
public static class Peak
{
    /// <summary>GFLOP/s (one FMA = 2 FLOP) of 24 independent Vector512 (or Vector256) FMA chains.</summary>
    public static double MeasureGflops()
    {
        const long iterations = 20_000_000;
        Run(1000); // JIT
        double best = 0;
        for (int trial = 0; trial < 5; trial++)
        {
            var sw = Stopwatch.StartNew();
            float sink = Run(iterations);
            sw.Stop();
            int lanes = Vector512.IsHardwareAccelerated ? 16 : 8;
            double flops = 2.0 * 24 * lanes * iterations;
            best = Math.Max(best, flops / sw.Elapsed.TotalSeconds / 1e9);
            if (sink == 42) Console.Write("");
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Run(long iterations)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(0.999f);
            var b = Vector512.Create(1e-6f);
            Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default,
                c8 = default, c9 = default, c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default,
                c16 = default, c17 = default, c18 = default, c19 = default, c20 = default, c21 = default, c22 = default, c23 = default;
            for (long i = 0; i < iterations; i++)
            {
                c0 = Vector512.FusedMultiplyAdd(c0, a, b); c1 = Vector512.FusedMultiplyAdd(c1, a, b); c2 = Vector512.FusedMultiplyAdd(c2, a, b);
                c3 = Vector512.FusedMultiplyAdd(c3, a, b); c4 = Vector512.FusedMultiplyAdd(c4, a, b); c5 = Vector512.FusedMultiplyAdd(c5, a, b);
                c6 = Vector512.FusedMultiplyAdd(c6, a, b); c7 = Vector512.FusedMultiplyAdd(c7, a, b); c8 = Vector512.FusedMultiplyAdd(c8, a, b);
                c9 = Vector512.FusedMultiplyAdd(c9, a, b); c10 = Vector512.FusedMultiplyAdd(c10, a, b); c11 = Vector512.FusedMultiplyAdd(c11, a, b);
                c12 = Vector512.FusedMultiplyAdd(c12, a, b); c13 = Vector512.FusedMultiplyAdd(c13, a, b); c14 = Vector512.FusedMultiplyAdd(c14, a, b);
                c15 = Vector512.FusedMultiplyAdd(c15, a, b); c16 = Vector512.FusedMultiplyAdd(c16, a, b); c17 = Vector512.FusedMultiplyAdd(c17, a, b);
                c18 = Vector512.FusedMultiplyAdd(c18, a, b); c19 = Vector512.FusedMultiplyAdd(c19, a, b); c20 = Vector512.FusedMultiplyAdd(c20, a, b);
                c21 = Vector512.FusedMultiplyAdd(c21, a, b); c22 = Vector512.FusedMultiplyAdd(c22, a, b); c23 = Vector512.FusedMultiplyAdd(c23, a, b);
            }
            var s = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15 + c16 + c17 + c18 + c19 + c20 + c21 + c22 + c23;
            return Vector512.Sum(s);
        }
        else
        {
            var a = Vector256.Create(0.999f);
            var b = Vector256.Create(1e-6f);
            Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default,
                c8 = default, c9 = default, c10 = default, c11 = default;
            for (long i = 0; i < iterations * 2; i++)
            {
                c0 = Vector256.FusedMultiplyAdd(c0, a, b); c1 = Vector256.FusedMultiplyAdd(c1, a, b); c2 = Vector256.FusedMultiplyAdd(c2, a, b);
                c3 = Vector256.FusedMultiplyAdd(c3, a, b); c4 = Vector256.FusedMultiplyAdd(c4, a, b); c5 = Vector256.FusedMultiplyAdd(c5, a, b);
                c6 = Vector256.FusedMultiplyAdd(c6, a, b); c7 = Vector256.FusedMultiplyAdd(c7, a, b); c8 = Vector256.FusedMultiplyAdd(c8, a, b);
                c9 = Vector256.FusedMultiplyAdd(c9, a, b); c10 = Vector256.FusedMultiplyAdd(c10, a, b); c11 = Vector256.FusedMultiplyAdd(c11, a, b);
            }
            var s = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
            return Vector256.Sum(s);
        }
    }
}
