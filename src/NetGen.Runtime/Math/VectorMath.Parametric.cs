using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen;

// The activations with a parameter α: LeakyReLU (x for x > 0, α·x otherwise) and ELU (x for x > 0, α·(eˣ − 1) otherwise).
// Both are one-to-one for the α NetGen accepts (LeakyReLU α ≥ 0 keeps y's sign; ELU α > 0), so their derivatives are
// taken from the output y, as ReLU's: LeakyReLU′ = 1 for y > 0, α otherwise; ELU′ = 1 for y > 0, y + α otherwise
// (α·eˣ = y + α). At x = 0 both take the negative side's, as PyTorch does. NaN in, NaN out (x > 0 is false for NaN,
// and α·NaN and e^NaN are NaN); ELU(−∞) = −α (Exp clamps its input).
public static partial class VectorMath
{
    /// <summary>LeakyReLU: x for x &gt; 0, <paramref name="alpha"/>·x otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyRelu(float x, float alpha) => x > 0f ? x : alpha * x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LeakyRelu(Vector256<float> x, float alpha) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * alpha);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LeakyRelu(Vector512<float> x, float alpha) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * alpha);

    /// <summary>gradient · LeakyReLU′, from the output <paramref name="y"/>: gradient for y &gt; 0, <paramref name="alpha"/>·gradient otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyReluBackward(float gradient, float y, float alpha) => y > 0f ? gradient : alpha * gradient;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LeakyReluBackward(Vector256<float> gradient, Vector256<float> y, float alpha) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), gradient, gradient * alpha);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LeakyReluBackward(Vector512<float> gradient, Vector512<float> y, float alpha) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), gradient, gradient * alpha);

    /// <summary>ELU: x for x &gt; 0, <paramref name="alpha"/>·(eˣ − 1) otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Elu(float x, float alpha) => x > 0f ? x : alpha * (MathF.Exp(x) - 1f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Elu(Vector256<float> x, float alpha) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, (Exp(x) - Vector256<float>.One) * alpha);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Elu(Vector512<float> x, float alpha) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, (Exp(x) - Vector512<float>.One) * alpha);

    /// <summary>gradient · ELU′, from the output <paramref name="y"/>: gradient for y &gt; 0, (y + <paramref name="alpha"/>)·gradient otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float EluBackward(float gradient, float y, float alpha) => y > 0f ? gradient : (y + alpha) * gradient;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> EluBackward(Vector256<float> gradient, Vector256<float> y, float alpha) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), gradient, (y + Vector256.Create(alpha)) * gradient);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> EluBackward(Vector512<float> gradient, Vector512<float> y, float alpha) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), gradient, (y + Vector512.Create(alpha)) * gradient);
}
