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
        Console.WriteLine($"Predict batch 32:      {Time(() => model.Predict(inputs, outputs, 32)):F2} µs");
        Console.WriteLine($"Predict batch 1:       {Time(() => model.Predict(inputs.AsSpan(0, 784), outputs.AsSpan(0, 10))):F2} µs");
        return 0;
    }
}
