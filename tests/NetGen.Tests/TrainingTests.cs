using NetGen;
using NetGen.Tests.Networks;

namespace NetGen.Tests;

/// <summary>Generated trainers learn real problems, reproducibly, without allocating, and reject bad input without damage.</summary>
public class TrainingTests
{
    private static readonly float[] XorInputs = { 0, 0, 0, 1, 1, 0, 1, 1 };
    private static readonly int[] XorLabels = { 0, 1, 1, 0 };

    private static float[] TrainXor(int seed)
    {
        var model = new XorNet(seed);
        var trainer = model.CreateTrainer(4);
        for (int step = 0; step < 500; step++) trainer.TrainBatch(XorInputs, XorLabels);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(XorLabels[i], model.Classify(XorInputs.AsSpan(i * 2, 2)));
        }
        return model.Parameters.ToArray();
    }

    [Fact]
    public void Xor_is_learned_to_full_accuracy_reproducibly()
    {
        float[] first = TrainXor(seed: 1);
        float[] second = TrainXor(seed: 1);
        Assert.Equal(first, second); // bit for bit
    }

    [Fact]
    public void Two_concentric_rings_are_separated_to_full_training_accuracy()
    {
        // Class 0: radius in [0, 1]; class 1: radius in [2, 3]. Not linearly separable.
        const int n = 256;
        var random = new SeededRandom(5);
        var inputs = new float[n * 2];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int label = i % 2;
            float radius = label == 0 ? random.NextSingle() : 2 + random.NextSingle();
            float angle = random.NextSingle() * 2 * MathF.PI;
            inputs[2 * i] = radius * MathF.Cos(angle);
            inputs[2 * i + 1] = radius * MathF.Sin(angle);
            labels[i] = label;
        }

        float[] Run()
        {
            var model = new RingsNet(3);
            var trainer = model.CreateTrainer(32);
            for (int epoch = 0; epoch < 60; epoch++)
            {
                for (int start = 0; start < n; start += 32)
                {
                    trainer.TrainBatch(inputs.AsSpan(start * 2, 64), labels.AsSpan(start, 32));
                }
            }
            int correct = 0;
            for (int i = 0; i < n; i++) correct += model.Classify(inputs.AsSpan(2 * i, 2)) == labels[i] ? 1 : 0;
            Assert.Equal(n, correct);
            return model.Parameters.ToArray();
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Regression_loss_decreases()
    {
        // y = (x0 + 2 x1 − x2, x0 · x1) on random points.
        var c = NetCase.Get("RegressionNet");
        var model = new RegressionNet(0);
        var trainer = model.CreateTrainer(16);
        var random = new Random(1);
        float first = 0, last = 0;
        var x = new float[16 * 3];
        var t = new float[16 * 2];
        for (int step = 0; step < 2000; step++)
        {
            for (int r = 0; r < 16; r++)
            {
                for (int j = 0; j < 3; j++) x[r * 3 + j] = (float)(random.NextDouble() * 2 - 1);
                t[r * 2] = x[r * 3] + 2 * x[r * 3 + 1] - x[r * 3 + 2];
                t[r * 2 + 1] = x[r * 3] * x[r * 3 + 1];
            }
            float loss = trainer.TrainBatch(x, t);
            if (step < 10) first += loss / 10;
            if (step >= 1990) last += loss / 10;
        }
        Assert.True(last < first / 10, $"loss went from {first} to {last}");
        Assert.Equal(2, c.Reference.OutputSize);
    }

    [Fact]
    public void Predict_and_TrainBatch_allocate_nothing_after_warm_up()
    {
        var model = new FashionMlp(0);
        var trainer = model.CreateTrainer(32);
        var c = NetCase.Get("FashionMlp");
        var (inputs, labels, _) = c.Batch(32, 1);
        var output = new float[10];
        var outputs = new float[32 * 10];
        // Warm-up past tiered compilation's thresholds (30 calls, then a background re-JIT that is installed on a later
        // call), so what is measured is the steady state rather than the runtime's one-off work.
        for (int i = 0; i < 200; i++)
        {
            model.Predict(inputs.AsSpan(0, 784), output);
            model.Predict(inputs, outputs, 32);
            trainer.TrainBatch(inputs, labels!);
            trainer.TrainBatch(inputs.AsSpan(0, 7 * 784), labels.AsSpan(0, 7));
            model.Classify(inputs.AsSpan(0, 784));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) model.Predict(inputs.AsSpan((i % 32) * 784, 784), output);
        long predictBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) model.Predict(inputs, outputs, 32);
        long batchBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) trainer.TrainBatch(inputs, labels!);
        long trainBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, predictBytes);
        Assert.Equal(0, batchBytes);
        Assert.Equal(0, trainBytes);
    }

    [Fact]
    public void A_partial_batch_trains_like_a_full_one_of_the_same_rows()
    {
        var c = NetCase.Get("OddSparse");
        var (inputs, labels, _) = c.Batch(5, 9);
        var a = new OddSparse(2);
        var b = new OddSparse(2);
        float la = a.CreateTrainer(32).TrainBatch(inputs, labels!);
        float lb = b.CreateTrainer(5).TrainBatch(inputs, labels!);
        Assert.Equal(la, lb);
        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
    }

    [Fact]
    public void Bad_input_throws_a_clear_exception_and_changes_nothing()
    {
        var model = new FashionMlp(0);
        var trainer = model.CreateTrainer(8);
        float[] before = model.Parameters.ToArray();
        var inputs = new float[4 * 784];
        var output = new float[10];

        var e1 = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainBatch(inputs, new[] { 1, 2, 10, 3 }));
        Assert.Contains("Label 10 at index 2", e1.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainBatch(inputs, new[] { 1, -1, 0, 3 }));
        var e2 = Assert.Throws<ArgumentException>(() => trainer.TrainBatch(inputs.AsSpan(0, 3 * 784 + 5), new[] { 1, 2, 3 }));
        Assert.Contains("input values", e2.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainBatch(new float[9 * 784], new int[9])); // above the maximum batch
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainBatch(ReadOnlySpan<float>.Empty, ReadOnlySpan<int>.Empty));
        Assert.Throws<ArgumentException>(() => trainer.TrainBatch(inputs, new float[4 * 10 + 1]));
        Assert.Throws<ArgumentException>(() => model.Predict(new float[783], output));
        Assert.Throws<ArgumentException>(() => model.Predict(new float[784], new float[9]));
        Assert.Throws<ArgumentException>(() => model.Predict(new float[2 * 784], new float[30], 3));
        Assert.Throws<ArgumentException>(() => model.Predict(new float[3 * 784], new float[29], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(new float[3 * 784], new float[30], -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateTrainer(0));

        Assert.Equal(before, model.Parameters.ToArray());
        Assert.Equal(0, trainer.Step);
    }

    [Fact]
    public void Mse_trainer_refuses_labels_and_says_what_to_call()
    {
        var trainer = new RegressionNet(0).CreateTrainer(4);
        Assert.False(trainer.AcceptsLabels);
        var e = Assert.Throws<InvalidOperationException>(() => trainer.TrainBatch(new float[3], new[] { 1 }));
        Assert.Contains("targets", e.Message);
    }

    [Fact]
    public void Construction_is_seeded_glorot_uniform_with_zero_biases()
    {
        var a = new FashionMlp(42);
        var b = new FashionMlp(42);
        var c = new FashionMlp(43);
        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
        Assert.NotEqual(a.Parameters.ToArray(), c.Parameters.ToArray());
        float limit = MathF.Sqrt(6f / (784 + 64));
        float[] w = a.Dense1Weights.ToArray();
        Assert.All(w, v => Assert.InRange(v, -limit, limit));
        Assert.InRange(w.Average(), -0.01f, 0.01f);
        Assert.InRange(w.Max(), limit * 0.99f, limit); // the range is used
        Assert.All(a.Dense1Biases.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(a.Dense3Biases.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public unsafe void Parameters_are_64_byte_aligned_and_contiguous()
    {
        var model = new FashionMlp(0);
        Assert.Equal(FashionMlp.ParameterCount, model.Parameters.Length);
        Assert.Equal(55_050, FashionMlp.ParameterCount);
        fixed (float* p = model.Parameters)
        {
            Assert.Equal(0, (long)p % 64);
        }
        IModel m = model;
        Assert.Equal(6, m.ParameterBlocks.Count);
        Assert.Equal(m.ParameterCount, m.ParameterBlocks.Sum(b => b.Length));
        model.Dense2Biases[3] = 7f;
        Assert.Equal(7f, model.Parameters[784 * 64 + 64 + 64 * 64 + 3]);
    }

    [Fact]
    public void Predict_is_safe_from_many_threads_on_one_instance()
    {
        var model = new FashionMlp(0);
        NetCase.Randomize(model, 3, 0.1f);
        var c = NetCase.Get("FashionMlp");
        var (inputs, _, _) = c.Batch(16, 2);
        var expected = new float[16 * 10];
        model.Predict(inputs, expected, 16);
        int failures = 0;
        Parallel.For(0, 4 * Environment.ProcessorCount, _ =>
        {
            var output = new float[10];
            for (int i = 0; i < 2000; i++)
            {
                int s = i % 16;
                model.Predict(inputs.AsSpan(s * 784, 784), output);
                if (!output.AsSpan().SequenceEqual(expected.AsSpan(s * 10, 10))) Interlocked.Increment(ref failures);
            }
        });
        Assert.Equal(0, failures);
    }
}
