using System.Runtime.Intrinsics;
using NetGen.Kernels;

namespace NetGen.Runtime.Tests.Numerics;

/// <summary>
/// VectorMath.LeakyRelu and Elu and their derivatives (from the output) in every width (float, Vector256, Vector512)
/// against their definitions in double; NaN and the infinities; the span kernels of ImageKernels on lengths around
/// every register width.
/// </summary>
public sealed class ParametricActivationTests
{
    private static IEnumerable<float> Grid()
    {
        for (int i = -400; i <= 400; i++) yield return i * 0.025f;
        yield return 0f;
        yield return -0f;
        yield return -90f;
        yield return 1e-30f;
        yield return -1e-30f;
    }

    /// <summary>f at x in each width: the scalar, lane 5 of 8 and lane 11 of 16 (among other values).</summary>
    private static float[] Each(Func<float, float> scalar, Func<Vector256<float>, Vector256<float>> narrow, Func<Vector512<float>, Vector512<float>> wide, float x) =>
    [
        scalar(x),
        narrow(Vector256.Create(0.25f).WithElement(5, x))[5],
        wide(Vector512.Create(-0.5f).WithElement(11, x))[11],
    ];

    [Theory]
    [InlineData(0.3f)]
    [InlineData(0.01f)]
    [InlineData(0f)]
    [InlineData(1.5f)]
    public void LeakyRelu_and_its_derivative_match_the_definition_in_every_width(float alpha)
    {
        foreach (float x in Grid())
        {
            double expected = x > 0 ? x : (double)alpha * x;
            foreach (float y in Each(v => VectorMath.LeakyRelu(v, alpha), v => VectorMath.LeakyRelu(v, alpha), v => VectorMath.LeakyRelu(v, alpha), x))
                Assert.True(Math.Abs(y - expected) <= 1e-7 * Math.Abs(expected), $"LeakyReLU({x}; {alpha}) = {y}, expected {expected}");
            float output = VectorMath.LeakyRelu(x, alpha);
            double slope = x > 0 ? 1 : alpha;
            foreach (float d in Each(v => VectorMath.LeakyReluBackward(2f, v, alpha), v => VectorMath.LeakyReluBackward(Vector256.Create(2f), v, alpha),
                         v => VectorMath.LeakyReluBackward(Vector512.Create(2f), v, alpha), output))
                Assert.True(Math.Abs(d - 2 * slope) <= 1e-7 * 2 * slope || (alpha == 0 && x <= 0 && d == 0), $"LeakyReLU′ at {x} (y = {output}; {alpha}) = {d / 2}, expected {slope}");
        }
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(0.5f)]
    [InlineData(1.7f)]
    public void Elu_and_its_derivative_from_the_output_match_the_definition_in_every_width(float alpha)
    {
        foreach (float x in Grid())
        {
            double expected = x > 0 ? x : alpha * (Math.Exp(x) - 1);
            foreach (float y in Each(v => VectorMath.Elu(v, alpha), v => VectorMath.Elu(v, alpha), v => VectorMath.Elu(v, alpha), x))
                Assert.True(Math.Abs(y - expected) <= 2e-7 * Math.Max(Math.Abs(expected), alpha * 0.5), $"ELU({x}; {alpha}) = {y}, expected {expected}");
            float output = VectorMath.Elu(x, alpha);
            double slope = x > 0 ? 1 : alpha * Math.Exp(x);
            foreach (float d in Each(v => VectorMath.EluBackward(1f, v, alpha), v => VectorMath.EluBackward(Vector256<float>.One, v, alpha),
                         v => VectorMath.EluBackward(Vector512<float>.One, v, alpha), output))
                Assert.True(Math.Abs(d - slope) <= 3e-7 * alpha, $"ELU′ at {x} (y = {output}; {alpha}) = {d}, expected {slope}");
        }
    }

    [Fact]
    public void NaN_stays_NaN_and_the_infinities_give_the_limits()
    {
        foreach (float y in Each(v => VectorMath.LeakyRelu(v, 0.3f), v => VectorMath.LeakyRelu(v, 0.3f), v => VectorMath.LeakyRelu(v, 0.3f), float.NaN)) Assert.True(float.IsNaN(y));
        foreach (float y in Each(v => VectorMath.Elu(v, 0.5f), v => VectorMath.Elu(v, 0.5f), v => VectorMath.Elu(v, 0.5f), float.NaN)) Assert.True(float.IsNaN(y));
        foreach (float y in Each(v => VectorMath.Elu(v, 0.5f), v => VectorMath.Elu(v, 0.5f), v => VectorMath.Elu(v, 0.5f), float.NegativeInfinity)) Assert.Equal(-0.5f, y);
        foreach (float y in Each(v => VectorMath.Elu(v, 0.5f), v => VectorMath.Elu(v, 0.5f), v => VectorMath.Elu(v, 0.5f), float.PositiveInfinity)) Assert.Equal(float.PositiveInfinity, y);
        foreach (float y in Each(v => VectorMath.LeakyRelu(v, 0.3f), v => VectorMath.LeakyRelu(v, 0.3f), v => VectorMath.LeakyRelu(v, 0.3f), float.NegativeInfinity)) Assert.Equal(float.NegativeInfinity, y);
        // a NaN gradient stays NaN through the derivative
        Assert.True(float.IsNaN(VectorMath.EluBackward(float.NaN, -0.2f, 1f)));
        Assert.True(float.IsNaN(VectorMath.LeakyReluBackward(float.NaN, 0.2f, 0.3f)));
    }

    /// <summary>The span kernels equal the scalar functions element by element, tails included, and never write past the count.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    public void The_span_kernels_apply_the_function_to_every_value_and_no_more(int count)
    {
        var random = new Random(count);
        float[] x = Enumerable.Range(0, count + 1).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
        foreach ((Action<float[], float[]> forward, Func<float, float> scalar, Action<float[], float[]> backward, Func<float, float, float> derivative) in new (Action<float[], float[]>, Func<float, float>, Action<float[], float[]>, Func<float, float, float>)[]
        {
            ((a, b) => ImageKernels.LeakyRelu(ref a[0], ref b[0], count, 0.2f), v => VectorMath.LeakyRelu(v, 0.2f),
             (g, y) => ImageKernels.LeakyReluBackward(ref g[0], ref y[0], count, 0.2f), (g, y) => VectorMath.LeakyReluBackward(g, y, 0.2f)),
            ((a, b) => ImageKernels.Elu(ref a[0], ref b[0], count, 0.8f), v => VectorMath.Elu(v, 0.8f),
             (g, y) => ImageKernels.EluBackward(ref g[0], ref y[0], count, 0.8f), (g, y) => VectorMath.EluBackward(g, y, 0.8f)),
        })
        {
            var y = new float[count + 1];
            y[count] = 42f;
            forward(x, y);
            for (int i = 0; i < count; i++) Assert.True(Math.Abs(y[i] - scalar(x[i])) <= 1e-6f * Math.Max(1f, Math.Abs(y[i])), $"[{i}] {y[i]} vs {scalar(x[i])}");
            Assert.Equal(42f, y[count]);
            float[] g = Enumerable.Range(0, count + 1).Select(i => 1f + i).ToArray();
            float[] expected = g.Select((v, i) => i < count ? derivative(v, y[i]) : v).ToArray();
            backward(g, y);
            for (int i = 0; i < count; i++) Assert.True(Math.Abs(g[i] - expected[i]) <= 1e-6f * Math.Max(1f, Math.Abs(expected[i])), $"[{i}] {g[i]} vs {expected[i]}");
            Assert.Equal(count + 1f, g[count]);
        }
    }
}
