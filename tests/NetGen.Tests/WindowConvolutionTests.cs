using NetGen;
using NetGen.Tests.Networks;

namespace NetGen.Tests;

/// <summary>What the reference tests of <see cref="WindowConvolutionCases"/> do not cover: sizes, parameter blocks, allocations.</summary>
public class WindowConvolutionTests
{
    [Fact]
    public void A_convolution_without_bias_has_no_bias_parameter()
    {
        IModel model = new DilatedRectangularCnn(0);
        // conv 3@2×3 on 2 channels with biases, conv 2@3×1 on 3 channels without, dense 110 → 3
        Assert.Equal(3 * 2 * 2 * 3 + 3 + 2 * 3 * 3 * 1 + 110 * 3 + 3, model.ParameterCount);
        Assert.Equal(new[] { "0.weight", "0.bias", "1.weight", "2.weight", "2.bias" }, model.ParameterBlocks.Select(b => b.Name).ToArray());
        Assert.Equal(new[] { 2, 3, 3, 1 }, model.ParameterBlocks[2].Shape);
    }

    [Fact]
    public void Depthwise_kernels_are_stored_as_pytorch_groups()
    {
        IModel model = new DepthwiseCnn(0);
        ParameterBlock[] blocks = model.ParameterBlocks.ToArray();
        Assert.Equal(new[] { 3, 1, 3, 3 }, blocks[0].Shape);
        Assert.Equal(new[] { 3 }, blocks[1].Shape);
        Assert.Equal(new[] { 6, 1, 2, 3 }, blocks[2].Shape);   // multiplier 2, no bias
        Assert.Equal(new[] { 6, 1, 3, 3 }, blocks[3].Shape);
        Assert.Equal(new[] { 6 }, blocks[4].Shape);
        // 9×10 → same → 9×10×3 → stride 2 → 5×5×6 → same → 5×5×6
        Assert.Equal(3 * 9 + 3 + 6 * 6 + 6 * 9 + 6 + 150 * 4 + 4, model.ParameterCount);
    }

    [Fact]
    public void Depthwise_and_window_convolutions_allocate_nothing_per_call()
    {
        AssertNoAllocations(new SeparableCnn(0), new SeparableCnn(0).CreateTrainer(32, 2));
        AssertNoAllocations(new DepthwiseCnn(0), new DepthwiseCnn(0).CreateTrainer(32, 2));
        AssertNoAllocations(new PerAxisStrideCnn(0), new PerAxisStrideCnn(0).CreateTrainer(32, 2));
        AssertNoAllocations(new DilatedRectangularCnn(0), new DilatedRectangularCnn(0).CreateTrainer(32, 2));
    }

    private static void AssertNoAllocations(ITrainableModel model, IGradientTrainer trainer)
    {
        using var _ = (IDisposable)trainer;
        var random = new Random(2);
        int n = model.InputSize;
        var inputs = new float[32 * n];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
        var labels = Enumerable.Range(0, 32).Select(i => i % model.OutputSize).ToArray();
        var targets = new float[32 * model.OutputSize];
        var output = new float[model.OutputSize];
        var outputs = new float[32 * model.OutputSize];
        bool regression = model is PerAxisStrideCnn;
        void Step()
        {
            if (regression) trainer.TrainBatch(inputs, targets);
            else trainer.TrainBatch(inputs, labels);
        }
        for (int i = 0; i < 20; i++)
        {
            Step();
            model.Predict(inputs.AsSpan(0, n), output);
            model.Predict(inputs, outputs, 32);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) Step();
        for (int i = 0; i < 50; i++) model.Predict(inputs.AsSpan(0, n), output);
        for (int i = 0; i < 5; i++) model.Predict(inputs, outputs, 32);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before == 0, $"{model.GetType().Name} allocated");
    }
}
