using NetGen;
using NetGen.Tests.Networks;

namespace NetGen.Tests;

/// <summary>
/// What a hostile or careless caller cannot do to a model or trainer: make a NaN disappear, send an index outside the
/// data by changing it during a call, use one trainer from two threads at once, or change state with a call that fails.
/// </summary>
public sealed class HardeningTests
{
    private static float[] Random01(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)random.NextDouble()).ToArray();
    }

    // ---------------------------------------------------------------- NaN is never turned into a number

    [Fact]
    public void A_NaN_input_gives_NaN_outputs_through_dense_ReLU_layers()
    {
        var model = new FashionMlp(0);
        float[] x = Random01(FashionMlp.InputSize, 1);
        x[300] = float.NaN;
        var y = new float[FashionMlp.OutputSize];
        model.Predict(x, y);
        Assert.All(y, v => Assert.True(float.IsNaN(v), $"output {v} is a number: the NaN input disappeared"));

        // batched, and a clean row beside it stays clean
        float[] batch = new float[3 * FashionMlp.InputSize];
        Random01(batch.Length, 2).CopyTo(batch, 0);
        batch[FashionMlp.InputSize + 5] = float.NaN;
        var outputs = new float[3 * FashionMlp.OutputSize];
        model.Predict(batch, outputs, 3);
        Assert.All(outputs.AsSpan(0, 10).ToArray(), v => Assert.True(float.IsFinite(v)));
        Assert.All(outputs.AsSpan(10, 10).ToArray(), v => Assert.True(float.IsNaN(v)));
        Assert.All(outputs.AsSpan(20, 10).ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void A_NaN_pixel_gives_NaN_outputs_through_convolution_ReLU_and_max_pooling()
    {
        foreach (int pixel in new[] { 0, 29, 405, 783 })
        {
            var model = new MiniLeNet(0);
            float[] x = Random01(MiniLeNet.InputSize, pixel);
            x[pixel] = float.NaN;
            var y = new float[MiniLeNet.OutputSize];
            model.Predict(x, y);
            Assert.All(y, v => Assert.True(float.IsNaN(v), $"NaN pixel {pixel}: output {v} is a number"));
        }
        var pooled = new PoolFirstCnn(0);
        float[] image = Random01(PoolFirstCnn.InputSize, 7);
        image[40] = float.NaN;
        var outputs = new float[PoolFirstCnn.OutputSize];
        pooled.Predict(image, outputs);
        Assert.All(outputs, v => Assert.True(float.IsNaN(v), $"max pooling first: output {v} is a number"));
    }

    [Fact]
    public void A_NaN_in_a_training_batch_gives_a_NaN_loss_not_a_finite_one()
    {
        var model = new FashionMlp(0);
        using var trainer = model.CreateTrainer(4);
        float[] x = Random01(4 * FashionMlp.InputSize, 3);
        x[2 * FashionMlp.InputSize + 100] = float.NaN;
        float loss = trainer.TrainBatch(x, new[] { 1, 2, 3, 4 });
        Assert.True(float.IsNaN(loss), $"loss {loss} is a number though a pixel was NaN");
    }

    // ---------------------------------------------------------------- indices that change during the call

    [Fact]
    public void Row_indices_changed_by_another_thread_during_TrainBatch_never_reach_outside_the_samples()
    {
        const int samples = 64, batch = 32;
        var model = new FashionMlp(0);
        using var trainer = model.CreateTrainer(batch);
        float[] data = Random01(samples * FashionMlp.InputSize, 4);
        int[] rows = Enumerable.Range(0, batch).ToArray();
        int[] labels = Enumerable.Range(0, batch).Select(i => i % 10).ToArray();
        using var stop = new CancellationTokenSource();
        var flipper = new Thread(() =>
        {
            // flips one index between a valid row and one far outside the data, as fast as it can
            while (!stop.IsCancellationRequested)
            {
                Volatile.Write(ref rows[17], 100_000_000);
                Volatile.Write(ref rows[17], 17);
            }
        }) { IsBackground = true };
        flipper.Start();
        int refused = 0, trained = 0;
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                trainer.TrainBatch(data, rows, labels);
                trained++;
            }
            catch (ArgumentOutOfRangeException)
            {
                refused++;
            }
        }
        stop.Cancel();
        flipper.Join();
        Assert.True(trained + refused > 0);
        Assert.All(model.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
    }

    [Fact]
    public void Token_ids_changed_by_another_thread_during_Predict_and_TrainBatch_never_reach_outside_the_table()
    {
        var model = new EmbeddingGruNet(0);
        using var trainer = model.CreateTrainer(8);
        float[] tokens = Enumerable.Range(0, 8 * EmbeddingGruNet.InputSize).Select(i => (float)(i % 9)).ToArray();
        int[] labels = Enumerable.Range(0, 8).Select(i => i % 3).ToArray();
        var outputs = new float[8 * EmbeddingGruNet.OutputSize];
        using var stop = new CancellationTokenSource();
        var flipper = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Volatile.Write(ref tokens[13], 50_000_000f);
                Volatile.Write(ref tokens[13], 4f);
            }
        }) { IsBackground = true };
        flipper.Start();
        int completed = 0, refused = 0;
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                model.Predict(tokens, outputs, 8);
                trainer.TrainBatch(tokens, labels);
                completed++;
            }
            catch (ArgumentOutOfRangeException)
            {
                refused++;
            }
        }
        stop.Cancel();
        flipper.Join();
        Assert.True(completed + refused > 0);
    }

    // ---------------------------------------------------------------- one trainer, one call at a time

    [Fact]
    public void A_trainer_called_from_two_threads_at_once_refuses_the_second_call()
    {
        var model = new FashionMlp(0);
        using var trainer = model.CreateTrainer(256);
        float[] x = Random01(256 * FashionMlp.InputSize, 5);
        int[] labels = Enumerable.Range(0, 256).Select(i => i % 10).ToArray();
        int refused = 0, other = 0;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        void Hammer()
        {
            while (Volatile.Read(ref refused) == 0 && DateTime.UtcNow < deadline)
            {
                try
                {
                    trainer.TrainBatch(x, labels);
                }
                catch (InvalidOperationException)
                {
                    Interlocked.Increment(ref refused);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref other);
                }
            }
        }
        Thread[] threads = { new Thread(Hammer), new Thread(Hammer) };
        foreach (Thread thread in threads) thread.Start();
        foreach (Thread thread in threads) thread.Join();
        Assert.Equal(0, other);
        Assert.True(refused > 0, "two threads trained at once for 10 s and neither was refused");
        Assert.All(model.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
        // the trainer still works for one thread afterwards
        Assert.True(float.IsFinite(trainer.TrainBatch(x, labels)));
    }

    // ---------------------------------------------------------------- failures change nothing; setters are checked

    [Fact]
    public void TrainBatch_after_Dispose_throws_and_changes_nothing()
    {
        var model = new FashionMlp(0);
        var trainer = model.CreateTrainer(4);
        float[] x = Random01(4 * FashionMlp.InputSize, 6);
        int[] labels = { 0, 1, 2, 3 };
        trainer.TrainBatch(x, labels);
        trainer.Dispose();
        float[] before = model.Parameters.ToArray();
        long step = trainer.Step;
        Assert.Throws<ObjectDisposedException>(() => trainer.TrainBatch(x, labels));
        Assert.Throws<ObjectDisposedException>(() => trainer.TrainBatch(x, labels.AsSpan(), labels.AsSpan()));
        Assert.Throws<ObjectDisposedException>(() => trainer.ApplyGradients());
        Assert.Equal(step, trainer.Step);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void Step_and_LearningRate_refuse_values_that_would_ruin_the_next_step()
    {
        var model = new FashionMlp(0);
        using var trainer = model.CreateTrainer(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Step = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Step = long.MaxValue);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.LearningRate = float.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.LearningRate = float.PositiveInfinity);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.LearningRate = -1e-3f);
        Assert.Equal(0, trainer.Step);
        trainer.Step = FashionMlp.Trainer.MaxStep - 1; // a resumed run far along: the step still works
        trainer.TrainBatch(Random01(4 * FashionMlp.InputSize, 7), new[] { 0, 1, 2, 3 });
        Assert.All(model.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
    }

    [Fact]
    public void CreateTrainer_checks_the_degree_before_allocating()
    {
        var model = new FashionMlp(0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateTrainer(2000, 2000));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1_000_000, $"{allocated:N0} bytes allocated before the degree was refused");
    }
}
