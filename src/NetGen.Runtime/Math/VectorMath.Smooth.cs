using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen;

// The smooth activations of modern networks: GELU (exact, through erf, and PyTorch's tanh approximation) and SiLU (Swish).
// Unlike ReLU, sigmoid and tanh, their derivatives cannot be told from the output y (GELU and SiLU are not one-to-one),
// so their *Backward overloads take the pre-activation x; training keeps it (see docs/architecture.md, "Activations").
// Every function keeps NaN (NaN in, NaN out: the comparisons that pick a branch are false for NaN, and Min, Max and the
// polynomials propagate it), and gives the limits at ±∞ instead of ∞·0.
public static partial class VectorMath
{
    // ---- erf. For t = |x| < 1: erf(t) = t + t·(A(t²) − 1), A a degree-7 polynomial (Chebyshev fit of erf(√s)/√s on
    // [0, 1], fit error 3.4e−11; A − 1 is evaluated, so its rounding errors are relative to 0.13, not to erf). For t ≥ 1: erfc(t) = τ·e^(−t²)·B(τ), τ = 1 / (1 + t/2), B a degree-11 polynomial in τ on [0, 2/3]
    // (Chebyshev fit of erfcx(t)·(1 + t/2), fit error 3e−11), with t² split exactly into hi + lo (an FMA) so that e^(−t²)
    // keeps float accuracy where t² is large; then erf = 1 − erfc. Both fits were made with mpmath at 40 digits; the tests
    // measure the float result against a double-precision erf on a dense grid (NumericsTests.Erf...).
    private const float A7 = -9.667044651e-06f, A6 = 1.126595889e-04f, A5 = -8.484080317e-04f, A4 = 5.221031606e-03f,
        A3 = -2.686543018e-02f, A2 = 1.128378212e-01f, A1 = -3.761263788e-01f, A0Minus1 = 1.283791671e-01f;
    private const float B11 = 8.530835807e-02f, B10 = -3.245408237e-01f, B9 = 4.549511671e-01f, B8 = -2.421672195e-01f,
        B7 = 3.529991210e-02f, B6 = -7.858396322e-02f, B5 = -8.517409442e-04f, B4 = 8.337457478e-02f, B3 = 1.763327122e-01f,
        B2 = 2.468321621e-01f, B1 = 2.820948064e-01f, B0 = 2.820948064e-01f;
    // erfc(10) ≈ 2e−45 is below every float: erf evaluates its tail at min(t, 10) and Φ at x clamped to [−14, 14], which
    // also keeps the squares finite (no ∞ − ∞).
    private const float TailLimit = 10f;
    private const float InvSqrt2 = 0.707106781186547524f, InvSqrt2Pi = 0.398942280401432678f;
    // GELU's tanh approximation: 1 + tanh(u) = 2σ(2u), 2u = x·(C1 + C2·x²), C1 = 2·√(2/π), C2 = C1·0.044715.
    private const float GeluC1 = 1.59576912160573071f, GeluC2 = 0.0713548162726008f;

    /// <summary>The error function erf(x), within about 1e−7 relative (float, vectorized as the other overloads).</summary>
    public static float Erf(float x)
    {
        float t = MathF.Abs(x);
        if (t < 1f) return MathF.FusedMultiplyAdd(x, ErfPoly(x * x), x);
        t = MathF.Min(t, TailLimit);
        float hi = t * t;
        float r = 1f - ErfcTail(t, hi, MathF.FusedMultiplyAdd(t, t, -hi), out _);
        return MathF.CopySign(r, x);
    }

    /// <summary>erf(x) per lane, within about 1e−7 relative.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Erf(Vector256<float> x)
    {
        Vector256<float> t = Vector256.Abs(x);
        Vector256<float> small = Vector256.FusedMultiplyAdd(t, ErfPoly(t * t), t);
        Vector256<float> c = Vector256.Min(t, Vector256.Create(TailLimit)), hi = c * c;
        Vector256<float> large = Vector256<float>.One - ErfcTail(c, hi, Vector256.FusedMultiplyAdd(c, c, -hi), out _);
        return Vector256.CopySign(Vector256.ConditionalSelect(Vector256.LessThan(t, Vector256<float>.One), small, large), x);
    }

    /// <summary>erf(x) per lane, within about 1e−7 relative.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Erf(Vector512<float> x)
    {
        Vector512<float> t = Vector512.Abs(x);
        Vector512<float> small = Vector512.FusedMultiplyAdd(t, ErfPoly(t * t), t);
        Vector512<float> c = Vector512.Min(t, Vector512.Create(TailLimit)), hi = c * c;
        Vector512<float> large = Vector512<float>.One - ErfcTail(c, hi, Vector512.FusedMultiplyAdd(c, c, -hi), out _);
        return Vector512.CopySign(Vector512.ConditionalSelect(Vector512.LessThan(t, Vector512<float>.One), small, large), x);
    }

    // ---- GELU, exact: x·Φ(x), Φ the standard normal CDF, Φ(x) = ½(1 + erf(x/√2)); derivative Φ(x) + x·φ(x).
    // For x/√2 ≤ −1, Φ is ½·erfc(|x|/√2) from the tail directly, not 1 + erf (which would cancel), and e^(−x²/2) is taken
    // from x² split exactly (x/√2 rounded would lose 2x²·2⁻²⁴ relative): the negative side keeps its relative accuracy. Below x = −14, GELU is below every float and is 0 (also for −∞, where x·Φ would be −∞·0).
    private const float GeluLow = -14f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gelu(float x) => x < GeluLow ? 0f : x * NormalCdf(x, out _);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Gelu(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(GeluLow)), Vector256<float>.Zero, x * NormalCdf(x, out _));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Gelu(Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(GeluLow)), Vector512<float>.Zero, x * NormalCdf(x, out _));

    /// <summary>gradient · GELU′(x), from the pre-activation <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GeluBackward(float gradient, float x)
    {
        float cdf = NormalCdf(x, out float gauss);
        return gradient * MathF.FusedMultiplyAdd(Math.Clamp(x, GeluLow, -GeluLow) * InvSqrt2Pi, gauss, cdf);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GeluBackward(Vector256<float> gradient, Vector256<float> x)
    {
        Vector256<float> cdf = NormalCdf(x, out Vector256<float> gauss);
        Vector256<float> clamped = Vector256.Min(Vector256.Max(x, Vector256.Create(GeluLow)), Vector256.Create(-GeluLow));
        return gradient * Vector256.FusedMultiplyAdd(clamped * InvSqrt2Pi, gauss, cdf);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GeluBackward(Vector512<float> gradient, Vector512<float> x)
    {
        Vector512<float> cdf = NormalCdf(x, out Vector512<float> gauss);
        Vector512<float> clamped = Vector512.Min(Vector512.Max(x, Vector512.Create(GeluLow)), Vector512.Create(-GeluLow));
        return gradient * Vector512.FusedMultiplyAdd(clamped * InvSqrt2Pi, gauss, cdf);
    }

    // ---- GELU, tanh approximation (PyTorch's approximate='tanh'): ½x(1 + tanh(√(2/π)(x + 0.044715x³))), computed as
    // x·σ(2u) (the same function, without 1 + tanh's cancellation for negative x); derivative s + x·s(1 − s)·(2u)′ with
    // s = σ(2u) and 1 − s = e^(−2u)·s (no cancellation where s is near 1). Below x = −10, e^(−2u) would leave float's range: the value (< 1e−37) is 0, and the derivative's x is clamped.
    private const float GeluTanhLow = -10f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GeluTanh(float x) =>
        x < GeluTanhLow ? 0f : x / (1f + MathF.Exp(-x * MathF.FusedMultiplyAdd(GeluC2, x * x, GeluC1)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GeluTanh(Vector256<float> x)
    {
        Vector256<float> u2 = x * Vector256.FusedMultiplyAdd(Vector256.Create(GeluC2), x * x, Vector256.Create(GeluC1));
        Vector256<float> y = x / (Vector256<float>.One + Exp(-u2));
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(GeluTanhLow)), Vector256<float>.Zero, y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GeluTanh(Vector512<float> x)
    {
        Vector512<float> u2 = x * Vector512.FusedMultiplyAdd(Vector512.Create(GeluC2), x * x, Vector512.Create(GeluC1));
        Vector512<float> y = x / (Vector512<float>.One + Exp(-u2));
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(GeluTanhLow)), Vector512<float>.Zero, y);
    }

    /// <summary>gradient · GELU′(x) of the tanh approximation, from the pre-activation <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GeluTanhBackward(float gradient, float x)
    {
        x = Math.Clamp(x, GeluTanhLow, -GeluTanhLow);
        float x2 = x * x;
        float e = MathF.Exp(-x * MathF.FusedMultiplyAdd(GeluC2, x2, GeluC1)), s = 1f / (1f + e);
        float slope = MathF.FusedMultiplyAdd(3f * GeluC2, x2, GeluC1);
        return gradient * MathF.FusedMultiplyAdd(x * s * (e * s), slope, s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GeluTanhBackward(Vector256<float> gradient, Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(GeluTanhLow)), Vector256.Create(-GeluTanhLow));
        Vector256<float> x2 = x * x;
        Vector256<float> e = Exp(-x * Vector256.FusedMultiplyAdd(Vector256.Create(GeluC2), x2, Vector256.Create(GeluC1)));
        Vector256<float> s = Vector256<float>.One / (Vector256<float>.One + e);
        Vector256<float> slope = Vector256.FusedMultiplyAdd(Vector256.Create(3f * GeluC2), x2, Vector256.Create(GeluC1));
        return gradient * Vector256.FusedMultiplyAdd(x * s * (e * s), slope, s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GeluTanhBackward(Vector512<float> gradient, Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(GeluTanhLow)), Vector512.Create(-GeluTanhLow));
        Vector512<float> x2 = x * x;
        Vector512<float> e = Exp(-x * Vector512.FusedMultiplyAdd(Vector512.Create(GeluC2), x2, Vector512.Create(GeluC1)));
        Vector512<float> s = Vector512<float>.One / (Vector512<float>.One + e);
        Vector512<float> slope = Vector512.FusedMultiplyAdd(Vector512.Create(3f * GeluC2), x2, Vector512.Create(GeluC1));
        return gradient * Vector512.FusedMultiplyAdd(x * s * (e * s), slope, s);
    }

    // ---- SiLU (Swish): x·σ(x); derivative σ(x)·(1 + x·(1 − σ(x))), with 1 − σ(x) = e^−x·σ(x). Below x = −88, e^−x leaves float's range: the value
    // (< 1e−36) is 0, and the derivative's x is clamped to [−88, 88].
    private const float SiluLow = -88f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Silu(float x) => x < SiluLow ? 0f : x / (1f + MathF.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Silu(Vector256<float> x) => Vector256.ConditionalSelect(
        Vector256.LessThan(x, Vector256.Create(SiluLow)), Vector256<float>.Zero, x / (Vector256<float>.One + Exp(-x)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Silu(Vector512<float> x) => Vector512.ConditionalSelect(
        Vector512.LessThan(x, Vector512.Create(SiluLow)), Vector512<float>.Zero, x / (Vector512<float>.One + Exp(-x)));

    /// <summary>gradient · SiLU′(x), from the pre-activation <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SiluBackward(float gradient, float x)
    {
        x = Math.Clamp(x, SiluLow, -SiluLow);
        float e = MathF.Exp(-x), s = 1f / (1f + e);
        return gradient * s * MathF.FusedMultiplyAdd(x, e * s, 1f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SiluBackward(Vector256<float> gradient, Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(SiluLow)), Vector256.Create(-SiluLow));
        Vector256<float> e = Exp(-x), s = Vector256<float>.One / (Vector256<float>.One + e);
        return gradient * s * Vector256.FusedMultiplyAdd(x, e * s, Vector256<float>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SiluBackward(Vector512<float> gradient, Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(SiluLow)), Vector512.Create(-SiluLow));
        Vector512<float> e = Exp(-x), s = Vector512<float>.One / (Vector512<float>.One + e);
        return gradient * s * Vector512.FusedMultiplyAdd(x, e * s, Vector512<float>.One);
    }

    // ---- the pieces: Φ(x) (with e^(−x²/2) for the density), erf's polynomial, erfc's tail.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float NormalCdf(float x, out float gauss)
    {
        x = Math.Clamp(x, GeluLow, -GeluLow);
        float t = x * InvSqrt2, a = MathF.Abs(t), square = x * x;
        float half = 0.5f * ErfcTail(a, 0.5f * square, 0.5f * MathF.FusedMultiplyAdd(x, x, -square), out gauss);
        if (a < 1f) return MathF.FusedMultiplyAdd(0.5f * t, ErfPoly(t * t), 0.5f * t) + 0.5f;
        return t < 0f ? half : 1f - half;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> NormalCdf(Vector256<float> x, out Vector256<float> gauss)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(GeluLow)), Vector256.Create(-GeluLow));
        Vector256<float> t = x * InvSqrt2, a = Vector256.Abs(t), square = x * x, h = t * 0.5f;
        Vector256<float> half = Vector256.Create(0.5f) * ErfcTail(a, square * 0.5f, Vector256.FusedMultiplyAdd(x, x, -square) * 0.5f, out gauss);
        Vector256<float> small = Vector256.FusedMultiplyAdd(h, ErfPoly(t * t), h) + Vector256.Create(0.5f);
        Vector256<float> large = Vector256.ConditionalSelect(Vector256.LessThan(t, Vector256<float>.Zero), half, Vector256<float>.One - half);
        return Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256<float>.One), small, large);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> NormalCdf(Vector512<float> x, out Vector512<float> gauss)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(GeluLow)), Vector512.Create(-GeluLow));
        Vector512<float> t = x * InvSqrt2, a = Vector512.Abs(t), square = x * x, h = t * 0.5f;
        Vector512<float> half = Vector512.Create(0.5f) * ErfcTail(a, square * 0.5f, Vector512.FusedMultiplyAdd(x, x, -square) * 0.5f, out gauss);
        Vector512<float> small = Vector512.FusedMultiplyAdd(h, ErfPoly(t * t), h) + Vector512.Create(0.5f);
        Vector512<float> large = Vector512.ConditionalSelect(Vector512.LessThan(t, Vector512<float>.Zero), half, Vector512<float>.One - half);
        return Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512<float>.One), small, large);
    }

    /// <summary>erf(t)/t − 1 as a polynomial in s = t², for |t| &lt; 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ErfPoly(float s)
    {
        float p = MathF.FusedMultiplyAdd(A7, s, A6);
        p = MathF.FusedMultiplyAdd(p, s, A5);
        p = MathF.FusedMultiplyAdd(p, s, A4);
        p = MathF.FusedMultiplyAdd(p, s, A3);
        p = MathF.FusedMultiplyAdd(p, s, A2);
        p = MathF.FusedMultiplyAdd(p, s, A1);
        return MathF.FusedMultiplyAdd(p, s, A0Minus1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ErfPoly(Vector256<float> s)
    {
        Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.Create(A7), s, Vector256.Create(A6));
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(A5));
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(A4));
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(A3));
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(A2));
        p = Vector256.FusedMultiplyAdd(p, s, Vector256.Create(A1));
        return Vector256.FusedMultiplyAdd(p, s, Vector256.Create(A0Minus1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ErfPoly(Vector512<float> s)
    {
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(A7), s, Vector512.Create(A6));
        p = Vector512.FusedMultiplyAdd(p, s, Vector512.Create(A5));
        p = Vector512.FusedMultiplyAdd(p, s, Vector512.Create(A4));
        p = Vector512.FusedMultiplyAdd(p, s, Vector512.Create(A3));
        p = Vector512.FusedMultiplyAdd(p, s, Vector512.Create(A2));
        p = Vector512.FusedMultiplyAdd(p, s, Vector512.Create(A1));
        return Vector512.FusedMultiplyAdd(p, s, Vector512.Create(A0Minus1));
    }

    /// <summary>
    /// erfc(t) for 1 ≤ t ≤ 10 (NaN kept), and <paramref name="gauss"/> = e^(−t²), from t² given exactly as
    /// <paramref name="hi"/> + <paramref name="lo"/> (the caller squares what it has exactly: t, or x for t = x/√2).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ErfcTail(float t, float hi, float lo, out float gauss)
    {
        gauss = MathF.Exp(-hi) * (1f - lo);
        float tau = 1f / MathF.FusedMultiplyAdd(0.5f, t, 1f);
        float p = MathF.FusedMultiplyAdd(B11, tau, B10);
        p = MathF.FusedMultiplyAdd(p, tau, B9);
        p = MathF.FusedMultiplyAdd(p, tau, B8);
        p = MathF.FusedMultiplyAdd(p, tau, B7);
        p = MathF.FusedMultiplyAdd(p, tau, B6);
        p = MathF.FusedMultiplyAdd(p, tau, B5);
        p = MathF.FusedMultiplyAdd(p, tau, B4);
        p = MathF.FusedMultiplyAdd(p, tau, B3);
        p = MathF.FusedMultiplyAdd(p, tau, B2);
        p = MathF.FusedMultiplyAdd(p, tau, B1);
        p = MathF.FusedMultiplyAdd(p, tau, B0);
        return tau * gauss * p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ErfcTail(Vector256<float> t, Vector256<float> hi, Vector256<float> lo, out Vector256<float> gauss)
    {
        gauss = Exp(-hi) * (Vector256<float>.One - lo);
        Vector256<float> tau = Vector256<float>.One / Vector256.FusedMultiplyAdd(Vector256.Create(0.5f), t, Vector256<float>.One);
        Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.Create(B11), tau, Vector256.Create(B10));
        p = Vector256.FusedMultiplyAdd(p, tau, Vector256.Create(B9));
        p = Vector256.FusedMultiplyAdd(p, tau, Vector256.Create(B8));
        p = Vector256.FusedMultiplyAdd(p, tau, Vector256.Create(B7));
        p = Vector256.FusedMultiplyAdd(p, tau, Vector256.Create(B6));
        p = Vector256.FusedMultiplyAdd(p, tau, Vector256.Create(B5));
        p = Vector256.FusedMultiplyAdd(p, tau, Vector256.Create(B4));
        p = Vector256.FusedMultiplyAdd(p, tau, Vector256.Create(B3));
        p = Vector256.FusedMultiplyAdd(p, tau, Vector256.Create(B2));
        p = Vector256.FusedMultiplyAdd(p, tau, Vector256.Create(B1));
        p = Vector256.FusedMultiplyAdd(p, tau, Vector256.Create(B0));
        return tau * gauss * p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ErfcTail(Vector512<float> t, Vector512<float> hi, Vector512<float> lo, out Vector512<float> gauss)
    {
        gauss = Exp(-hi) * (Vector512<float>.One - lo);
        Vector512<float> tau = Vector512<float>.One / Vector512.FusedMultiplyAdd(Vector512.Create(0.5f), t, Vector512<float>.One);
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(B11), tau, Vector512.Create(B10));
        p = Vector512.FusedMultiplyAdd(p, tau, Vector512.Create(B9));
        p = Vector512.FusedMultiplyAdd(p, tau, Vector512.Create(B8));
        p = Vector512.FusedMultiplyAdd(p, tau, Vector512.Create(B7));
        p = Vector512.FusedMultiplyAdd(p, tau, Vector512.Create(B6));
        p = Vector512.FusedMultiplyAdd(p, tau, Vector512.Create(B5));
        p = Vector512.FusedMultiplyAdd(p, tau, Vector512.Create(B4));
        p = Vector512.FusedMultiplyAdd(p, tau, Vector512.Create(B3));
        p = Vector512.FusedMultiplyAdd(p, tau, Vector512.Create(B2));
        p = Vector512.FusedMultiplyAdd(p, tau, Vector512.Create(B1));
        p = Vector512.FusedMultiplyAdd(p, tau, Vector512.Create(B0));
        return tau * gauss * p;
    }
}
