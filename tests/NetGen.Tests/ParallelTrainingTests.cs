using NetGen;
using NetGen.Tests.Networks;

namespace NetGen.Tests;

/// <summary>Data-parallel TrainBatch: reproducible at a fixed degree, equal to one thread up to summation order, allocation-free.</summary>
public class ParallelTrainingTests
{
    private static float[] Train(int degree, int steps, int batch = 32)
    {
        var c = NetCase.Get("FashionMlp");
        var model = new FashionMlp(3);
        using var trainer = model.CreateTrainer(32, degree);
        Assert.Equal(Math.Min(degree, 32), trainer.DegreeOfParallelism);
        for (int s = 0; s < steps; s++)
        {
            var (inputs, labels, _) = c.Batch(batch, 100 + s);
            trainer.TrainBatch(inputs, labels!);
        }
        return model.Parameters.ToArray();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Training_is_reproducible_bit_for_bit_at_a_fixed_degree(int degree)
    {
        Assert.Equal(Train(degree, 20), Train(degree, 20));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Parallel_gradients_equal_single_thread_gradients_up_to_summation_order(int degree)
    {
        foreach (NetCase c in NetCase.All)
        {
            ITrainableModel model = c.Create(5);
            NetCase.Randomize(model, 6);
            var one = (IGradientTrainer)((dynamic)model).CreateTrainer(16, 1);
            var many = (IGradientTrainer)((dynamic)model).CreateTrainer(16, degree);
            foreach (int batch in new[] { 1, 2, 7, 16 })
            {
                var (inputs, labels, targets) = c.Batch(batch, 7 + batch);
                float l1 = labels is not null ? one.ComputeGradients(inputs, labels) : one.ComputeGradients(inputs, targets);
                float l2 = labels is not null ? many.ComputeGradients(inputs, labels) : many.ComputeGradients(inputs, targets);
                Assert.True(Math.Abs(l1 - l2) <= 1e-5f * Math.Max(1f, Math.Abs(l1)), $"{c.Name}, batch {batch}: loss {l1} vs {l2}");
                float[] g1 = one.Gradients.ToArray(), g2 = many.Gradients.ToArray();
                float scale = g1.Max(Math.Abs);
                for (int i = 0; i < g1.Length; i++)
                {
                    Assert.True(Math.Abs(g1[i] - g2[i]) <= 1e-5f * Math.Max(scale, 1e-6f), $"{c.Name}, batch {batch}, parameter {i}: {g1[i]} vs {g2[i]}");
                }
                Assert.Equal(one.LastOutputs.ToArray(), many.LastOutputs.ToArray());
            }
            ((IDisposable)one).Dispose();
            ((IDisposable)many).Dispose();
        }
    }

    [Fact]
    public void Parallel_and_single_thread_training_stay_close()
    {
        float[] one = Train(1, 10), two = Train(2, 10);
        double worst = one.Zip(two, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-4, $"max parameter difference after 10 steps: {worst}");
    }

    [Fact]
    public void A_batch_smaller_than_the_number_of_workers_works()
    {
        var c = NetCase.Get("OddSparse");
        var a = new OddSparse(1);
        var b = new OddSparse(1);
        using var serial = a.CreateTrainer(8, 1);
        using var parallel = b.CreateTrainer(8, 4);
        for (int batch = 1; batch <= 3; batch++)
        {
            var (inputs, labels, _) = c.Batch(batch, batch);
            float la = serial.TrainBatch(inputs, labels!);
            float lb = parallel.TrainBatch(inputs, labels!);
            Assert.Equal(la, lb, 5);
        }
        double worst = a.Parameters.ToArray().Zip(b.Parameters.ToArray(), (x, y) => Math.Abs(x - y)).Max();
        Assert.True(worst < 1e-5, $"max difference {worst}");
    }

    [Fact]
    public void Parallel_TrainBatch_allocates_nothing()
    {
        var c = NetCase.Get("FashionMlp");
        var model = new FashionMlp(0);
        using var trainer = model.CreateTrainer(32, 2);
        var (inputs, labels, _) = c.Batch(32, 1);
        for (int i = 0; i < 100; i++) trainer.TrainBatch(inputs, labels!);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) trainer.TrainBatch(inputs, labels!);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Dispose_stops_the_workers_and_later_calls_fail_clearly()
    {
        var c = NetCase.Get("OddSparse");
        var trainer = new OddSparse(0).CreateTrainer(8, 2);
        var (inputs, labels, _) = c.Batch(8, 1);
        trainer.TrainBatch(inputs, labels!);
        trainer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => trainer.TrainBatch(inputs, labels!));
        trainer.Dispose(); // twice is fine
    }
}
