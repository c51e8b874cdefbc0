using NetGen.Kernels;
namespace NetGen.Runtime.Tests.Numerics;

/// <summary>
/// LossKernels.SoftmaxCrossEntropy with an integer label against a double-precision reference: every width from 1 to 20
/// (8–16 take two registers of exponentials, the rest go element by element), every label position, logits of every
/// scale; and what infinite or NaN logits give.
/// </summary>
public sealed class LossKernelsTests
{
    private static (double Loss, double[] Gradient) Reference(float[] z, int label, float scale)
    {
        double max = z.Max();
        double sum = z.Sum(v => System.Math.Exp(v - max));
        double loss = max + System.Math.Log(sum) - z[label];
        double[] gradient = z.Select((v, i) => (System.Math.Exp(v - max) / sum - (i == label ? 1 : 0)) * scale).ToArray();
        return (loss, gradient);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(5)]
    [InlineData(60)] // confident rows: probabilities down to e^-120 underflow to 0 either way
    public void Sparse_softmax_cross_entropy_matches_the_double_reference(double spread)
    {
        var random = new Random(3);
        const float scale = 1f / 32;
        for (int width = 1; width <= 20; width++)
        {
            for (int label = 0; label < width; label++)
            {
                float[] z = Enumerable.Range(0, width).Select(_ => (float)((random.NextDouble() * 2 - 1) * spread)).ToArray();
                var gradient = new float[width + 3]; // room past the row: nothing may be written there
                gradient.AsSpan(width).Fill(42f);
                float loss = LossKernels.SoftmaxCrossEntropy(z, label, gradient.AsSpan(0, width), scale);
                var (refLoss, refGradient) = Reference(z, label, scale);
                Assert.True(System.Math.Abs(loss - refLoss) <= 2e-6 * (1 + System.Math.Abs(refLoss)), $"width {width}, label {label}: loss {loss:R}, reference {refLoss:R}");
                for (int i = 0; i < width; i++)
                {
                    Assert.True(System.Math.Abs(gradient[i] - refGradient[i]) <= 1e-6 * scale + 2e-6 * System.Math.Abs(refGradient[i]),
                        $"width {width}, label {label}, class {i}: {gradient[i]:R}, reference {refGradient[i]:R}");
                }
                Assert.All(gradient.Skip(width), g => Assert.Equal(42f, g));
            }
        }
    }

    [Fact]
    public void A_nan_logit_gives_a_nan_loss_and_an_infinitely_unlikely_label_an_infinite_one()
    {
        var gradient = new float[10];
        float[] z = Enumerable.Range(0, 10).Select(i => 0.1f * i).ToArray();
        z[4] = float.NaN;
        Assert.True(float.IsNaN(LossKernels.SoftmaxCrossEntropy(z, 2, gradient, 1f)));
        z[4] = float.NegativeInfinity; // class 4 can never be right: as a label its loss is infinite, as another class it takes ~0
        Assert.Equal(float.PositiveInfinity, LossKernels.SoftmaxCrossEntropy(z, 4, gradient, 1f));
        float loss = LossKernels.SoftmaxCrossEntropy(z, 2, gradient, 1f);
        Assert.True(float.IsFinite(loss));
        Assert.True(System.Math.Abs(gradient[4]) < 1e-30, $"class 4's gradient {gradient[4]:R}");
    }
}
