using BenchmarkDotNet.Attributes;

namespace NetGen.Bench;

/// <summary>
/// BenchmarkDotNet micro-benchmarks of the generated seed network, with the memory diagnoser.
/// Run: dotnet run -c Release --project bench/NetGen.Bench -- --filter '*'
/// </summary>
[MemoryDiagnoser]
public class SeedNetworkBenchmarks
{
    private FashionMlp _model = null!;
    private FashionMlp.Trainer _trainer = null!;
    private float[] _inputs = null!;
    private int[] _labels = null!;
    private float[] _outputs = null!;
    private int[] _rows = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = new FashionMlp(0);
        _trainer = _model.CreateTrainer(1024, degreeOfParallelism: 1);
        var random = new Random(1);
        _inputs = new float[1024 * 784];
        for (int i = 0; i < _inputs.Length; i++) _inputs[i] = (float)random.NextDouble();
        _labels = new int[1024];
        for (int i = 0; i < _labels.Length; i++) _labels[i] = i % 10;
        _outputs = new float[1024 * 10];
        _rows = new int[32];
        for (int i = 0; i < _rows.Length; i++) _rows[i] = random.Next(1024); // a shuffled batch, as Fit passes it
    }

    [Benchmark(Description = "Predict, batch 1")]
    public void Predict1() => _model.Predict(_inputs.AsSpan(0, 784), _outputs.AsSpan(0, 10));

    [Benchmark(Description = "Predict, batch 32")]
    public void Predict32() => _model.Predict(_inputs, _outputs, 32);

    [Benchmark(Description = "Predict, batch 1024")]
    public void Predict1024() => _model.Predict(_inputs, _outputs, 1024);

    [Benchmark(Description = "ComputeGradients, batch 32 (forward + loss + backward)")]
    public float ComputeGradients32() => _trainer.ComputeGradients(_inputs.AsSpan(0, 32 * 784), _labels.AsSpan(0, 32));

    [Benchmark(Description = "ApplyGradients (Adam over 55,050 parameters)")]
    public void ApplyGradients() => _trainer.ApplyGradients();

    [Benchmark(Description = "TrainBatch, batch 32")]
    public float TrainBatch32() => _trainer.TrainBatch(_inputs.AsSpan(0, 32 * 784), _labels.AsSpan(0, 32));

    [Benchmark(Description = "TrainBatch, batch 32 through row indices (32 of 1,024 samples)")]
    public float TrainBatchRows32() => _trainer.TrainBatch(_inputs, _rows, _labels.AsSpan(0, 32));
}
