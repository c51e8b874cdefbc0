using NetGen;
using NetGen.Data;
using NetGen.Tests.Networks;
using NetGen.Training;

namespace NetGen.Tests;

/// <summary>
/// Trainers whose first layer is dense read a batch through its row indices into the caller's samples
/// (<see cref="IIndexedTrainer"/>): the same bits as the gathered batch, bad rows rejected before anything changes, and
/// Fit's shuffled epochs through it equal to Fit's gathered ones.
/// </summary>
public class IndexedTrainingTests
{
    /// <summary>Samples of the case's input size, and a batch of rows among them in a scrambled order (one repeated).</summary>
    private static (float[] Samples, int[] Rows) SamplesAndRows(NetCase c, int count, int batch, int seed)
    {
        var (samples, _, _) = c.Batch(count, seed);
        var random = new Random(seed + 1);
        int[] rows = Enumerable.Range(0, batch).Select(_ => random.Next(count)).ToArray();
        rows[^1] = rows[0]; // a sample may appear twice in a batch
        return (samples, rows);
    }

    private static float[] Gather(float[] samples, int[] rows, int inputSize)
    {
        var gathered = new float[rows.Length * inputSize];
        for (int i = 0; i < rows.Length; i++) samples.AsSpan(rows[i] * inputSize, inputSize).CopyTo(gathered.AsSpan(i * inputSize));
        return gathered;
    }

    public static IEnumerable<object[]> CasesAndWorkers() =>
        NetCase.All.SelectMany(c => new[] { new object[] { c.Name, 1 }, new object[] { c.Name, 2 } });

    [Theory]
    [MemberData(nameof(CasesAndWorkers))]
    public void Indexed_batches_give_the_bits_of_gathered_batches(string name, int workers)
    {
        var c = NetCase.Get(name);
        ITrainableModel indexedModel = c.Create(7), gatheredModel = c.Create(7);
        var indexed = (IIndexedTrainer)indexedModel.CreateTrainer(16, workers);
        var gathered = gatheredModel.CreateTrainer(16, workers);
        int inputSize = c.Reference.InputSize;
        for (int step = 1; step <= 3; step++)
        {
            int batch = step == 3 ? 5 : 16; // a last, partial batch
            var (samples, rows) = SamplesAndRows(c, 40, batch, 60 + step);
            var (_, labels, targets) = c.Batch(batch, 80 + step);
            float[] x = Gather(samples, rows, inputSize);
            float a = labels is not null ? indexed.TrainBatch(samples, rows, labels) : indexed.TrainBatch(samples, rows, targets!);
            float b = labels is not null ? gathered.TrainBatch(x, labels) : gathered.TrainBatch(x, targets!);
            Assert.Equal(b, a);
            Assert.Equal(gatheredModel.Parameters.ToArray(), indexedModel.Parameters.ToArray());
            Assert.Equal(gathered.OptimizerState.ToArray(), indexed.OptimizerState.ToArray());
        }
        ((IDisposable)indexed).Dispose();
        ((IDisposable)gathered).Dispose();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(40)] // one past the last sample
    [InlineData(int.MaxValue)]
    public void A_row_outside_the_samples_throws_and_changes_nothing(int bad)
    {
        var c = NetCase.Get("FashionMlp");
        var model = c.Create(3);
        var trainer = (IIndexedTrainer)model.CreateTrainer(8, 1);
        var (samples, rows) = SamplesAndRows(c, 40, 8, 5);
        var (_, labels, _) = c.Batch(8, 6);
        trainer.TrainBatch(samples, rows, labels!);
        float[] parameters = model.Parameters.ToArray(), state = trainer.OptimizerState.ToArray();
        long step = trainer.Step;
        rows[5] = bad;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainBatch(samples, rows, labels!));
        Assert.Equal("rows", error.ParamName);
        Assert.Equal(step, trainer.Step);
        Assert.Equal(parameters, model.Parameters.ToArray());
        Assert.Equal(state, trainer.OptimizerState.ToArray());
        ((IDisposable)trainer).Dispose();
    }

    [Fact]
    public void Rows_must_match_the_labels_and_cover_whole_samples()
    {
        var c = NetCase.Get("OddSparse");
        var model = c.Create(3);
        var trainer = (IIndexedTrainer)model.CreateTrainer(8, 1);
        var (samples, rows) = SamplesAndRows(c, 10, 8, 5);
        var (_, labels, _) = c.Batch(8, 6);
        float[] before = model.Parameters.ToArray();
        Assert.Throws<ArgumentException>(() => trainer.TrainBatch(samples, rows.AsSpan(0, 7), labels!));
        // the last sample cut short: its row is out of range of the whole samples
        rows[2] = 9;
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainBatch(samples.AsSpan(0, samples.Length - 1), rows, labels!));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainBatch(samples, new int[9], new int[9])); // above the maximum batch
        Assert.Equal(before, model.Parameters.ToArray());
        Assert.Equal(0, ((ITrainer)trainer).Step);
        ((IDisposable)trainer).Dispose();
    }

    /// <summary>Forwards only ITrainer and IGradientTrainer: Fit must gather the shuffled batches itself.</summary>
    private sealed class GatheringTrainer(IGradientTrainer inner) : IGradientTrainer
    {
        public IModel Model => inner.Model;
        public int MaxBatchSize => inner.MaxBatchSize;
        public long Step { get => inner.Step; set => inner.Step = value; }
        public Span<float> OptimizerState => inner.OptimizerState;
        public bool AcceptsLabels => inner.AcceptsLabels;
        public float LearningRate { get => inner.LearningRate; set => inner.LearningRate = value; }
        public ReadOnlySpan<float> Gradients => inner.Gradients;
        public ReadOnlySpan<float> LastOutputs => inner.LastOutputs;
        public bool OutputsAreLogits => inner.OutputsAreLogits;
        public Activation OutputActivation => inner.OutputActivation;
        public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) => inner.TrainBatch(inputs, labels);
        public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets) => inner.TrainBatch(inputs, targets);
        public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) => inner.ComputeGradients(inputs, labels);
        public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets) => inner.ComputeGradients(inputs, targets);
        public void ApplyGradients() => inner.ApplyGradients();
    }

    [Theory]
    [InlineData("OddSparse", 1)]
    [InlineData("OddSparse", 2)]
    [InlineData("RegressionNet", 1)] // float targets
    [InlineData("CategoricalNet", 1)] // labels turned into targets
    public void Fit_through_row_indices_equals_fit_on_gathered_batches(string name, int workers)
    {
        var c = NetCase.Get(name);
        int inputSize = c.Reference.InputSize;
        var (x, labels, targets) = c.Batch(203, 11, preferLabels: name != "RegressionNet");
        Dataset data = labels is not null
            ? new Dataset(x, new[] { inputSize }, labels)
            : new Dataset(x, new[] { inputSize }, targets!, c.Reference.OutputSize);
        var options = new FitOptions { Epochs = 3, BatchSize = 16, Seed = 9, ValidationFraction = 0.2 };
        ITrainableModel a = c.Create(2), b = c.Create(2);
        var direct = a.CreateTrainer(16, workers);
        Assert.IsAssignableFrom<IIndexedTrainer>(direct);
        TrainingHistory indexed = direct.Fit(data, options);
        TrainingHistory gathered = new GatheringTrainer(b.CreateTrainer(16, workers)).Fit(data, options);
        Assert.Equal(gathered.Epochs.Select(e => e.Loss), indexed.Epochs.Select(e => e.Loss));
        Assert.Equal(gathered.Epochs.Select(e => e.ValidationLoss), indexed.Epochs.Select(e => e.ValidationLoss));
        Assert.Equal(b.Parameters.ToArray(), a.Parameters.ToArray());
    }

    [Fact]
    public void Only_trainers_with_a_dense_first_layer_read_rows_by_index()
    {
        Assert.IsAssignableFrom<IIndexedTrainer>(new FashionMlp(0).CreateTrainer(4));
        Assert.IsNotAssignableFrom<IIndexedTrainer>(new SmallCnn(0).CreateTrainer(4));
    }
}

/// <summary>
/// Two workers that share the first dense layer (each sums half of its inputs for every row, runs the rest of the network
/// on half of the rows, and steps half of its weights): reproducible bit for bit, and one worker's results up to the
/// summation order (the layer's two half-sums are added; the other layers' gradients are summed over two halves of rows).
/// </summary>
public class SharedLayerTrainingTests
{
    public static IEnumerable<object[]> Eligible() => new[] { "FashionMlp", "RingsNet", "OddSparse", "XorNet" }.Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Eligible))]
    public void Two_workers_are_reproducible_and_agree_with_one(string name)
    {
        var c = NetCase.Get(name);
        ITrainableModel oneModel = c.Create(5), twoModel = c.Create(5), againModel = c.Create(5);
        var one = (IIndexedTrainer)oneModel.CreateTrainer(16, 1);
        var two = (IIndexedTrainer)twoModel.CreateTrainer(16, 2);
        var again = (IIndexedTrainer)againModel.CreateTrainer(16, 2);
        for (int step = 1; step <= 4; step++)
        {
            int batch = step == 4 ? 3 : 16; // a partial batch, and one that two workers split unevenly
            var (inputs, labels, targets) = c.Batch(batch, 30 + step);
            float a, b, b2;
            if (step % 2 == 0)
            {
                a = labels is not null ? one.TrainBatch(inputs, labels) : one.TrainBatch(inputs, targets!);
                b = labels is not null ? two.TrainBatch(inputs, labels) : two.TrainBatch(inputs, targets!);
                b2 = labels is not null ? again.TrainBatch(inputs, labels) : again.TrainBatch(inputs, targets!);
            }
            else
            {
                var (samples, _, _) = c.Batch(40, 50 + step);
                int[] rows = Enumerable.Range(0, batch).Select(i => (i * 7 + step) % 40).ToArray();
                a = labels is not null ? one.TrainBatch(samples, rows, labels) : one.TrainBatch(samples, rows, targets!);
                b = labels is not null ? two.TrainBatch(samples, rows, labels) : two.TrainBatch(samples, rows, targets!);
                b2 = labels is not null ? again.TrainBatch(samples, rows, labels) : again.TrainBatch(samples, rows, targets!);
            }
            Assert.Equal(b, b2);
            Assert.Equal(twoModel.Parameters.ToArray(), againModel.Parameters.ToArray());
            Assert.Equal(two.OptimizerState.ToArray(), again.OptimizerState.ToArray());
            Assert.True(Math.Abs(a - b) <= 1e-5 * (1 + Math.Abs(a)), $"step {step}: loss {a} on one worker, {b} on two");
            float[] p1 = oneModel.Parameters.ToArray(), p2 = twoModel.Parameters.ToArray();
            for (int i = 0; i < p1.Length; i++)
            {
                // Adam divides by √v: a parameter whose gradient is near 0 moves by up to a learning rate either way
                Assert.True(Math.Abs(p1[i] - p2[i]) <= 5e-4f + 1e-4f * Math.Abs(p1[i]), $"step {step}, parameter {i}: {p1[i]} on one worker, {p2[i]} on two");
            }
            Assert.Equal(one.Step, two.Step);
        }
        ((IDisposable)one).Dispose();
        ((IDisposable)two).Dispose();
        ((IDisposable)again).Dispose();
    }
}
