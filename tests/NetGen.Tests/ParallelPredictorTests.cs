using NetGen;
using NetGen.Tests.Networks;

namespace NetGen.Tests;

/// <summary>ParallelPredictor: batched inference split over workers gives the single-threaded bits, checks its input, allocates nothing.</summary>
public class ParallelPredictorTests
{
    public static IEnumerable<object[]> Models() => new[]
    {
        new object[] { "FashionMlp", (Func<IModel>)(() => new FashionMlp(3)) },
        new object[] { "OddSparse", (Func<IModel>)(() => new OddSparse(3)) },
        new object[] { "SmallCnn", (Func<IModel>)(() => new SmallCnn(3)) },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_row_gets_the_single_threaded_bits(string name, Func<IModel> create)
    {
        IModel model = create();
        var random = new Random(name.Length);
        var inputs = new float[1000 * model.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
        foreach (int degree in new[] { 2, 3 })
        {
            using var parallel = new ParallelPredictor(model, degree);
            foreach (int batch in new[] { 0, 1, 31, 32, 33, 47, 100, 1000 })
            {
                var expected = new float[batch * model.OutputSize + 5];
                var actual = new float[batch * model.OutputSize + 5];
                actual.AsSpan(batch * model.OutputSize).Fill(42f);
                model.Predict(inputs, expected, batch);
                parallel.Predict(inputs, actual, batch);
                Assert.Equal(expected.AsSpan(0, batch * model.OutputSize).ToArray(), actual.AsSpan(0, batch * model.OutputSize).ToArray());
                Assert.All(actual.Skip(batch * model.OutputSize), v => Assert.Equal(42f, v)); // nothing written past the batch
            }
        }
    }

    [Fact]
    public void Bad_lengths_throw_before_any_work()
    {
        var model = new FashionMlp(1);
        using var parallel = new ParallelPredictor(model, 2);
        var outputs = new float[64 * 10];
        Assert.Throws<ArgumentOutOfRangeException>(() => parallel.Predict(new float[784], outputs, -1));
        Assert.Throws<ArgumentException>(() => parallel.Predict(new float[64 * 784 - 1], outputs, 64));
        Assert.Throws<ArgumentException>(() => parallel.Predict(new float[64 * 784], new float[64 * 10 - 1], 64));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParallelPredictor(model, -1));
        Assert.All(outputs, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void A_call_allocates_nothing()
    {
        var model = new FashionMlp(1);
        using var parallel = new ParallelPredictor(model, 2);
        var inputs = new float[256 * 784];
        var outputs = new float[256 * 10];
        long Window(int calls)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++) parallel.Predict(inputs, outputs, 256);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Window(500); // warm-up
        long[] windows = { Window(300), Window(300), Window(300) };
        // a per-call allocation shows in every window; one window may hold one runtime event (see the service's test)
        Assert.True(windows.Count(b => b != 0) <= 1 && windows.All(b => b < 16 * 1024), string.Join(", ", windows));
    }
}
