namespace NetGen.Runtime.Tests.Parallel;

/// <summary>Issue 22, item 4: one ParallelPredictor used from two threads at once refuses the second call.</summary>
public class ParallelPredictorMisuseTests
{
    /// <summary>One input, one output (the input plus 1); every Predict waits at a gate the test opens.</summary>
    private sealed class GatedModel : IModel
    {
        public readonly ManualResetEventSlim Entered = new(false);
        public readonly ManualResetEventSlim Release = new(false);
        private readonly float[] _parameters = new float[1];

        public int InputSize => 1;
        public int OutputSize => 1;
        public int ParameterCount => 1;
        public LossKind Loss => LossKind.MeanSquaredError;
        public string Architecture => "Gated";
        public Span<float> Parameters => _parameters;
        public IReadOnlyList<ParameterBlock> ParameterBlocks { get; } = [new ParameterBlock("0.bias", 0, [1], 0, "bias")];

        public void Predict(ReadOnlySpan<float> input, Span<float> output) => Predict(input, output, 1);

        public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batch)
        {
            Entered.Set();
            Release.Wait();
            for (int i = 0; i < batch; i++) outputs[i] = inputs[i] + 1f;
        }

        public int Classify(ReadOnlySpan<float> input) => 0;
    }

    [Theory]
    [InlineData(64)] // the second call would split over the workers
    [InlineData(4)]  // the second call would run on its own thread alone
    public void A_second_concurrent_call_throws_InvalidOperationException_and_writes_nothing(int secondBatch)
    {
        var model = new GatedModel();
        using var parallel = new ParallelPredictor(model, degreeOfParallelism: 2);
        float[] first = Enumerable.Range(0, 64).Select(i => (float)i).ToArray(), firstOut = new float[64];
        float[] second = Enumerable.Range(0, 64).Select(i => 1000f + i).ToArray(), secondOut = new float[64];

        var running = new Thread(() => parallel.Predict(first, firstOut, 64));
        running.Start();
        Assert.True(model.Entered.Wait(TimeSpan.FromSeconds(30)), "the first call never reached the model");

        // The issue: the second caller deadlocked (trainer) or wrote into the other caller's output (predictor).
        Exception? refused = null;
        var concurrent = new Thread(() => refused = Record.Exception(() => parallel.Predict(second, secondOut, secondBatch)));
        concurrent.Start();
        bool returned = concurrent.Join(TimeSpan.FromSeconds(30));
        model.Release.Set();
        Assert.True(returned, "the second call blocked instead of being refused");
        Assert.IsType<InvalidOperationException>(refused);
        Assert.Contains("another thread", refused!.Message);
        Assert.True(running.Join(TimeSpan.FromSeconds(30)));
        Assert.Equal(first.Select(v => v + 1f), firstOut);
        Assert.All(secondOut, v => Assert.Equal(0f, v));

        // Once the first call is over, the instance serves the next one.
        parallel.Predict(second, secondOut, 64);
        Assert.Equal(second.Select(v => v + 1f), secondOut);
    }
}
