using System.Diagnostics;

namespace NetGen.Bench;

/// <summary>`breakdown` mode: time of each half of a training step and of inference, per batch of 32.</summary>
public static class Breakdown
{
    public static int Run()
    {
        var model = new FashionMlp(0);
        var trainer = model.CreateTrainer(32, degreeOfParallelism: 1);
        var random = new Random(1);
        var inputs = new float[32 * 784];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
        var labels = new int[32];
        for (int i = 0; i < 32; i++) labels[i] = i % 10;
        var outputs = new float[32 * 10];

        double Time(Action action, int n = 3000)
        {
            for (int i = 0; i < 500; i++) action();
            var best = double.MaxValue;
            for (int trial = 0; trial < 5; trial++)
            {
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < n; i++) action();
                best = Math.Min(best, sw.Elapsed.TotalMicroseconds / n);
            }
            return best;
        }

        Console.WriteLine($"ComputeGradients (32): {Time(() => trainer.ComputeGradients(inputs, labels)):F2} µs");
        Console.WriteLine($"ApplyGradients:        {Time(() => trainer.ApplyGradients()):F2} µs");
        Console.WriteLine($"TrainBatch (32):       {Time(() => trainer.TrainBatch(inputs, labels)):F2} µs");
        Console.WriteLine($"Predict batch 32:      {Time(() => model.Predict(inputs, outputs, 32)):F2} µs");
        Console.WriteLine($"Predict batch 1:       {Time(() => model.Predict(inputs.AsSpan(0, 784), outputs.AsSpan(0, 10))):F2} µs");

        var lenet = new LeNet5(0);
        using var lenetTrainer = lenet.CreateTrainer(32, degreeOfParallelism: 1);
        Console.WriteLine($"LeNet-5 ComputeGradients (32): {Time(() => lenetTrainer.ComputeGradients(inputs, labels), 300):F2} µs");
        Console.WriteLine($"LeNet-5 ApplyGradients:        {Time(() => lenetTrainer.ApplyGradients(), 300):F2} µs");
        Console.WriteLine($"LeNet-5 Predict batch 32:      {Time(() => lenet.Predict(inputs, outputs, 32), 300):F2} µs");

        var big = new float[32 * 28 * 28 * 6];
        for (int i = 0; i < big.Length; i++) big[i] = (float)random.NextDouble();
        void Probe<T>(T model, int inputSize) where T : ITrainableModel
        {
            var t = model.CreateTrainer(32, 1);
            var x = big.AsSpan(0, 32 * inputSize).ToArray();
            Console.WriteLine($"{typeof(T).Name}: ComputeGradients {Time(() => t.ComputeGradients(x, labels), 300):F1} µs, Predict32 {Time(() => model.Predict(x, outputs, 32), 300):F1} µs");
        }
        Probe(new PoolProbe(0), 28 * 28 * 6);
        Probe(new Conv1Probe(0), 28 * 28);
        Probe(new Conv2Probe(0), 14 * 14 * 6);
        return 0;
    }
}
