extern alias gen;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Data;
using NetGen.Training;

namespace NetGen.Bench;

/// <summary>
/// `quick` mode: one process, one thread; prints one JSON object on its last line.
/// </summary>
public static class Quick
{
    public static int Run(string[] args)
    {
        int epochs = 5; // the median of 5: the first epoch of a fresh model still carries one-time costs
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--epochs" && i + 1 < args.Length) epochs = int.Parse(args[++i]);
        }

        var (train, source) = LoadTraining();
        Console.WriteLine($"data: {source}, {train.Count} samples; Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, Vector256 {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}");

        double peak = Peak.MeasureGflops();
        Console.WriteLine($"peak: {peak:F1} GFLOP/s");

        // Training MACs per sample: forward (all layers) + weight gradients (all layers) + input gradients (all but the first).
        long forward = 784 * 64 + 64 * 64 + 64 * 10;
        long macsPerSample = forward + forward + (64 * 64 + 64 * 10);
        double floor = 2.0 * macsPerSample * train.Count / (peak * 1e9);

        // Whole epochs through Fit (no train-accuracy pass: that is the sample's business), median of runs.
        var model = new FashionMlp(0);
        var trainer = model.CreateTrainer(32, degreeOfParallelism: 1);
        var epochTimes = new List<double>();
        var options = new FitOptions { Epochs = 1, BatchSize = 32, Seed = 0, TrainAccuracy = false };
        trainer.Fit(Slice(train, 2048), options); // warm-up: tier-1 JIT of every kernel
        for (int e = 0; e < epochs; e++)
        {
            var sw = Stopwatch.StartNew();
            trainer.Fit(train, options with { Seed = e });
            sw.Stop();
            epochTimes.Add(sw.Elapsed.TotalSeconds);
            Console.WriteLine($"epoch {e + 1}: {sw.Elapsed.TotalSeconds:F3} s");
        }
        double epochSeconds = Median(epochTimes);

        // The same epochs on every core (data-parallel TrainBatch), in the same process.
        int cores = Environment.ProcessorCount;
        var parallelModel = new FashionMlp(0);
        using var parallelTrainer = parallelModel.CreateTrainer(32, degreeOfParallelism: cores);
        parallelTrainer.Fit(Slice(train, 2048), options);
        var parallelTimes = new List<double>();
        for (int e = 0; e < epochs; e++)
        {
            var sw = Stopwatch.StartNew();
            parallelTrainer.Fit(train, options with { Seed = e });
            parallelTimes.Add(sw.Elapsed.TotalSeconds);
            Console.WriteLine($"epoch {e + 1} on {cores} cores: {sw.Elapsed.TotalSeconds:F3} s");
        }
        double parallelEpochSeconds = Median(parallelTimes);

        // The same epoch's TrainBatch calls on contiguous batches (no shuffle, no gather): the kernels alone.
        var rawTimes = new List<double>();
        for (int e = 0; e < epochs; e++)
        {
            var sw = Stopwatch.StartNew();
            for (int start = 0; start + 32 <= train.Count; start += 32)
            {
                trainer.TrainBatch(train.Features.AsSpan(start * 784, 32 * 784), train.Labels.AsSpan(start, 32));
            }
            rawTimes.Add(sw.Elapsed.TotalSeconds);
        }
        double rawEpochSeconds = Median(rawTimes);
        Console.WriteLine($"raw TrainBatch epoch: {rawEpochSeconds:F3} s");

        // Batch-1 latency, median of many single calls.
        var input = train.Features.AsSpan(0, 784).ToArray();
        var output = new float[10];
        for (int i = 0; i < 20000; i++) model.Predict(input, output);
        var samples = new double[20001];
        long ticks = Stopwatch.Frequency;
        for (int i = 0; i < samples.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            model.Predict(input, output);
            samples[i] = (Stopwatch.GetTimestamp() - t0) * 1e9 / ticks;
        }
        double predictNs = Median(samples);

        // Batch-1024 throughput.
        var inputs = train.Features.AsSpan(0, 1024 * 784).ToArray();
        var outputs = new float[1024 * 10];
        double BatchRate(Action predict)
        {
            for (int i = 0; i < 50; i++) predict();
            var rates = new List<double>();
            for (int trial = 0; trial < 7; trial++)
            {
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < 50; i++) predict();
                rates.Add(50 * 1024 / sw.Elapsed.TotalSeconds);
            }
            return Median(rates);
        }
        double batchRate = BatchRate(() => model.Predict(inputs, outputs, 1024));

        // The same batches on every core (ParallelPredictor: one block of rows per worker).
        using var parallelPredictor = new NetGen.ParallelPredictor(model, cores);
        double parallelBatchRate = BatchRate(() => parallelPredictor.Predict(inputs, outputs, 1024));

        // Allocations.
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) model.Predict(input, output);
        double predictAlloc = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000.0;
        var labels = train.Labels!.AsSpan(0, 32).ToArray();
        var batchInputs = train.Features.AsSpan(0, 32 * 784).ToArray();
        trainer.TrainBatch(batchInputs, labels);
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) trainer.TrainBatch(batchInputs, labels);
        double trainAlloc = (GC.GetAllocatedBytesForCurrentThread() - before) / 100.0;

        (double generatorMs, int seedChars) = GeneratorTime(SeedSource);
        (double lenetGeneratorMs, int lenetChars) = GeneratorTime(LeNetSource);
        (double lstmGeneratorMs, int lstmChars) = GeneratorTime(LstmSource);

        var result = new Dictionary<string, object>
        {
            ["peak_gflops"] = Math.Round(peak, 1),
            ["epoch_s"] = Math.Round(epochSeconds, 4),
            ["epoch_multicore_s"] = Math.Round(parallelEpochSeconds, 4),
            ["cores"] = cores,
            ["multicore_speedup"] = Math.Round(epochSeconds / parallelEpochSeconds, 2),
            ["trainbatch_epoch_s"] = Math.Round(rawEpochSeconds, 4),
            ["floor_epoch_s"] = Math.Round(floor, 4),
            ["epoch_over_floor"] = Math.Round(epochSeconds / floor, 2),
            ["predict_ns"] = Math.Round(predictNs, 0),
            ["batch1024_samples_per_s"] = Math.Round(batchRate, 0),
            ["batch1024_ceiling_samples_per_s"] = Math.Round(peak * 1e9 / (2.0 * forward), 0),
            ["batch1024_multicore_samples_per_s"] = Math.Round(parallelBatchRate, 0),
            ["predict_alloc_bytes"] = predictAlloc,
            ["trainbatch_alloc_bytes"] = trainAlloc,
            ["generator_ms"] = Math.Round(generatorMs, 1),
            ["generated_chars"] = seedChars,
            ["lenet_generator_ms"] = Math.Round(lenetGeneratorMs, 1),
            ["lenet_generated_chars"] = lenetChars,
            ["lstm_generator_ms"] = Math.Round(lstmGeneratorMs, 1),
            ["lstm_generated_chars"] = lstmChars,
            ["isa"] = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "avx512" : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "avx2" : "portable",
            ["data"] = source,
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    private static (Dataset Train, string Source) LoadTraining()
    {
        Dataset train;
        string source;
        if (FashionMnist.TryLoad(FashionMnist.DefaultDirectory, out var full, out _))
        {
            train = full;
            source = "full";
        }
        else
        {
            var (subset, _) = FashionMnist.LoadSubset();
            // Scale the subset to 60,000 samples by repetition so an epoch does the same work.
            var indices = new int[60000];
            for (int i = 0; i < indices.Length; i++) indices[i] = i % subset.Count;
            train = subset.Subset(indices);
            source = "subset x10";
        }
        var features = train.Features;
        for (int i = 0; i < features.Length; i++) features[i] /= 255f;
        return (train.Reshape(784), source);
    }

    private static Dataset Slice(Dataset data, int count)
    {
        var indices = new int[count];
        for (int i = 0; i < count; i++) indices[i] = i;
        return data.Subset(indices);
    }

    private static double Median(IList<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[sorted.Length / 2];
    }

    private const string SeedSource = """
        using NetGen;
        [Input(784)]
        [Dense(64, Activation.ReLU)]
        [Dense(64, Activation.ReLU)]
        [Dense(10, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Adam(LearningRate = 1e-3f)]
        public partial class FashionMlp;
        """;

    private const string LstmSource = """
        using NetGen;
        [Input(28, 28)]
        [LSTM(128)]
        [Dense(10, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Adam(LearningRate = 1e-3f)]
        public partial class FashionLstm;
        """;

    private const string LeNetSource = """
        using NetGen;
        [Input(28, 28, 1)]
        [Conv2D(6, 5, Activation.ReLU, Padding = Padding.Same)]
        [MaxPool2D(2)]
        [Conv2D(16, 5, Activation.ReLU)]
        [MaxPool2D(2)]
        [Flatten]
        [Dense(120, Activation.ReLU)]
        [Dense(84, Activation.ReLU)]
        [Dense(10, Activation.Softmax)]
        [Loss(LossKind.SparseCategoricalCrossEntropy)]
        [Adam(LearningRate = 1e-3f)]
        public partial class LeNet5;
        """;

    /// <summary>Median wall time of the generator (parse → plan → emit) on a network, after warm-up, and the generated size.</summary>
    private static (double Milliseconds, int Characters) GeneratorTime(string source)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p))
            .ToList();
        var times = new List<double>();
        int characters = 0;
        for (int i = 0; i < 15; i++)
        {
            var compilation = CSharpCompilation.Create("Bench" + i,
                new[] { CSharpSyntaxTree.ParseText(source) }, references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            GeneratorDriver driver = CSharpGeneratorDriver.Create(new gen::NetGen.Generator.NetGenGenerator());
            var sw = Stopwatch.StartNew();
            driver = driver.RunGenerators(compilation);
            sw.Stop();
            var trees = driver.GetRunResult().GeneratedTrees;
            if (trees.Length == 0) throw new InvalidOperationException("The generator produced no source.");
            characters = trees.Sum(t => t.GetText().Length); // the model, its trainer and its kernels
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        return (Median(times.Skip(5).ToList()), characters);
    }
}
