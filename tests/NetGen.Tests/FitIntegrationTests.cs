using NetGen;
using NetGen.Data;
using NetGen.Tests.Networks;
using NetGen.Training;

namespace NetGen.Tests;

/// <summary>The runtime's Fit with generated trainers.</summary>
public class FitIntegrationTests
{
    /// <summary>Hides IGradientTrainer, so Fit scores training accuracy with a Predict before each step.</summary>
    private sealed class PlainTrainer(ITrainer inner) : ITrainer
    {
        public IModel Model => inner.Model;
        public int MaxBatchSize => inner.MaxBatchSize;
        public long Step { get => inner.Step; set => inner.Step = value; }
        public Span<float> OptimizerState => inner.OptimizerState;
        public bool AcceptsLabels => inner.AcceptsLabels;
        public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) => inner.TrainBatch(inputs, labels);
        public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets) => inner.TrainBatch(inputs, targets);
    }

    private static Dataset Blobs(int n, int features, int classes, int seed)
    {
        var random = new SeededRandom((ulong)seed);
        var x = new float[n * features];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i % classes;
            for (int j = 0; j < features; j++) x[i * features + j] = (j % classes == y[i] ? 1.5f : 0f) + random.NextSingle() - 0.5f;
        }
        return new Dataset(x, new[] { features }, y);
    }

    [Fact]
    public void Training_accuracy_from_the_trainers_outputs_equals_the_predict_before_step_accuracy()
    {
        Dataset data = Blobs(300, 37, 7, 1);
        var options = new FitOptions { Epochs = 3, BatchSize = 16, Seed = 4 };
        TrainingHistory fast = new OddSparse(1).CreateTrainer(16).Fit(data, options);
        TrainingHistory slow = new PlainTrainer(new OddSparse(1).CreateTrainer(16)).Fit(data, options);
        Assert.Equal(slow.Epochs.Select(e => e.Accuracy), fast.Epochs.Select(e => e.Accuracy));
        Assert.Equal(slow.Epochs.Select(e => e.Loss), fast.Epochs.Select(e => e.Loss));
        Assert.True(fast.Epochs[^1].Accuracy > 0.9, $"accuracy {fast.Epochs[^1].Accuracy}");
    }

    [Fact]
    public void Binary_accuracy_from_logits_matches_predict_before_step()
    {
        var x = new float[] { 0, 0, 0, 1, 1, 0, 1, 1 };
        var data = new Dataset(Enumerable.Repeat(x, 8).SelectMany(v => v).ToArray(), new[] { 2 }, Enumerable.Repeat(new[] { 0, 1, 1, 0 }, 8).SelectMany(v => v).ToArray());
        var options = new FitOptions { Epochs = 30, BatchSize = 4, Seed = 2 };
        TrainingHistory fast = new XorNet(1).CreateTrainer(4).Fit(data, options);
        TrainingHistory slow = new PlainTrainer(new XorNet(1).CreateTrainer(4)).Fit(data, options);
        Assert.Equal(slow.Epochs.Select(e => e.Accuracy), fast.Epochs.Select(e => e.Accuracy));
    }
}
