using System.Runtime.Intrinsics;
using NetGen.Kernels;
using NetGen.Tests.Support;
using Xunit.Abstractions;

namespace NetGen.Runtime.Tests.Numerics;

/// <summary>
/// VectorMath.Erf, GELU (exact and tanh), SiLU and their derivatives in every width (float, Vector256, Vector512),
/// against the double-precision reference on dense grids; NaN and the infinities; the span kernels of ImageKernels.
/// </summary>
public sealed class SmoothActivationTests
{
    private readonly ITestOutputHelper _output;

    public SmoothActivationTests(ITestOutputHelper output) => _output = output;

    /// <summary>One function in the three widths: the scalar, lane 5 of 8 and lane 11 of 16 (the value among others).</summary>
    private sealed record Widths(string Name, Func<float, float> Scalar, Func<Vector256<float>, Vector256<float>> Narrow, Func<Vector512<float>, Vector512<float>> Wide)
    {
        public IEnumerable<(string Width, float Value)> At(float x)
        {
            yield return ("float", Scalar(x));
            yield return ("Vector256", Narrow(Vector256.Create(0.25f).WithElement(5, x))[5]);
            yield return ("Vector512", Wide(Vector512.Create(-0.5f).WithElement(11, x))[11]);
        }
    }

    private static readonly Widths Erf = new("erf", VectorMath.Erf, VectorMath.Erf, VectorMath.Erf);
    private static readonly Widths Gelu = new("GELU", VectorMath.Gelu, VectorMath.Gelu, VectorMath.Gelu);
    private static readonly Widths GeluTanh = new("GELU (tanh)", VectorMath.GeluTanh, VectorMath.GeluTanh, VectorMath.GeluTanh);
    private static readonly Widths Silu = new("SiLU", VectorMath.Silu, VectorMath.Silu, VectorMath.Silu);
    private static readonly Widths GeluPrime = new("GELU′", x => VectorMath.GeluBackward(1f, x), x => VectorMath.GeluBackward(Vector256<float>.One, x), x => VectorMath.GeluBackward(Vector512<float>.One, x));
    private static readonly Widths GeluTanhPrime = new("GELU (tanh)′", x => VectorMath.GeluTanhBackward(1f, x), x => VectorMath.GeluTanhBackward(Vector256<float>.One, x), x => VectorMath.GeluTanhBackward(Vector512<float>.One, x));
    private static readonly Widths SiluPrime = new("SiLU′", x => VectorMath.SiluBackward(1f, x), x => VectorMath.SiluBackward(Vector256<float>.One, x), x => VectorMath.SiluBackward(Vector512<float>.One, x));

    /// <summary>Every float step of <paramref name="step"/> from <paramref name="from"/> to <paramref name="to"/>, and ±0.</summary>
    private static IEnumerable<float> Grid(double from, double to, double step)
    {
        int n = (int)Math.Round((to - from) / step);
        for (int i = 0; i <= n; i++) yield return (float)(from + (i * step));
    }

    /// <summary>The largest error of <paramref name="f"/> over the grid, relative to max(|exact|, <paramref name="floor"/>), per width.</summary>
    private (double Error, float At) Worst(Widths f, Func<double, double> exact, IEnumerable<float> grid, double floor)
    {
        double worst = 0;
        float at = 0;
        string width = "";
        foreach (float x in grid)
        {
            double e = exact(x);
            foreach (var (w, y) in f.At(x))
            {
                double error = Math.Abs(y - e) / Math.Max(Math.Abs(e), floor);
                if (!(error <= worst))
                {
                    worst = error;
                    at = x;
                    width = w;
                }
            }
        }
        _output.WriteLine($"{f.Name}: max error {worst:E3} (relative to max(|exact|, {floor:E0})) at x = {at:R} ({width})");
        return (worst, at);
    }

    [Fact]
    public void The_double_reference_agrees_with_mpmath()
    {
        (double X, double Erf)[] erf =
        {
            (0.001, 0.0011283787909692363799), (0.3, 0.32862675945912742764), (0.99, 0.83850806955536980358),
            (1.0, 0.84270079294971486934), (2.5, 0.99959304798255504106), (2.999, 0.99997776983140016593),
            (3.001, 0.99997804833908226271), (4.5, 0.99999999980338395585),
        };
        foreach (var (x, e) in erf)
        {
            Assert.True(Math.Abs(DoubleErf.Erf(x) - e) <= 1e-15 * e, $"erf({x}) = {DoubleErf.Erf(x):R}, mpmath {e:R}");
            Assert.True(Math.Abs(DoubleErf.Erf(-x) + e) <= 1e-15 * e);
        }
        (double X, double Erfc)[] erfc = { (3.5, 7.4309837234141274552e-7), (6, 2.1519736712498913117e-17), (9, 4.1370317465138102381e-37) };
        foreach (var (x, e) in erfc) Assert.True(Math.Abs(DoubleErf.Erfc(x) - e) <= 1e-13 * e, $"erfc({x}) = {DoubleErf.Erfc(x):R}, mpmath {e:R}");
        (double X, double Gelu)[] gelu = { (-7, -8.9586878072008450307e-12), (-1.5, -0.10021080190328709901), (0.5, 0.34573123063700655182), (3, 2.9959503059051097164) };
        foreach (var (x, e) in gelu) Assert.True(Math.Abs(DoubleErf.Gelu(x) - e) <= 1e-13 * Math.Abs(e), $"GELU({x}) = {DoubleErf.Gelu(x):R}, mpmath {e:R}");
    }

    [Fact]
    public void Erf_is_within_1_2e_7_relative_on_a_dense_grid_in_every_width()
    {
        // 2.4 million points on [−6, 6] (erf reaches ±1 in float at 3.92), and 200,001 near 0
        var (error, at) = Worst(Erf, DoubleErf.Erf, Grid(-6, 6, 5e-6).Concat(Grid(-1e-3, 1e-3, 1e-8)), 1e-30);
        Assert.True(error <= 1.2e-7, $"erf's relative error {error:E3} at {at:R}");
    }

    [Fact]
    public void Gelu_is_within_5e_7_relative_down_to_1e_30_and_its_derivative_within_4e_7()
    {
        // relative even on the negative side (GELU(−11.5) ≈ −1e−30): Φ comes from erfc there, not from 1 + erf
        var grid = Grid(-14, 14, 1e-4).ToArray();
        var (error, at) = Worst(Gelu, DoubleErf.Gelu, grid, 1e-30);
        Assert.True(error <= 5e-7, $"GELU's relative error {error:E3} at {at:R}");
        (error, at) = Worst(GeluPrime, DoubleErf.GeluDerivative, grid, 1);
        Assert.True(error <= 4e-7, $"GELU′'s error {error:E3} at {at:R}");
    }

    [Fact]
    public void Gelu_tanh_and_silu_are_within_float_accuracy_and_so_are_their_derivatives()
    {
        var grid = Grid(-20, 20, 1e-4).ToArray();
        var (error, at) = Worst(GeluTanh, DoubleErf.GeluTanh, grid, 1);
        Assert.True(error <= 4e-7, $"GELU (tanh)'s error {error:E3} at {at:R}");
        (error, at) = Worst(GeluTanhPrime, DoubleErf.GeluTanhDerivative, grid, 1);
        Assert.True(error <= 4e-7, $"GELU (tanh)′'s error {error:E3} at {at:R}");
        var wide = Grid(-100, 100, 1e-3).ToArray();
        (error, at) = Worst(Silu, DoubleErf.Silu, wide, 1);
        Assert.True(error <= 4e-7, $"SiLU's error {error:E3} at {at:R}");
        (error, at) = Worst(SiluPrime, DoubleErf.SiluDerivative, wide, 1);
        Assert.True(error <= 4e-7, $"SiLU′'s error {error:E3} at {at:R}");
    }

    [Fact]
    public void NaN_stays_NaN_and_the_infinities_give_the_limits_in_every_width()
    {
        foreach (Widths f in new[] { Erf, Gelu, GeluTanh, Silu, GeluPrime, GeluTanhPrime, SiluPrime })
        {
            foreach (var (width, y) in f.At(float.NaN)) Assert.True(float.IsNaN(y), $"{f.Name}(NaN) = {y} ({width})");
        }
        (Widths F, float X, float Limit)[] limits =
        {
            (Erf, float.PositiveInfinity, 1f), (Erf, float.NegativeInfinity, -1f), (Erf, 0f, 0f),
            (Gelu, float.PositiveInfinity, float.PositiveInfinity), (Gelu, float.NegativeInfinity, 0f), (Gelu, 0f, 0f),
            (GeluTanh, float.PositiveInfinity, float.PositiveInfinity), (GeluTanh, float.NegativeInfinity, 0f),
            (Silu, float.PositiveInfinity, float.PositiveInfinity), (Silu, float.NegativeInfinity, 0f),
            (GeluPrime, float.PositiveInfinity, 1f), (GeluPrime, float.NegativeInfinity, 0f), (GeluPrime, 0f, 0.5f),
            (GeluTanhPrime, float.PositiveInfinity, 1f), (GeluTanhPrime, float.NegativeInfinity, 0f), (GeluTanhPrime, 0f, 0.5f),
            (SiluPrime, float.PositiveInfinity, 1f), (SiluPrime, float.NegativeInfinity, 0f), (SiluPrime, 0f, 0.5f),
        };
        foreach (var (f, x, limit) in limits)
        {
            foreach (var (width, y) in f.At(x)) Assert.True(Math.Abs(y - limit) <= 1e-30 || y == limit, $"{f.Name}({x}) = {y:R}, expected {limit} ({width})");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(37)]
    public void The_span_kernels_apply_the_function_and_the_derivative_to_every_value(int count)
    {
        var rng = new Random(count);
        float[] x = Enumerable.Range(0, count).Select(_ => (float)((rng.NextDouble() * 12) - 6)).ToArray();
        x[count / 2] = float.NaN;
        var kernels = new (string Name, Action<float[], float[]> Forward, Action<float[], float[]> Backward, Func<double, double> F, Func<double, double> Prime)[]
        {
            ("GELU", (a, b) => ImageKernels.Gelu(ref a[0], ref b[0], count), (g, a) => ImageKernels.GeluBackward(ref g[0], ref a[0], count), DoubleErf.Gelu, DoubleErf.GeluDerivative),
            ("GELU (tanh)", (a, b) => ImageKernels.GeluTanh(ref a[0], ref b[0], count), (g, a) => ImageKernels.GeluTanhBackward(ref g[0], ref a[0], count), DoubleErf.GeluTanh, DoubleErf.GeluTanhDerivative),
            ("SiLU", (a, b) => ImageKernels.Silu(ref a[0], ref b[0], count), (g, a) => ImageKernels.SiluBackward(ref g[0], ref a[0], count), DoubleErf.Silu, DoubleErf.SiluDerivative),
            ("ReLU", (a, b) => ImageKernels.Relu(ref a[0], ref b[0], count), null!, v => v < 0 ? 0 : v, null!),
            ("Sigmoid", (a, b) => ImageKernels.Sigmoid(ref a[0], ref b[0], count), null!, DoubleErf.Sigmoid, null!),
            ("Tanh", (a, b) => ImageKernels.Tanh(ref a[0], ref b[0], count), null!, Math.Tanh, null!),
        };
        foreach (var k in kernels)
        {
            float[] y = new float[count];
            k.Forward(x, y);
            for (int i = 0; i < count; i++)
            {
                if (float.IsNaN(x[i])) Assert.True(float.IsNaN(y[i]), $"{k.Name}(NaN) = {y[i]}");
                else Assert.True(Math.Abs(y[i] - k.F(x[i])) <= 1e-6 * Math.Max(1, Math.Abs(k.F(x[i]))), $"{k.Name}({x[i]:R}) = {y[i]:R}, exact {k.F(x[i]):R}");
            }
            if (k.Backward is null) continue;
            float[] g = Enumerable.Range(0, count).Select(i => 0.5f + i).ToArray();
            k.Backward(g, x);
            for (int i = 0; i < count; i++)
            {
                if (float.IsNaN(x[i])) Assert.True(float.IsNaN(g[i]), $"{k.Name}′(NaN) = {g[i]}");
                else Assert.True(Math.Abs(g[i] - ((0.5 + i) * k.Prime(x[i]))) <= 1e-5 * (0.5 + i), $"{k.Name}′({x[i]:R}) · {0.5 + i} = {g[i]:R}");
            }
        }
    }
}
