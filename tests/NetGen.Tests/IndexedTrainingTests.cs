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
/// Two workers that share the first layer by units (each computes and steps half of its units for the whole batch, the
/// rest of the network runs between) give exactly one worker's results: every unit's arithmetic is the same.
/// </summary>
public class UnitSplitTrainingTests
{
    [Theory]
    [InlineData("FashionMlp")] // 64 units: two blocks of 32
    [InlineData("RingsNet")] // 32 units: two blocks of 16
    public void Two_workers_give_the_bits_of_one(string name)
    {
        var c = NetCase.Get(name);
        ITrainableModel oneModel = c.Create(5), twoModel = c.Create(5);
        var one = (IIndexedTrainer)oneModel.CreateTrainer(16, 1);
        var two = (IIndexedTrainer)twoModel.CreateTrainer(16, 2);
        for (int step = 1; step <= 4; step++)
        {
            int batch = step == 4 ? 3 : 16;
            var (inputs, labels, _) = c.Batch(batch, 30 + step);
            float a, b;
            if (step % 2 == 0)
            {
                a = one.TrainBatch(inputs, labels!);
                b = two.TrainBatch(inputs, labels!);
            }
            else
            {
                var (samples, _, _) = c.Batch(40, 50 + step);
                int[] rows = Enumerable.Range(0, batch).Select(i => (i * 7 + step) % 40).ToArray();
                a = one.TrainBatch(samples, rows, labels!);
                b = two.TrainBatch(samples, rows, labels!);
            }
            Assert.Equal(a, b);
            Assert.Equal(oneModel.Parameters.ToArray(), twoModel.Parameters.ToArray());
            Assert.Equal(one.OptimizerState.ToArray(), two.OptimizerState.ToArray());
            Assert.Equal(one.Step, two.Step);
        }
        ((IDisposable)one).Dispose();
        ((IDisposable)two).Dispose();
    }
}
