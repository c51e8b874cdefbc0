using System.Text.Json;
using NetGen.Training;
using Xunit.Abstractions;

namespace NetGen.Interop.Tests;

/// <summary>
/// NetGen's learning-rate schedules and ReduceLROnPlateau against torch.optim.lr_scheduler, step by step: the rate of
/// every optimizer step agrees within 1e-6 relative (PyTorch's CosineAnnealingLR updates the rate recursively, NetGen
/// evaluates the closed form; the two differ by rounding only).
/// </summary>
public class TorchScheduleTests(ITestOutputHelper output)
{
    private const int Steps = 300;

    private static readonly (object Torch, LearningRateSchedule NetGen)[] Cases =
    [
        // StepLR(step_size=25, gamma=0.7) = ExponentialDecay(staircase)
        (new { kind = "step", lr = 0.1, step_size = 25, gamma = 0.7, steps = Steps }, new ExponentialDecay(0.1, 25, 0.7, staircase: true)),
        // ExponentialLR(gamma=0.99) = ExponentialDecay(decaySteps = 1)
        (new { kind = "exponential", lr = 0.05, gamma = 0.99, steps = Steps }, new ExponentialDecay(0.05, 1, 0.99)),
        // MultiStepLR(milestones=[40, 150, 151], gamma=0.3) = PiecewiseConstantDecay with boundaries one before each milestone
        (new { kind = "multistep", lr = 0.2, milestones = new[] { 40, 150, 151 }, gamma = 0.3, steps = Steps },
            new PiecewiseConstantDecay([39, 149, 150], [0.2, 0.2 * 0.3, 0.2 * 0.3 * 0.3, 0.2 * 0.3 * 0.3 * 0.3])),
        // CosineAnnealingLR(T_max=300, eta_min=0.1·lr) = CosineDecay(alpha = 0.1)
        (new { kind = "cosine", lr = 0.003, t_max = Steps, eta_min = 0.0003, steps = Steps }, new CosineDecay(0.003, Steps, alpha: 0.1)),
        // LinearLR(0.01 → 1 over 30) then CosineAnnealingLR(T_max=270, eta_min=0.05·peak) = CosineDecay with warmup
        (new { kind = "warmup_cosine", lr = 6e-4, start_factor = 0.01, warmup = 30, t_max = Steps - 30, eta_min = 3e-5, steps = Steps },
            new CosineDecay(6e-6, Steps - 30, alpha: 0.05, warmupSteps: 30, warmupTarget: 6e-4)),
    ];

    private static double Relative(double a, double b) => Math.Abs(a - b) / Math.Max(Math.Abs(b), 1e-300);

    [RequiresTorchFact]
    public void Schedules_match_torch_lr_scheduler_at_every_step()
    {
        using var directory = new TempDirectory();
        double[][] torch = RunTorch(directory, Cases.Select(c => c.Torch).ToArray());
        for (int c = 0; c < Cases.Length; c++)
        {
            LearningRateSchedule schedule = Cases[c].NetGen;
            Assert.Equal(Steps, torch[c].Length);
            double worst = 0;
            for (int s = 0; s < Steps; s++)
            {
                double relative = Relative(schedule.Rate(s), torch[c][s]);
                worst = Math.Max(worst, relative);
                Assert.True(relative <= 1e-6, $"{schedule.GetType().Name} (case {c}) step {s}: NetGen {schedule.Rate(s):R}, torch {torch[c][s]:R}");
            }
            output.WriteLine($"{schedule.GetType().Name,-24} case {c}: max relative difference {worst:E2} over {Steps} steps");
        }
    }

    [RequiresTorchFact]
    public void Reduce_on_plateau_matches_torch_with_Keras_patience_one_higher()
    {
        // monitored values with improvements smaller and larger than min_delta, plateaus and a bump
        double[] losses = [1.0, 0.9, 0.95, 0.899, 0.9, 0.85, 0.86, 0.87, 0.88, 0.7, 0.71, 0.72, 0.73, 0.74, 0.75, 0.7, 0.69999, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6];
        double[] accuracies = losses.Select(l => 1 - l).ToArray();
        using var directory = new TempDirectory();
        double[][] torch = RunTorch(directory,
        [
            new { kind = "plateau", lr = 0.01, mode = "min", factor = 0.5, patience = 1, threshold = 0.01, min_lr = 0.0015, values = losses },
            new { kind = "plateau", lr = 0.01, mode = "max", factor = 0.2, patience = 2, threshold = 0.0, min_lr = 0.0, values = accuracies },
        ]);
        // 0.01 → 0.005 → 0.0025 → 0.0015, the floor, where it stays
        Check(new ReduceLROnPlateau(EarlyStoppingMonitor.Loss, factor: 0.5, patience: 2, minDelta: 0.01, minLearningRate: 0.0015), losses, torch[0], useAccuracy: false, reductions: 3);
        Check(new ReduceLROnPlateau(EarlyStoppingMonitor.Accuracy, factor: 0.2, patience: 3, minDelta: 0), accuracies, torch[1], useAccuracy: true, reductions: 5);
    }

    private void Check(ReduceLROnPlateau plateau, double[] values, double[] torch, bool useAccuracy, int reductions)
    {
        var model = new TinyNet(1);
        using var trainer = model.CreateTrainer(4);
        trainer.LearningRate = 0.01f;
        var context = new FitContext(trainer);
        plateau.OnTrainBegin(context);
        for (int e = 0; e < values.Length; e++)
        {
            var result = new EpochResult(e, values.Length, useAccuracy ? 0 : values[e], useAccuracy ? values[e] : null, null, null, 0, 1, 1);
            plateau.OnEpochEnd(context, result);
            // NetGen's trainer keeps the rate as a float
            Assert.True(Relative(trainer.LearningRate, torch[e]) <= 1e-6, $"epoch {e}: NetGen {trainer.LearningRate:R}, torch {torch[e]:R}");
        }
        output.WriteLine($"ReduceLROnPlateau({plateau.Monitor}, patience {plateau.Patience}): {plateau.Reductions} reductions, rates agree over {values.Length} epochs");
        Assert.Equal(reductions, plateau.Reductions);
    }

    private double[][] RunTorch(TempDirectory directory, object[] cases)
    {
        string input = directory.File("cases.json"), result = directory.File("rates.json");
        File.WriteAllText(input, JsonSerializer.Serialize(cases));
        var (exitCode, stdout, stderr) = TorchPython.Run(TorchPython.Timeout, Path.Combine(AppContext.BaseDirectory, "Python", "torch_schedules.py"), input, result);
        Assert.True(exitCode == 0, $"torch_schedules.py exited with {exitCode}:\n{stdout}\n{stderr}");
        output.WriteLine(stdout.Trim());
        return JsonSerializer.Deserialize<double[][]>(File.ReadAllText(result))!;
    }
}
