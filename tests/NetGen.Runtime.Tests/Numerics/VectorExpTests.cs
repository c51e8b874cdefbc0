using System.Runtime.Intrinsics;

namespace NetGen.Runtime.Tests.Numerics;

/// <summary>VectorMath.Exp, which the activations use in place of the library's Vector512.Exp: accuracy, range, NaN.</summary>
public sealed class VectorExpTests
{
    private static IEnumerable<float> Inputs()
    {
        for (double x = -87; x <= 88; x += 0.0137) yield return (float)x;
        foreach (float x in new[] { 0f, -0f, 1e-30f, -1e-30f, 1e-7f, 0.5f, -0.5f, 0.34657359f, -0.34657359f, 10f, -10f, 87.9f, -86.9f }) yield return x;
    }

    [Fact]
    public void Vector512_and_Vector256_are_within_two_ulps_of_the_double_exponential()
    {
        float[] xs = Inputs().ToArray();
        double worst = 0;
        for (int i = 0; i + 16 <= xs.Length; i += 16)
        {
            Vector512<float> wide = VectorMath.Exp(Vector512.Create(xs.AsSpan(i, 16)));
            Vector256<float> narrow = VectorMath.Exp(Vector256.Create(xs.AsSpan(i, 8)));
            for (int j = 0; j < 16; j++)
            {
                double exact = System.Math.Exp(xs[i + j]);
                double error = System.Math.Abs(wide[j] - exact) / exact;
                worst = System.Math.Max(worst, error);
                Assert.True(error < 2.4e-7, $"Vector512 e^{xs[i + j]:R} = {wide[j]:R}, exact {exact:R} (relative error {error:E2})");
                if (j < 8) Assert.Equal(wide[j], narrow[j]);
            }
        }
        Assert.True(worst > 0, "the comparison ran");
    }

    [Fact]
    public void Outside_the_range_it_clamps_and_NaN_stays_NaN()
    {
        Vector512<float> result = VectorMath.Exp(Vector512.Create(1000f, -1000f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 0f, 88f, -87f, 1, 2, 3, 4, 5, 6, 7, 8));
        Assert.True(float.IsFinite(result[0]) && result[0] > 1e38f, $"e^1000 clamps to e^88, got {result[0]}");
        Assert.True(result[1] > 0f && result[1] < 1e-37f, $"e^-1000 clamps to e^-87, got {result[1]}");
        Assert.True(result[2] > 1e38f && float.IsFinite(result[2]));
        Assert.True(result[3] >= 0f && result[3] < 1e-37f);
        Assert.True(float.IsNaN(result[4]), $"e^NaN is NaN, got {result[4]}");
        Assert.Equal(1f, result[5]);
        Assert.True(float.IsNaN(VectorMath.Exp(Vector256.Create(float.NaN))[3]));
    }

    [Fact]
    public void Sigmoid_and_tanh_built_on_it_stay_within_their_range_and_accurate()
    {
        for (float x = -60f; x <= 60f; x += 0.173f)
        {
            float s = VectorMath.Sigmoid(Vector512.Create(x))[0], t = VectorMath.Tanh(Vector512.Create(x))[0];
            Assert.InRange(s, 0f, 1f);
            Assert.InRange(t, -1f, 1f);
            Assert.True(System.Math.Abs(s - 1 / (1 + System.Math.Exp(-x))) < 3e-7, $"sigmoid({x}) = {s}");
            Assert.True(System.Math.Abs(t - System.Math.Tanh(x)) < 3e-7, $"tanh({x}) = {t}");
        }
    }
}
