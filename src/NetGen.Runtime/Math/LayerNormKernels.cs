using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// Layer normalization over the last axis, row by row (a row is one vector, or one step of a sequence):
/// x̂ = (x − μ)/σ with μ and σ² = mean((x − μ)²) of the row's <c>width</c> values and σ = √(σ² + ε), then
/// y = γ ⊙ x̂ + β (γ when scaled, β when centred). Two passes over a row for its statistics (the mean, then the squared
/// deviations: no cancellation), one to write it; vectorized on the Vector512, Vector256 and portable paths, with a
/// scalar tail. Inference and training compute a row with the same code, so their outputs have the same bits.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class LayerNormKernels
{
    /// <summary>y = LayerNorm(x) for <paramref name="rows"/> rows of <paramref name="width"/> values (inference).</summary>
    public static void Forward(ref float x, ref float y, ref float gamma, ref float beta, int rows, int width, float epsilon, bool scale, bool center)
    {
        for (int r = 0; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref x, r * width);
            (float mean, float inverse) = Statistics(ref row, width, epsilon);
            Normalize(ref row, ref Unsafe.Add(ref y, r * width), ref gamma, ref beta, width, mean, inverse, scale, center);
        }
    }

    /// <summary>
    /// <see cref="Forward"/> that also keeps each row's μ and 1/σ in <paramref name="statistics"/> [rows, 2] for
    /// <see cref="Backward"/>.
    /// </summary>
    public static void TrainingForward(ref float x, ref float y, ref float statistics, ref float gamma, ref float beta, int rows, int width,
        float epsilon, bool scale, bool center)
    {
        for (int r = 0; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref x, r * width);
            (float mean, float inverse) = Statistics(ref row, width, epsilon);
            Unsafe.Add(ref statistics, 2 * r) = mean;
            Unsafe.Add(ref statistics, 2 * r + 1) = inverse;
            Normalize(ref row, ref Unsafe.Add(ref y, r * width), ref gamma, ref beta, width, mean, inverse, scale, center);
        }
    }

    /// <summary>
    /// The backward pass over <paramref name="rows"/> rows: dγ = Σ_rows dy ⊙ x̂ and dβ = Σ_rows dy (cleared first, when
    /// the layer has them), and, unless <paramref name="dx"/> is a null reference (the layer reads the network's input),
    /// dx = (1/σ)·(g − mean(g) − x̂·mean(g ⊙ x̂)) with g = dy ⊙ γ, x̂ recomputed from x and the kept statistics.
    /// </summary>
    public static void Backward(ref float x, ref float dy, ref float statistics, ref float gamma, ref float dx, ref float dGamma, ref float dBeta,
        int rows, int width, bool scale, bool center)
    {
        if (scale) MemoryMarshal.CreateSpan(ref dGamma, width).Clear();
        if (center) MemoryMarshal.CreateSpan(ref dBeta, width).Clear();
        bool input = !Unsafe.IsNullRef(ref dx);
        for (int r = 0; r < rows; r++)
        {
            ref float xr = ref Unsafe.Add(ref x, r * width);
            ref float dyr = ref Unsafe.Add(ref dy, r * width);
            float mean = Unsafe.Add(ref statistics, 2 * r), inverse = Unsafe.Add(ref statistics, 2 * r + 1);
            (float sumG, float sumGx) = ParameterGradients(ref xr, ref dyr, ref gamma, ref dGamma, ref dBeta, width, mean, inverse, scale, center);
            if (input)
            {
                InputGradient(ref xr, ref dyr, ref gamma, ref Unsafe.Add(ref dx, r * width), width, mean, inverse,
                    sumG / width, sumGx / width, scale);
            }
        }
    }

    /// <summary>μ and 1/√(σ² + ε) of one row.</summary>
    private static (float Mean, float Inverse) Statistics(ref float x, int width, float epsilon)
    {
        float mean = ImageKernels.Sum(ref x, width) / width;
        int i = 0;
        float squares = 0f;
        if (Vector512.IsHardwareAccelerated && width >= 16)
        {
            Vector512<float> acc = Vector512<float>.Zero, m = Vector512.Create(mean);
            for (; i + 16 <= width; i += 16)
            {
                Vector512<float> d = Vector512.LoadUnsafe(ref x, (nuint)i) - m;
                acc = Vector512.FusedMultiplyAdd(d, d, acc);
            }
            squares = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && width >= 8)
        {
            Vector256<float> acc = Vector256<float>.Zero, m = Vector256.Create(mean);
            for (; i + 8 <= width; i += 8)
            {
                Vector256<float> d = Vector256.LoadUnsafe(ref x, (nuint)i) - m;
                acc = Vector256.FusedMultiplyAdd(d, d, acc);
            }
            squares = Vector256.Sum(acc);
        }
        for (; i < width; i++)
        {
            float d = Unsafe.Add(ref x, i) - mean;
            squares = MathF.FusedMultiplyAdd(d, d, squares);
        }
        return (mean, 1f / MathF.Sqrt(squares / width + epsilon));
    }

    /// <summary>y = γ ⊙ (x − μ)·(1/σ) + β for one row (γ and β only where the layer has them).</summary>
    private static void Normalize(ref float x, ref float y, ref float gamma, ref float beta, int width, float mean, float inverse, bool scale, bool center)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> m = Vector512.Create(mean), s = Vector512.Create(inverse);
            for (; i + 16 <= width; i += 16)
            {
                Vector512<float> v = (Vector512.LoadUnsafe(ref x, (nuint)i) - m) * s;
                if (scale) v *= Vector512.LoadUnsafe(ref gamma, (nuint)i);
                if (center) v += Vector512.LoadUnsafe(ref beta, (nuint)i);
                v.StoreUnsafe(ref y, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> m = Vector256.Create(mean), s = Vector256.Create(inverse);
            for (; i + 8 <= width; i += 8)
            {
                Vector256<float> v = (Vector256.LoadUnsafe(ref x, (nuint)i) - m) * s;
                if (scale) v *= Vector256.LoadUnsafe(ref gamma, (nuint)i);
                if (center) v += Vector256.LoadUnsafe(ref beta, (nuint)i);
                v.StoreUnsafe(ref y, (nuint)i);
            }
        }
        for (; i < width; i++)
        {
            float v = (Unsafe.Add(ref x, i) - mean) * inverse;
            if (scale) v *= Unsafe.Add(ref gamma, i);
            if (center) v += Unsafe.Add(ref beta, i);
            Unsafe.Add(ref y, i) = v;
        }
    }

    /// <summary>Adds one row's dy ⊙ x̂ to dγ and dy to dβ; returns Σ g and Σ g ⊙ x̂ (g = dy ⊙ γ) for the input gradient.</summary>
    private static (float SumG, float SumGx) ParameterGradients(ref float x, ref float dy, ref float gamma, ref float dGamma, ref float dBeta,
        int width, float mean, float inverse, bool scale, bool center)
    {
        int i = 0;
        float sumG = 0f, sumGx = 0f;
        if (Vector512.IsHardwareAccelerated && width >= 16)
        {
            Vector512<float> m = Vector512.Create(mean), s = Vector512.Create(inverse), accG = Vector512<float>.Zero, accGx = Vector512<float>.Zero;
            for (; i + 16 <= width; i += 16)
            {
                Vector512<float> xh = (Vector512.LoadUnsafe(ref x, (nuint)i) - m) * s, d = Vector512.LoadUnsafe(ref dy, (nuint)i);
                if (scale) Vector512.FusedMultiplyAdd(d, xh, Vector512.LoadUnsafe(ref dGamma, (nuint)i)).StoreUnsafe(ref dGamma, (nuint)i);
                if (center) (Vector512.LoadUnsafe(ref dBeta, (nuint)i) + d).StoreUnsafe(ref dBeta, (nuint)i);
                Vector512<float> g = scale ? d * Vector512.LoadUnsafe(ref gamma, (nuint)i) : d;
                accG += g;
                accGx = Vector512.FusedMultiplyAdd(g, xh, accGx);
            }
            sumG = Vector512.Sum(accG);
            sumGx = Vector512.Sum(accGx);
        }
        else if (Vector256.IsHardwareAccelerated && width >= 8)
        {
            Vector256<float> m = Vector256.Create(mean), s = Vector256.Create(inverse), accG = Vector256<float>.Zero, accGx = Vector256<float>.Zero;
            for (; i + 8 <= width; i += 8)
            {
                Vector256<float> xh = (Vector256.LoadUnsafe(ref x, (nuint)i) - m) * s, d = Vector256.LoadUnsafe(ref dy, (nuint)i);
                if (scale) Vector256.FusedMultiplyAdd(d, xh, Vector256.LoadUnsafe(ref dGamma, (nuint)i)).StoreUnsafe(ref dGamma, (nuint)i);
                if (center) (Vector256.LoadUnsafe(ref dBeta, (nuint)i) + d).StoreUnsafe(ref dBeta, (nuint)i);
                Vector256<float> g = scale ? d * Vector256.LoadUnsafe(ref gamma, (nuint)i) : d;
                accG += g;
                accGx = Vector256.FusedMultiplyAdd(g, xh, accGx);
            }
            sumG = Vector256.Sum(accG);
            sumGx = Vector256.Sum(accGx);
        }
        for (; i < width; i++)
        {
            float xh = (Unsafe.Add(ref x, i) - mean) * inverse, d = Unsafe.Add(ref dy, i);
            if (scale) Unsafe.Add(ref dGamma, i) = MathF.FusedMultiplyAdd(d, xh, Unsafe.Add(ref dGamma, i));
            if (center) Unsafe.Add(ref dBeta, i) += d;
            float g = scale ? d * Unsafe.Add(ref gamma, i) : d;
            sumG += g;
            sumGx = MathF.FusedMultiplyAdd(g, xh, sumGx);
        }
        return (sumG, sumGx);
    }

    /// <summary>dx = (1/σ)·(g − mean(g) − x̂·mean(g ⊙ x̂)) for one row.</summary>
    private static void InputGradient(ref float x, ref float dy, ref float gamma, ref float dx, int width, float mean, float inverse,
        float meanG, float meanGx, bool scale)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> m = Vector512.Create(mean), s = Vector512.Create(inverse), mg = Vector512.Create(meanG), mgx = Vector512.Create(meanGx);
            for (; i + 16 <= width; i += 16)
            {
                Vector512<float> xh = (Vector512.LoadUnsafe(ref x, (nuint)i) - m) * s, g = Vector512.LoadUnsafe(ref dy, (nuint)i);
                if (scale) g *= Vector512.LoadUnsafe(ref gamma, (nuint)i);
                ((g - mg - xh * mgx) * s).StoreUnsafe(ref dx, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> m = Vector256.Create(mean), s = Vector256.Create(inverse), mg = Vector256.Create(meanG), mgx = Vector256.Create(meanGx);
            for (; i + 8 <= width; i += 8)
            {
                Vector256<float> xh = (Vector256.LoadUnsafe(ref x, (nuint)i) - m) * s, g = Vector256.LoadUnsafe(ref dy, (nuint)i);
                if (scale) g *= Vector256.LoadUnsafe(ref gamma, (nuint)i);
                ((g - mg - xh * mgx) * s).StoreUnsafe(ref dx, (nuint)i);
            }
        }
        for (; i < width; i++)
        {
            float xh = (Unsafe.Add(ref x, i) - mean) * inverse, g = Unsafe.Add(ref dy, i);
            if (scale) g *= Unsafe.Add(ref gamma, i);
            Unsafe.Add(ref dx, i) = (g - meanG - xh * meanGx) * inverse;
        }
    }
}
