using NetGen;
using NetGen.Kernels;
using NetGen.Tests.Networks;

namespace NetGen.Tests;

/// <summary>
/// What the reference comparisons of <see cref="ImageLayerTests"/> and <see cref="SequenceLayerTests"/> do not show
/// about global pooling: ties and NaN in the maximum, and allocation-free calls.
/// </summary>
public class GlobalPoolingTests
{
    /// <summary>
    /// Equal maxima route the whole gradient to the first position, the others get zero; a NaN maximum routes it to
    /// the first NaN. 19 features: a 512-bit register, a 256-bit one and scalar ones, whichever the machine runs.
    /// </summary>
    [Fact]
    public void A_tied_maximum_sends_its_gradient_to_the_first_position_only()
    {
        const int samples = 2, steps = 5, features = 19;
        var x = new float[samples * steps * features];
        for (int s = 0; s < samples; s++)
            for (int f = 0; f < features; f++)
            {
                int first = (f + s) % 3 + 1; // the tie's first step varies by feature
                x[(s * steps + first) * features + f] = 2f;
                x[(s * steps + first + 1) * features + f] = 2f;
                x[(s * steps) * features + f] = -1f;
            }
        x[(1 * steps + 4) * features + 5] = float.NaN; // sample 1, feature 5: NaN at the last step
        var y = new float[samples * features];
        ReductionKernels.MaxOfSteps(ref x[0], ref y[0], samples, steps, features);
        var dy = Enumerable.Range(0, samples * features).Select(i => 1f + i).ToArray();
        var dx = Enumerable.Repeat(99f, x.Length).ToArray(); // every position must be written
        ReductionKernels.MaxOfStepsBackward(ref x[0], ref y[0], ref dy[0], ref dx[0], samples, steps, features);
        for (int s = 0; s < samples; s++)
            for (int f = 0; f < features; f++)
            {
                bool nan = s == 1 && f == 5;
                Assert.Equal(nan ? float.NaN : 2f, y[s * features + f]);
                int routed = nan ? 4 : (f + s) % 3 + 1;
                for (int t = 0; t < steps; t++)
                    Assert.Equal(t == routed ? dy[s * features + f] : 0f, dx[(s * steps + t) * features + f]);
            }

        // channel-major planes: the same rule along each contiguous plane (37 positions: registers and a tail)
        const int planes = 3, size = 37;
        var px = new float[planes * size];
        px[0 * size + 20] = px[0 * size + 33] = 1f;
        px[1 * size + 35] = px[1 * size + 36] = 1f;
        px[2 * size + 3] = float.NaN;
        px[2 * size + 30] = float.NaN;
        var py = new float[planes];
        ReductionKernels.MaxOfPlanes(ref px[0], ref py[0], planes, size);
        Assert.Equal(new[] { 1f, 1f, float.NaN }, py);
        var pdy = new[] { 3f, 5f, 7f };
        var pdx = Enumerable.Repeat(99f, px.Length).ToArray();
        ReductionKernels.MaxOfPlanesBackward(ref px[0], ref py[0], ref pdy[0], ref pdx[0], planes, size);
        for (int i = 0; i < pdx.Length; i++)
            Assert.Equal(i == 20 ? 3f : i == size + 35 ? 5f : i == 2 * size + 3 ? 7f : 0f, pdx[i]);
    }

    [Fact]
    public void A_NaN_input_makes_its_channel_NaN_as_IEEE_maximum()
    {
        var model = new RawGlobalMaxNet(2);
        var x = new float[3 * 5 * 17];
        var random = new Random(4);
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
        var clean = new float[3];
        model.Predict(x, clean);
        Assert.All(clean, v => Assert.False(float.IsNaN(v)));
        x[(2 * 5 + 3) * 17 + 16] = float.NaN; // channel 16 (the scalar tail) at (2, 3)
        var output = new float[3];
        model.Predict(x, output);
        Assert.All(output, v => Assert.True(float.IsNaN(v)));

        var sequence = new SequenceGlobalMaxNet(2);
        var s = new float[6 * 19];
        for (int i = 0; i < s.Length; i++) s[i] = (float)random.NextDouble();
        s[5 * 19 + 3] = float.NaN; // feature 3 (a register lane) at the last step
        var y = new float[3];
        sequence.Predict(s, y);
        Assert.All(y, v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Global_pooling_networks_allocate_nothing_per_call()
    {
        AssertNoAllocations(new GlobalMaxCnn(0), 2);
        AssertNoAllocations(new GlobalAverageCnn(0), 1);
        AssertNoAllocations(new RawGlobalAverageNet(0), 2);
        AssertNoAllocations(new EmbeddingGlobalMaxNet(0), 1, vocabulary: 11);
    }

    private static void AssertNoAllocations(ITrainableModel model, int degree, int vocabulary = 0)
    {
        const int batch = 16;
        var random = new Random(2);
        var inputs = new float[batch * model.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = vocabulary > 0 ? random.Next(vocabulary) : (float)random.NextDouble();
        var labels = Enumerable.Range(0, batch).Select(i => i % model.OutputSize).ToArray();
        var output = new float[model.OutputSize];
        var outputs = new float[batch * model.OutputSize];
        IGradientTrainer trainer = model.CreateTrainer(batch, degree);
        for (int i = 0; i < 200; i++)
        {
            trainer.TrainBatch(inputs, labels);
            model.Predict(inputs.AsSpan(0, model.InputSize), output);
            model.Predict(inputs, outputs, batch);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) trainer.TrainBatch(inputs, labels);
        for (int i = 0; i < 100; i++) model.Predict(inputs.AsSpan(0, model.InputSize), output);
        for (int i = 0; i < 10; i++) model.Predict(inputs, outputs, batch);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        ((IDisposable)trainer).Dispose();
        Assert.True(allocated == 0, $"{model.GetType().Name}: {allocated} bytes");
    }
}
