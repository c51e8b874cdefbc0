using NetGen;
using NetGen.Kernels;
using NetGen.Serialization;
using NetGen.Tests.Networks;

namespace NetGen.Tests;

/// <summary>
/// [LayerNormalization] beyond the reference checks of ImageLayerTests (forward, central differences, training forward
/// = inference, for widths 5, 7, 9, 16, 21, 37 and 40): its initial γ and β, its parameter blocks, the architecture text,
/// NaN through whole networks, a row of equal values, and 0 bytes per call.
/// </summary>
public class LayerNormalizationTests
{
    public static IEnumerable<object[]> Models() => new[]
    {
        new object[] { "LayerNormMlp" }, new object[] { "LayerNormFirst" }, new object[] { "WideLayerNorm" },
        new object[] { "SequenceLayerNorm" }, new object[] { "RecurrentLayerNorm" },
    };

    private static ITrainableModel Create(string name, int seed) => name switch
    {
        "LayerNormMlp" => new LayerNormMlp(seed),
        "LayerNormFirst" => new LayerNormFirst(seed),
        "WideLayerNorm" => new WideLayerNorm(seed),
        "SequenceLayerNorm" => new SequenceLayerNorm(seed),
        "RecurrentLayerNorm" => new RecurrentLayerNorm(seed),
        _ => throw new ArgumentException(name),
    };

    [Fact]
    public void Gamma_starts_at_one_and_beta_at_zero_in_blocks_named_as_nn_LayerNorm_holds_them()
    {
        var typed = new WideLayerNorm(3);
        ITrainableModel model = typed;
        ParameterBlock[] norms = model.ParameterBlocks.Where(b => b.Kind.StartsWith("layernorm.", StringComparison.Ordinal)).ToArray();
        // layer 2: β only (Scale = false); layer 4: γ and β; layer 6: neither (ParameterBlock.Layer counts from 0)
        Assert.Equal(new[] { ("layernorm.beta", 1), ("layernorm.gamma", 3), ("layernorm.beta", 3) }, norms.Select(b => (b.Kind, b.Layer)));
        Assert.Equal(new[] { "1.beta", "3.gamma", "3.beta" }, norms.Select(b => b.Name)); // the index of the layer among those with parameters: PyTorch's child
        Assert.Equal(new[] { "bias", "weight", "bias" }, norms.Select(b => b.Torch.Single().Name));
        foreach (ParameterBlock block in norms)
        {
            float expected = block.Kind == "layernorm.gamma" ? 1f : 0f;
            Assert.All(model.Parameters.Slice(block.Offset, block.Length).ToArray(), v => Assert.Equal(expected, v));
        }
        Assert.Equal(new[] { 37 }, norms[0].Shape);
        Assert.Equal(new[] { 40 }, norms[1].Shape);
        Assert.Equal(40, typed.LayerNorm4Gamma.Length);
    }

    [Fact]
    public void The_architecture_text_holds_epsilon_and_the_missing_parameters_so_model_files_tell_them_apart()
    {
        Assert.Equal("Input(13) Dense(16,ReLU) LayerNormalization(epsilon=0.001) Dense(9,GELU) LayerNormalization(epsilon=1E-05) Dense(4,Softmax) " +
                     "Loss(SparseCategoricalCrossEntropy) Adam", LayerNormMlp.Architecture);
        Assert.Contains("LayerNormalization(epsilon=0.001,no_scale) Dense(40,Linear) LayerNormalization(epsilon=0.001) Dense(11,LeakyReLU(0.3)) " +
                        "LayerNormalization(epsilon=0.001,no_center,no_scale)", WideLayerNorm.Architecture, StringComparison.Ordinal);

        var saved = new LayerNormMlp(1);
        using var stream = new MemoryStream();
        ModelFile.Save(saved, stream);
        stream.Position = 0;
        Assert.ThrowsAny<Exception>(() => ModelFile.Load(new LayerNormMlpKerasEpsilon(1), stream));
    }

    [Fact]
    public void A_row_of_equal_values_normalizes_to_beta()
    {
        // σ² = 0: x̂ = 0·(1/√ε) = 0 exactly, so the outputs are β whatever γ is
        foreach (int width in new[] { 1, 5, 16, 21 })
        {
            float[] x = Enumerable.Repeat(2.5f, 2 * width).ToArray(), y = new float[2 * width];
            float[] gamma = Enumerable.Range(0, width).Select(i => 0.5f + i).ToArray(), beta = Enumerable.Range(0, width).Select(i => i * 0.25f - 0.5f).ToArray();
            LayerNormKernels.Forward(ref x[0], ref y[0], ref gamma[0], ref beta[0], 2, width, 1e-3f, scale: true, center: true);
            Assert.Equal(beta.Concat(beta), y);
        }
    }

    /// <summary>
    /// The kernels against the definitions in double, row by row, for widths on both sides of every register width
    /// (1 … 100): y; and for a loss L = Σ c ⊙ y, dx = (1/σ)(g − mean(g) − x̂·mean(g ⊙ x̂)), dγ = Σ c ⊙ x̂, dβ = Σ c, with
    /// dx also checked by central differences of the double forward pass.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    [InlineData(100)]
    public void The_kernels_match_the_definition_in_double(int width)
    {
        const int rows = 3;
        const float epsilon = 1e-3f;
        var random = new Random(width);
        float[] Values(int n, double scale, double shift) => Enumerable.Range(0, n).Select(_ => (float)(shift + scale * (random.NextDouble() * 2 - 1))).ToArray();
        float[] x = Values(rows * width, 2, 0.7), gamma = Values(width, 0.5, 1), beta = Values(width, 0.5, 0), c = Values(rows * width, 1, 0);
        var y = new float[rows * width];
        var yTraining = new float[rows * width];
        var statistics = new float[2 * rows];
        LayerNormKernels.Forward(ref x[0], ref y[0], ref gamma[0], ref beta[0], rows, width, epsilon, scale: true, center: true);
        LayerNormKernels.TrainingForward(ref x[0], ref yTraining[0], ref statistics[0], ref gamma[0], ref beta[0], rows, width, epsilon, scale: true, center: true);
        Assert.Equal(y, yTraining);
        var dx = new float[rows * width];
        float[] dGamma = Enumerable.Repeat(99f, width).ToArray(), dBeta = Enumerable.Repeat(99f, width).ToArray(); // cleared by the kernel
        LayerNormKernels.Backward(ref x[0], ref c[0], ref statistics[0], ref gamma[0], ref dx[0], ref dGamma[0], ref dBeta[0], rows, width, scale: true, center: true);

        double[] Forward(double[] row)
        {
            double mean = row.Average(), variance = row.Select(v => (v - mean) * (v - mean)).Average();
            return row.Select((v, i) => gamma[i] * (v - mean) / Math.Sqrt(variance + epsilon) + beta[i]).ToArray();
        }
        var expectedDGamma = new double[width];
        var expectedDBeta = new double[width];
        for (int r = 0; r < rows; r++)
        {
            double[] row = x.Skip(r * width).Take(width).Select(v => (double)v).ToArray();
            double[] cr = c.Skip(r * width).Take(width).Select(v => (double)v).ToArray();
            double mean = row.Average(), inverse = 1 / Math.Sqrt(row.Select(v => (v - mean) * (v - mean)).Average() + epsilon);
            double[] xh = row.Select(v => (v - mean) * inverse).ToArray();
            double[] expected = Forward(row);
            double[] g = cr.Select((v, i) => v * gamma[i]).ToArray();
            double meanG = g.Average(), meanGx = g.Select((v, i) => v * xh[i]).Average();
            for (int i = 0; i < width; i++)
            {
                Assert.True(Math.Abs(y[r * width + i] - expected[i]) <= 2e-6 * Math.Max(1, Math.Abs(expected[i])), $"y[{r}, {i}] = {y[r * width + i]} vs {expected[i]}");
                double dxi = inverse * (g[i] - meanG - xh[i] * meanGx);
                // central differences of L = Σ c ⊙ y in double
                double saved = row[i], h = 1e-6;
                row[i] = saved + h; double up = Forward(row).Select((v, k) => v * cr[k]).Sum();
                row[i] = saved - h; double down = Forward(row).Select((v, k) => v * cr[k]).Sum();
                row[i] = saved;
                Assert.True(Math.Abs(dxi - (up - down) / (2 * h)) <= 1e-6 * Math.Max(1, Math.Abs(dxi)), $"the formula's dx[{r}, {i}] {dxi} vs differences {(up - down) / (2 * h)}");
                Assert.True(Math.Abs(dx[r * width + i] - dxi) <= 2e-5 * Math.Max(1, Math.Abs(dxi)), $"dx[{r}, {i}] = {dx[r * width + i]} vs {dxi}");
                expectedDGamma[i] += cr[i] * xh[i];
                expectedDBeta[i] += cr[i];
            }
        }
        for (int i = 0; i < width; i++)
        {
            Assert.True(Math.Abs(dGamma[i] - expectedDGamma[i]) <= 1e-5 * Math.Max(1, Math.Abs(expectedDGamma[i])), $"dγ[{i}] = {dGamma[i]} vs {expectedDGamma[i]}");
            Assert.True(Math.Abs(dBeta[i] - expectedDBeta[i]) <= 1e-5 * Math.Max(1, Math.Abs(expectedDBeta[i])), $"dβ[{i}] = {dBeta[i]} vs {expectedDBeta[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_NaN_input_gives_NaN_outputs_and_a_NaN_parameter_NaN_gradients(string name)
    {
        ITrainableModel model = Create(name, 1);
        ModelChecks.NaNInputGivesNaNOutput(model, name, model.InputSize / 2);
        ParameterBlock norm = model.ParameterBlocks.First(b => b.Kind.StartsWith("layernorm.", StringComparison.Ordinal));
        ModelChecks.NaNParameterGivesNaNGradients(model, name, norm.Offset);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Predict_and_TrainBatch_allocate_nothing(string name) => ModelChecks.AllocatesNothing(Create(name, 2));
}
