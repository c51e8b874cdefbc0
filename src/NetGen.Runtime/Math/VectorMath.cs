using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen;

/// <summary>
/// Activations and their derivatives for the generated kernels, one overload per register width
/// (<see cref="float"/>, <see cref="Vector256{T}"/>, <see cref="Vector512{T}"/>) so a kernel written for any
/// width calls the same name. Derivatives take the activation's <em>output</em> y, which training keeps.
/// </summary>
public static partial class VectorMath
{
    // ---- ReLU: max(0, x), NaN kept as PyTorch keeps it; derivative 1 where y > 0.
    // x86's maxps returns its second operand when either is NaN, so zero goes first and a NaN x comes out as it went in
    // (one vmaxps, as before; ARM's fmax propagates NaN in either order). The scalar path says the same in C#.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float x) => x < 0f ? 0f : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> x) => Vector256.MaxNative(Vector256<float>.Zero, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Relu(Vector512<float> x) => Vector512.MaxNative(Vector512<float>.Zero, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReluBackward(float gradient, float y) => y > 0f ? gradient : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ReluBackward(Vector256<float> gradient, Vector256<float> y) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), gradient, Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ReluBackward(Vector512<float> gradient, Vector512<float> y) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), gradient, Vector512<float>.Zero);

    // ---- Prefetch: asks for the cache lines of <count> floats from <first> into L1 ahead of their use (no-op where x86's
    // prefetch instructions are absent). A hint: it never faults, but the generated kernels only pass rows they will read.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch(ref float first, int count)
    {
        if (!Sse.IsSupported || count <= 0) return;
        for (int i = 0; i < count; i += 16) Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref first, i)));
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref first, count - 1))); // the last line, when first is not line-aligned
    }

    // ---- Subnormal values to zero, for optimizer state that decays geometrically: a parameter whose gradient is 0 for
    // a while (a pixel that is blank in every sample of a stretch of batches) has its first moment multiplied by β1 = 0.9
    // each step until it underflows, and arithmetic on subnormal floats takes a microcode path on x86: measured here, 1
    // register in 16 holding subnormal moments doubled the cost of Adam's update. TensorFlow runs its CPU kernels with
    // flush-to-zero and denormals-are-zero for the same reason. The step a flushed moment would have made is below
    // 1e−30 of the learning rate. The exponent bits decide (integer compare), so the test itself takes no slow path.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float FlushSubnormal(float x) => (BitConverter.SingleToInt32Bits(x) & 0x7F800000) == 0 ? 0f : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FlushSubnormal(Vector256<float> x) => Vector256.ConditionalSelect(
        Vector256.Equals(x.AsInt32() & Vector256.Create(0x7F800000), Vector256<int>.Zero).AsSingle(), Vector256<float>.Zero, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FlushSubnormal(Vector512<float> x) => Vector512.ConditionalSelect(
        Vector512.Equals(x.AsInt32() & Vector512.Create(0x7F800000), Vector512<int>.Zero).AsSingle(), Vector512<float>.Zero, x);

    // ---- e^x for the activations, inlined (the library's Vector512.Exp is a call, ≈ 9 % of an LSTM step): Cody–Waite
    // reduction x = n·ln 2 + r, |r| ≤ ln 2 / 2, and Cephes's degree-7 polynomial for e^r (about 1 ulp), times 2^n built in
    // the exponent bits. x is clamped to [−87, 88] so 2^n stays a normal float (e^88 ≈ 1.7e38, e^−87 ≈ 1.6e−38); NaN
    // stays NaN (Max and Min propagate it, and so does the polynomial).
    private const float ExpHigh = 88f, ExpLow = -87f, Log2E = 1.44269504088896341f, Ln2High = 0.693359375f, Ln2Low = -2.12194440e-4f;
    private const float P0 = 1.9875691500E-4f, P1 = 1.3981999507E-3f, P2 = 8.3334519073E-3f, P3 = 4.1665795894E-2f, P4 = 1.6666665459E-1f, P5 = 5.0000001201E-1f;

    /// <summary>e^x per lane, within about 1 ulp (inputs clamped to [−87, 88]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(ExpLow)), Vector512.Create(ExpHigh));
        Vector512<float> n = Vector512.Round(x * Log2E);
        Vector512<float> r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), x));
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
        p = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        Vector512<float> scale = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();
        return p * scale;
    }

    /// <summary>e^x per lane, within about 1 ulp (inputs clamped to [−87, 88]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(ExpLow)), Vector256.Create(ExpHigh));
        Vector256<float> n = Vector256.Round(x * Log2E);
        Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), x));
        Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P5));
        p = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        Vector256<float> scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
        return p * scale;
    }

    // ---- Sigmoid: 1 / (1 + e^-x); derivative y (1 - y).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SigmoidBackward(float gradient, float y) => gradient * y * (1f - y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SigmoidBackward(Vector256<float> gradient, Vector256<float> y) => gradient * y * (Vector256<float>.One - y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SigmoidBackward(Vector512<float> gradient, Vector512<float> y) => gradient * y * (Vector512<float>.One - y);

    // ---- Tanh: sign(x) (1 - e^-2|x|) / (1 + e^-2|x|), which never overflows; derivative 1 - y².
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => MathF.Tanh(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> e = Exp(Vector256.Abs(x) * -2f);
        Vector256<float> t = (Vector256<float>.One - e) / (Vector256<float>.One + e);
        return Vector256.CopySign(t, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> e = Exp(Vector512.Abs(x) * -2f);
        Vector512<float> t = (Vector512<float>.One - e) / (Vector512<float>.One + e);
        return Vector512.CopySign(t, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float TanhBackward(float gradient, float y) => gradient * (1f - y * y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> TanhBackward(Vector256<float> gradient, Vector256<float> y) => gradient * (Vector256<float>.One - y * y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> TanhBackward(Vector512<float> gradient, Vector512<float> y) => gradient * (Vector512<float>.One - y * y);

    // ---- Row operations.

    /// <summary>The largest value of <paramref name="values"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the losses call it for every row: optimized from the first call
    public static float Max(ReadOnlySpan<float> values)
    {
        float max = float.NegativeInfinity;
        foreach (float v in values) if (v > max) max = v;
        return max;
    }

    /// <summary>The index of the largest value (the first on ties); -1 for an empty span. NaN is never the largest.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return -1;
        int best = 0;
        float max = values[0];
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > max || (float.IsNaN(max) && !float.IsNaN(values[i])))
            {
                max = values[i];
                best = i;
            }
        }
        return best;
    }

    /// <summary>log Σ e^x, computed stably as m + log Σ e^(x − m).</summary>
    public static float LogSumExp(ReadOnlySpan<float> values)
    {
        float max = Max(values);
        if (float.IsNegativeInfinity(max) || float.IsPositiveInfinity(max)) return max;
        double sum = 0;
        foreach (float v in values) sum += MathF.Exp(v - max);
        return max + (float)Math.Log(sum);
    }

    /// <summary>Softmax of one row, in place, stable against overflow.</summary>
    public static void Softmax(Span<float> row)
    {
        float max = Max(row);
        float sum = 0f;
        for (int i = 0; i < row.Length; i++)
        {
            float e = MathF.Exp(row[i] - max);
            row[i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < row.Length; i++) row[i] *= inv;
    }

    /// <summary>Softmax of each of <paramref name="rows"/> rows of <paramref name="width"/> floats starting at <paramref name="values"/>.</summary>
    /// <remarks>
    /// A row's result does not depend on the rows beside it: with 8–16 classes every path takes the same exponentials
    /// and sums them in class order, so a sample predicted alone and in a batch gives the same bits.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled once, optimized: no tier-up or on-stack replacement while a service runs
    public static void SoftmaxRows(ref float values, int rows, int width)
    {
        // (fewer than 16 rows, e.g. one sample, skip the lanes path and its stack buffer)
        int done = Avx512F.IsSupported && rows >= 16 && width >= 8 && width <= 16 ? SoftmaxRowsInLanes(ref values, rows, width) : 0;
        for (int r = done; r < rows; r++)
        {
            SoftmaxRow(ref Unsafe.Add(ref values, (nint)r * width), width);
        }
    }

    /// <summary>
    /// One row: with 8–16 classes, two registers (the second overlapping the first when width &lt; 16: 10 classes are
    /// 0..8 and 2..10) and the exponentials summed in class order, as <see cref="SoftmaxRowsInLanes"/> sums them;
    /// infinite or NaN logits, and other widths, by <see cref="Softmax"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled once, optimized: no tier-up or on-stack replacement while a service runs
    private static void SoftmaxRow(ref float row, int width)
    {
        if (!TrySoftmaxInRegisters(ref row, ref row, width, 1f, out _, out _)) Softmax(MemoryMarshal.CreateSpan(ref row, width));
    }

    /// <summary>
    /// Softmax of one row of 8–16 values in two registers (the second overlapping the first when width &lt; 16: 10 classes
    /// are 0..8 and 2..10), the exponentials summed in class order, each probability times <paramref name="scale"/>, into
    /// <paramref name="destination"/> (which may be the row itself). Gives the row's max and the sum of its exponentials
    /// (for a log-sum-exp). False, having written nothing, for other widths, without 256-bit vectors, or when a value is
    /// infinite or NaN: the caller then takes the element-by-element rules.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TrySoftmaxInRegisters(ref float row, ref float destination, int width, float scale, out float max, out float sum)
    {
        max = sum = 0f;
        if (!Vector256.IsHardwareAccelerated || width < 8 || width > 16) return false;
        nuint tail = (nuint)(width - 8);
        Vector256<float> head = Vector256.LoadUnsafe(ref row), last = Vector256.LoadUnsafe(ref row, tail);
        max = HorizontalMax(Vector256.Max(head, last));
        if (!float.IsFinite(max)) return false;
        Vector256<float> m = Vector256.Create(max);
        Exp(last - m).StoreUnsafe(ref destination, tail); // the overlapping classes get the same value twice
        Exp(head - m).StoreUnsafe(ref destination);
        for (int j = 0; j < width; j++) sum += Unsafe.Add(ref destination, j);
        Vector256<float> factor = Vector256.Create(1f / sum * scale);
        Vector256<float> e0 = Vector256.LoadUnsafe(ref destination), e1 = Vector256.LoadUnsafe(ref destination, tail); // both before either store
        (e1 * factor).StoreUnsafe(ref destination, tail);
        (e0 * factor).StoreUnsafe(ref destination);
        return true;
    }

    /// <summary>
    /// Softmax of 16 rows at a time with the rows in lanes: the block is transposed in registers so that register j
    /// holds class j of 16 rows, the max, exponentials, sum and scaling are plain vertical operations (no horizontal
    /// reductions per row), and the block is transposed back. Returns how many leading rows it did: the whole blocks (the
    /// rest, and blocks with an infinite or NaN logit, take the per-row path). A row's 16-float load or store runs into
    /// the next row (stored after it); the block's last row is read and written through exact copies.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled once, optimized: no tier-up or on-stack replacement while a service runs
    [SkipLocalsInit] // the stack buffer is written before it is read
    private static int SoftmaxRowsInLanes(ref float values, int rows, int width)
    {
        Span<float> classes = stackalloc float[2 * 256 + 16]; // [class, row] of a block, then [row, 16] back, then the last row
        ref float t = ref MemoryMarshal.GetReference(classes);
        ref float u = ref Unsafe.Add(ref t, 256);
        ref float last = ref Unsafe.Add(ref t, 512);
        int r = 0;
        for (; r + 16 <= rows; r += 16)
        {
            ref float block = ref Unsafe.Add(ref values, (nint)r * width);
            nuint w = (nuint)width;
            // the block's last row is read through a copy: its 16-float load would run past the rows
            MemoryMarshal.CreateSpan(ref Unsafe.Add(ref block, 15 * width), width).CopyTo(classes.Slice(512, 16));
            RegisterTranspose.Transpose16(
                Vector512.LoadUnsafe(ref block), Vector512.LoadUnsafe(ref block, w), Vector512.LoadUnsafe(ref block, 2 * w), Vector512.LoadUnsafe(ref block, 3 * w),
                Vector512.LoadUnsafe(ref block, 4 * w), Vector512.LoadUnsafe(ref block, 5 * w), Vector512.LoadUnsafe(ref block, 6 * w), Vector512.LoadUnsafe(ref block, 7 * w),
                Vector512.LoadUnsafe(ref block, 8 * w), Vector512.LoadUnsafe(ref block, 9 * w), Vector512.LoadUnsafe(ref block, 10 * w), Vector512.LoadUnsafe(ref block, 11 * w),
                Vector512.LoadUnsafe(ref block, 12 * w), Vector512.LoadUnsafe(ref block, 13 * w), Vector512.LoadUnsafe(ref block, 14 * w), Vector512.LoadUnsafe(ref last),
                ref t, 16, 16);
            Vector512<float> max = Vector512.LoadUnsafe(ref t);
            for (int j = 1; j < width; j++) max = Vector512.Max(max, Vector512.LoadUnsafe(ref t, (nuint)(16 * j)));
            if (!Vector512.EqualsAll(max - max, Vector512<float>.Zero))
            {
                // an infinite or NaN logit in one of the rows: row by row (the scalar rules for that row)
                for (int i = 0; i < 16; i++) SoftmaxRow(ref Unsafe.Add(ref block, i * width), width);
                continue;
            }
            Vector512<float> sum = Vector512<float>.Zero;
            for (int j = 0; j < width; j++)
            {
                Vector512<float> e = Exp(Vector512.LoadUnsafe(ref t, (nuint)(16 * j)) - max);
                e.StoreUnsafe(ref t, (nuint)(16 * j));
                sum += e;
            }
            Vector512<float> inverse = Vector512<float>.One / sum;
            RegisterTranspose.Transpose16(
                Scaled(ref t, 0, width, inverse), Scaled(ref t, 1, width, inverse), Scaled(ref t, 2, width, inverse), Scaled(ref t, 3, width, inverse),
                Scaled(ref t, 4, width, inverse), Scaled(ref t, 5, width, inverse), Scaled(ref t, 6, width, inverse), Scaled(ref t, 7, width, inverse),
                Scaled(ref t, 8, width, inverse), Scaled(ref t, 9, width, inverse), Scaled(ref t, 10, width, inverse), Scaled(ref t, 11, width, inverse),
                Scaled(ref t, 12, width, inverse), Scaled(ref t, 13, width, inverse), Scaled(ref t, 14, width, inverse), Scaled(ref t, 15, width, inverse),
                ref u, 16, 16);
            for (int i = 0; i < 15; i++) Vector512.LoadUnsafe(ref u, (nuint)(16 * i)).StoreUnsafe(ref block, (nuint)(i * width));
            MemoryMarshal.CreateSpan(ref Unsafe.Add(ref u, 16 * 15), width).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref block, 15 * width), width));
        }
        return r;
    }

    /// <summary>Class j's probabilities of a block (zero for the classes past the width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Scaled(ref float t, int j, int width, Vector512<float> inverse) =>
        j < width ? Vector512.LoadUnsafe(ref t, (nuint)(16 * j)) * inverse : Vector512<float>.Zero;

    private static float HorizontalMax(Vector256<float> v)
    {
        Vector128<float> m = Vector128.Max(v.GetLower(), v.GetUpper());
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)));
        return m.ToScalar();
    }

    /// <summary>
    /// Softmax's vector–Jacobian product in place: given y = softmax(z) and g = ∂L/∂y, writes ∂L/∂z = y ⊙ (g − ⟨g, y⟩) into <paramref name="gradient"/>.
    /// </summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> y, Span<float> gradient)
    {
        float dot = 0f;
        for (int i = 0; i < y.Length; i++) dot += gradient[i] * y[i];
        for (int i = 0; i < y.Length; i++) gradient[i] = y[i] * (gradient[i] - dot);
    }

    /// <summary><paramref name="destination"/>[i] += <paramref name="source"/>[i] (gradient reduction across workers).</summary>
    public static void Add(Span<float> destination, ReadOnlySpan<float> source)
    {
        if (source.Length != destination.Length) throw new ArgumentException("The spans differ in length.");
        ref float d = ref MemoryMarshal.GetReference(destination);
        ref float s = ref MemoryMarshal.GetReference(source);
        int i = 0, n = destination.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
                (Vector512.LoadUnsafe(ref d, (nuint)i) + Vector512.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
                (Vector256.LoadUnsafe(ref d, (nuint)i) + Vector256.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref d, i) += Unsafe.Add(ref s, i);
    }

    /// <summary>
    /// Σ x², accumulated in double (gradient clipping by norm): each float is widened before it is squared, so the sum
    /// of a tensor of millions of values keeps float's precision and cannot overflow.
    /// </summary>
    public static double SumOfSquares(ReadOnlySpan<float> values)
    {
        ref float x = ref MemoryMarshal.GetReference(values);
        int i = 0, n = values.Length;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<double> a0 = Vector256<double>.Zero, a1 = Vector256<double>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                (Vector256<double> lower, Vector256<double> upper) = Vector256.Widen(Vector256.LoadUnsafe(ref x, (nuint)i));
                a0 = Vector256.FusedMultiplyAdd(lower, lower, a0);
                a1 = Vector256.FusedMultiplyAdd(upper, upper, a1);
            }
            sum = Vector256.Sum(a0 + a1);
        }
        for (; i < n; i++)
        {
            double v = Unsafe.Add(ref x, i);
            sum += v * v;
        }
        return sum;
    }

    /// <summary>Writes the transpose of a row-major [rows, cols] matrix into <paramref name="destination"/> ([cols, rows]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(ReadOnlySpan<float> source, int rows, int cols, Span<float> destination)
    {
        if (source.Length < (long)rows * cols || destination.Length < (long)rows * cols)
            throw new ArgumentException("The spans are smaller than the matrix.");
        // Lengths are checked once above; the loops run on refs (this runs every training step, per worker).
        ref float src = ref MemoryMarshal.GetReference(source);
        ref float dst = ref MemoryMarshal.GetReference(destination);
        const int Block = 16;
        for (int r0 = 0; r0 < rows; r0 += Block)
        {
            int r1 = Math.Min(rows, r0 + Block);
            for (int c0 = 0; c0 < cols; c0 += Block)
            {
                int c1 = Math.Min(cols, c0 + Block);
                if (Avx512F.IsSupported && r1 - r0 == Block && c1 - c0 == Block)
                {
                    // a whole block: 16 rows in registers, transposed there, stored as 16 columns
                    ref float b = ref Unsafe.Add(ref src, r0 * cols + c0);
                    nuint n = (nuint)cols;
                    RegisterTranspose.Transpose16(
                        Vector512.LoadUnsafe(ref b), Vector512.LoadUnsafe(ref b, n), Vector512.LoadUnsafe(ref b, 2 * n), Vector512.LoadUnsafe(ref b, 3 * n),
                        Vector512.LoadUnsafe(ref b, 4 * n), Vector512.LoadUnsafe(ref b, 5 * n), Vector512.LoadUnsafe(ref b, 6 * n), Vector512.LoadUnsafe(ref b, 7 * n),
                        Vector512.LoadUnsafe(ref b, 8 * n), Vector512.LoadUnsafe(ref b, 9 * n), Vector512.LoadUnsafe(ref b, 10 * n), Vector512.LoadUnsafe(ref b, 11 * n),
                        Vector512.LoadUnsafe(ref b, 12 * n), Vector512.LoadUnsafe(ref b, 13 * n), Vector512.LoadUnsafe(ref b, 14 * n), Vector512.LoadUnsafe(ref b, 15 * n),
                        ref Unsafe.Add(ref dst, c0 * rows + r0), rows, Block);
                    continue;
                }
                for (int r = r0; r < r1; r++)
                {
                    ref float row = ref Unsafe.Add(ref src, r * cols);
                    for (int c = c0; c < c1; c++)
                    {
                        Unsafe.Add(ref dst, c * rows + r) = Unsafe.Add(ref row, c);
                    }
                }
            }
        }
    }
}
