using BenchmarkDotNet.Running;
using NetGen.Bench;

if (args.Length > 0 && args[0] == "quick")
{
    return Quick.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "lenet-loop")
{
    // A steady LeNet-5 training loop for a profiler to sample: one thread, batch 32, random data.
    var model = new LeNet5(0);
    using var trainer = model.CreateTrainer(32, degreeOfParallelism: 1);
    var (inputs, labels) = RandomBatch(32);
    double seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
    var clock = System.Diagnostics.Stopwatch.StartNew();
    long batches = 0;
    while (clock.Elapsed.TotalSeconds < seconds) { trainer.TrainBatch(inputs, labels); batches++; }
    Console.WriteLine($"{batches} batches, {clock.Elapsed.TotalMilliseconds * 1000 / batches:F0} µs per batch");
    return 0;
}
if (args.Length > 0 && args[0] == "peak-cores")
{
    // The register-only FMA kernel on one thread, then on every core at once: do the cores have FMA units of their own?
    double one = Peak.MeasureGflops();
    var each = new double[Environment.ProcessorCount];
    Parallel.For(0, each.Length, new ParallelOptions { MaxDegreeOfParallelism = each.Length }, i => each[i] = Peak.MeasureGflops());
    Console.WriteLine($"one thread: {one:F1} GFLOP/s; {each.Length} threads at once: {string.Join(" + ", each.Select(e => e.ToString("F1")))} = {each.Sum():F1} GFLOP/s");
    return 0;
}
if (args.Length > 0 && args[0] == "mlp-loop")
{
    // The seed network's TrainBatch in a loop, on a given number of workers, for a profiler or a quick look.
    int degree = args.Length > 1 ? int.Parse(args[1]) : 2;
    double seconds = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5;
    var model = new FashionMlp(0);
    using var trainer = model.CreateTrainer(32, degree);
    var (inputs, labels) = RandomBatch(32);
    var clock = System.Diagnostics.Stopwatch.StartNew();
    long batches = 0;
    while (clock.Elapsed.TotalSeconds < seconds) { trainer.TrainBatch(inputs, labels); batches++; }
    Console.WriteLine($"{batches} batches, {clock.Elapsed.TotalMilliseconds * 1000 / batches:F1} µs per batch on {degree} workers");
    return 0;
}
if (args.Length > 0 && args[0] == "indexed-loop")
{
    // The seed network's TrainBatch through row indices (IIndexedTrainer, as Fit calls it): batch 32 of a 1,024-sample
    // set, shuffled rows, one thread; the median µs per batch of 9 rounds, each as many batches as fit in a second / 9.
    double seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 9;
    var model = new FashionMlp(0);
    using var trainer = model.CreateTrainer(32, 1);
    var (batch, _) = RandomBatch(32);
    var samples = new float[1024 * 784];
    for (int i = 0; i < samples.Length; i++) samples[i] = batch[i % batch.Length];
    var random = new Random(1);
    int[] order = Enumerable.Range(0, 1024).OrderBy(_ => random.Next()).ToArray();
    int[] labels = Enumerable.Range(0, 32).Select(i => i % 10).ToArray();
    for (int i = 0; i < 300; i++) trainer.TrainBatch(samples, order.AsSpan((i % 32) * 32, 32), labels);
    var rounds = new double[9];
    for (int round = 0; round < rounds.Length; round++)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long batches = 0;
        while (clock.Elapsed.TotalSeconds < seconds / rounds.Length)
        {
            trainer.TrainBatch(samples, order.AsSpan((int)(batches % 32) * 32, 32), labels);
            batches++;
        }
        rounds[round] = clock.Elapsed.TotalMilliseconds * 1000 / batches;
    }
    Array.Sort(rounds);
    Console.WriteLine($"indexed TrainBatch: median {rounds[4]:F2} µs per batch (rounds {rounds[0]:F2}-{rounds[^1]:F2})");
    return 0;
}
if (args.Length > 0 && args[0] == "rnn-loop")
{
    // Row-sequential Fashion-MNIST networks: TrainBatch (batch 32, one thread) in a loop on random data, and the
    // epoch it implies (1,875 batches), beside the FMA floor of the same run.
    string kind = args.Length > 1 ? args[1] : "lstm";
    double seconds = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10;
    NetGen.ITrainableModel model = kind == "gru" ? new FashionGru(0) : new FashionLstm(0);
    int gates = kind == "gru" ? 3 * 128 : 4 * 128;
    var trainer = model.CreateTrainer(32, 1);
    var (inputs, labels) = RandomBatch(32);
    for (int i = 0; i < 50; i++) trainer.TrainBatch(inputs, labels);
    var clock = System.Diagnostics.Stopwatch.StartNew();
    long batches = 0;
    while (clock.Elapsed.TotalSeconds < seconds) { trainer.TrainBatch(inputs, labels); batches++; }
    double perBatch = clock.Elapsed.TotalSeconds / batches;
    double peak = Peak.MeasureGflops();
    // MACs per sample: forward, kernel and recurrent-kernel gradients over every step, and the recurrent input gradient
    long perStep = (28L + 128) * gates;
    long macs = 3 * 28 * perStep - 28L * 28 * gates + 3 * 128 * 10;
    double floor = 2.0 * macs * 60000 / (peak * 1e9);
    Console.WriteLine($"{kind}: {batches} batches, {perBatch * 1e6:F0} µs per batch, {perBatch * 1875:F2} s per 60,000-sample epoch; floor {floor:F2} s at {peak:F0} GFLOP/s ({perBatch * 1875 / floor:F2}× the floor)");
    // inference: one sample (median of 2,000 calls) and batches of 1,024
    var output = new float[10];
    var outputs = new float[1024 * 10];
    var many = new float[1024 * 784];
    for (int i = 0; i < many.Length; i++) many[i] = inputs[i % inputs.Length];
    for (int i = 0; i < 500; i++) model.Predict(inputs.AsSpan(0, 784), output);
    var single = new double[2000];
    for (int i = 0; i < single.Length; i++)
    {
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        model.Predict(inputs.AsSpan((i % 32) * 784, 784), output);
        single[i] = System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
    }
    Array.Sort(single);
    model.Predict(many, outputs, 1024);
    var batchClock = System.Diagnostics.Stopwatch.StartNew();
    int rounds = 0;
    while (batchClock.Elapsed.TotalSeconds < 2) { model.Predict(many, outputs, 1024); rounds++; }
    Console.WriteLine($"{kind} inference: batch 1 median {single[single.Length / 2]:F1} µs, batch 1024 {rounds * 1024 / batchClock.Elapsed.TotalSeconds:F0} samples/s");
    return 0;
}
if (args.Length > 0 && args[0] == "rnn-fit")
{
    // A correctness smoke run: the row-sequential networks on the embedded subset (6,000 / 1,000), a few epochs.
    string kind = args.Length > 1 ? args[1] : "lstm";
    int epochs = args.Length > 2 ? int.Parse(args[2]) : 2;
    var (train, test) = NetGen.Data.FashionMnist.LoadSubset();
    foreach (var d in new[] { train, test }) { var f = d.Features; for (int i = 0; i < f.Length; i++) f[i] /= 255f; }
    NetGen.ITrainableModel model = kind == "gru" ? new FashionGru(0) : new FashionLstm(0);
    var trainer = model.CreateTrainer(32, 1);
    var clock = System.Diagnostics.Stopwatch.StartNew();
    NetGen.Training.Fitter.Fit(trainer, train.Reshape(784), new NetGen.Training.FitOptions { Epochs = epochs, BatchSize = 32, Seed = 0 });
    var result = NetGen.Evaluation.Evaluator.Evaluate(model, test.Reshape(784));
    Console.WriteLine($"{kind}: {epochs} epochs in {clock.Elapsed.TotalSeconds:F1} s, test accuracy {result.Accuracy:F4}, loss {result.Loss:F4}");
    return 0;
}
if (args.Length > 0 && args[0] == "predict-loop")
{
    // The seed network's batched Predict (1,024 samples per call) in a loop, for a profiler or a quick look.
    double seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
    var model = new FashionMlp(0);
    var (inputs, _) = RandomBatch(1024);
    var outputs = new float[1024 * 10];
    var clock = System.Diagnostics.Stopwatch.StartNew();
    long calls = 0;
    while (clock.Elapsed.TotalSeconds < seconds) { model.Predict(inputs, outputs, 1024); calls++; }
    Console.WriteLine($"{calls * 1024 / clock.Elapsed.TotalSeconds:F0} samples/s");
    return 0;
}
if (args.Length > 0 && args[0] == "fit-loop")
{
    // Whole epochs of the seed network through Fit (as quick measures them), on 1 (default) or more workers, for a profiler.
    int epochs = args.Length > 1 ? int.Parse(args[1]) : 5;
    int workers = args.Length > 2 ? int.Parse(args[2]) : 1;
    var train = ScaledTrainingData();
    var model = new FashionMlp(0);
    var trainer = model.CreateTrainer(32, workers);
    var options = new NetGen.Training.FitOptions { Epochs = 1, BatchSize = 32, Seed = 0, TrainAccuracy = false };
    for (int e = 0; e < epochs; e++)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        NetGen.Training.Fitter.Fit(trainer, train, options with { Seed = e });
        Console.WriteLine($"epoch {e + 1}: {sw.Elapsed.TotalSeconds:F3} s");
        var st = trainer.OptimizerState;
        int dm = 0, dv = 0, zm = 0, zv = 0;
        for (int i = 0; i < NetGen.Bench.FashionMlp.ParameterCount; i++) { if (float.IsSubnormal(st[i])) dm++; if (st[i] == 0) zm++; if (float.IsSubnormal(st[i + NetGen.Bench.FashionMlp.ParameterCount])) dv++; if (st[i + NetGen.Bench.FashionMlp.ParameterCount] == 0) zv++; }
        Console.WriteLine($"  subnormal m {dm}, v {dv}; zero m {zm}, v {zv}");
    }
    return 0;
}
if (args.Length > 0 && args[0] == "data-loop")
{
    // TrainBatch over the real data: contiguous batches through the epoch, then the first batch again and again (the
    // same values, cache-hot), to tell the data's memory traffic from its values' effect on the kernels.
    var train = ScaledTrainingData();
    var f = train.Features;
    var model = new FashionMlp(0);
    var trainer = model.CreateTrainer(32, 1);
    int batches = train.Count / 32;
    for (int round = 0; round < 3; round++)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (int b = 0; b < batches; b++) trainer.TrainBatch(f.AsSpan(b * 32 * 784, 32 * 784), train.Labels!.AsSpan(b * 32, 32));
        double streamed = sw.Elapsed.TotalMicroseconds / batches;
        sw.Restart();
        for (int b = 0; b < batches; b++) trainer.TrainBatch(f.AsSpan(0, 32 * 784), train.Labels!.AsSpan(0, 32));
        double hot = sw.Elapsed.TotalMicroseconds / batches;
        Console.WriteLine($"µs per batch: streamed {streamed:F1}, first batch repeated {hot:F1}");
    }
    return 0;
}
if (args.Length > 0 && args[0] == "predict-split")
{
    // Batch-1024 Predict on one thread, then split in two halves on two threads at once (the model is thread-safe).
    var model = new FashionMlp(0);
    var (inputs, _) = RandomBatch(1024);
    var outputs = new float[1024 * 10];
    for (int round = 0; round < 3; round++)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long calls = 0;
        while (clock.Elapsed.TotalSeconds < 2) { model.Predict(inputs, outputs, 1024); calls++; }
        double one = calls * 1024 / clock.Elapsed.TotalSeconds;
        clock.Restart();
        calls = 0;
        while (clock.Elapsed.TotalSeconds < 2)
        {
            Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, h => model.Predict(inputs.AsSpan(h * 512 * 784, 512 * 784), outputs.AsSpan(h * 5120, 5120), 512));
            calls++;
        }
        double two = calls * 1024 / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"one thread {one:F0} samples/s, two {two:F0} ({two / one:F2}x)");
    }
    return 0;
}
if (args.Length > 0 && args[0] == "handover")
{
    // The cost of one BatchWorkers.Run with nothing to do, on every core: the synchronization a job pays.
    using var workers = new NetGen.BatchWorkers(Environment.ProcessorCount, new NoWork());
    for (int i = 0; i < 100_000; i++) workers.Run();
    for (int round = 0; round < 3; round++)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        const int calls = 1_000_000;
        for (int i = 0; i < calls; i++) workers.Run();
        Console.WriteLine($"{clock.Elapsed.TotalMilliseconds * 1000 / calls:F3} µs per empty Run on {workers.Count} workers");
    }
    return 0;
}
if (args.Length > 0 && args[0] == "breakdown")
{
    return Breakdown.Run();
}
BenchmarkSwitcher.FromAssembly(typeof(Quick).Assembly).Run(args);
return 0;

// Fashion-MNIST's training set (the embedded subset when the full set is absent), pixels divided by 255, 784 a sample.
static NetGen.Data.Dataset ScaledTrainingData()
{
    NetGen.Data.FashionMnist.TryLoad(NetGen.Data.FashionMnist.DefaultDirectory, out var full, out _);
    var train = full ?? NetGen.Data.FashionMnist.LoadSubset().Train;
    var f = train.Features;
    for (int i = 0; i < f.Length; i++) f[i] /= 255f;
    return train.Reshape(784);
}

// A batch of random 784-pixel images in [0, 1) and labels 0..9, the same in every mode.
static (float[] Inputs, int[] Labels) RandomBatch(int rows)
{
    var random = new Random(1);
    var inputs = new float[rows * 784];
    for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
    var labels = new int[rows];
    for (int i = 0; i < rows; i++) labels[i] = i % 10;
    return (inputs, labels);
}

/// <summary>A job that does nothing (the handover mode).</summary>
sealed class NoWork : NetGen.IBatchWork
{
    public void Work(int worker, NetGen.BatchWorkers workers) { }
}
