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
    var random = new Random(1);
    var inputs = new float[32 * 784];
    for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
    var labels = new int[32];
    for (int i = 0; i < 32; i++) labels[i] = i % 10;
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
    var random = new Random(1);
    var inputs = new float[32 * 784];
    for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
    var labels = new int[32];
    for (int i = 0; i < 32; i++) labels[i] = i % 10;
    var clock = System.Diagnostics.Stopwatch.StartNew();
    long batches = 0;
    while (clock.Elapsed.TotalSeconds < seconds) { trainer.TrainBatch(inputs, labels); batches++; }
    Console.WriteLine($"{batches} batches, {clock.Elapsed.TotalMilliseconds * 1000 / batches:F1} µs per batch on {degree} workers");
    return 0;
}
if (args.Length > 0 && args[0] == "breakdown")
{
    return Breakdown.Run();
}
BenchmarkSwitcher.FromAssembly(typeof(Quick).Assembly).Run(args);
return 0;
