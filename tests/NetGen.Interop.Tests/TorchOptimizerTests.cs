using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace NetGen.Interop.Tests;

/// <summary>
/// NetGen's optimizers against torch.optim's own: the same parameters and, at every step, the same gradients (NetGen's,
/// replayed in PyTorch), with torch's weight_decay param groups and torch.nn.utils.clip_grad_value_ / clip_grad_norm_;
/// the parameters after each of 50 steps must agree within 1e-6 relative. Then whole trajectories of the seed MLP.
/// Hyperparameters go to PyTorch as the float32 values NetGen holds (0.9f is 0.89999997…), so both compute 1 − β alike.
/// </summary>
public class TorchOptimizerTests(ITestOutputHelper output)
{
    private const int Steps = 50, Batch = 16;

    /// <summary>The torch.optim configuration each test network declares in its attribute.</summary>
    private sealed record TorchConfig(string Optimizer, float Lr, float WeightDecay = 0f, bool WeightsOnly = false, float Beta1 = 0.9f, float Beta2 = 0.999f,
        float Eps = 1e-7f, float Momentum = 0f, bool Nesterov = false, float Rho = 0.9f, bool Centered = false, string? Clip = null, float ClipMax = 0f);

    private static (ITrainableModel Model, TorchConfig Config) Case(string name) => name switch
    {
        nameof(OptAdamW) => (new OptAdamW(3), new TorchConfig("adamw", 0.01f, WeightDecay: 0.05f)),
        nameof(OptAdamWWeightsOnlyGlobalClip) => (new OptAdamWWeightsOnlyGlobalClip(3), new TorchConfig("adamw", 0.01f, WeightDecay: 0.1f, WeightsOnly: true, Clip: "global", ClipMax: 0.5f)),
        // Keras's Adam adds ε to √v·√(1−β2^t), PyTorch's to √v: with ε = 1e-12 that difference is far below 1e-6
        nameof(OptAdamL2ClipNorm) => (new OptAdamL2ClipNorm(3), new TorchConfig("adam", 0.01f, WeightDecay: 0.01f, Eps: 1e-12f, Clip: "norm", ClipMax: 0.2f)),
        nameof(OptRMSprop) => (new OptRMSprop(3), new TorchConfig("rmsprop", 0.005f)),
        nameof(OptRMSpropCenteredMomentum) => (new OptRMSpropCenteredMomentum(3),
            new TorchConfig("rmsprop", 0.003f, WeightDecay: 0.01f, Rho: 0.95f, Momentum: 0.8f, Centered: true, Clip: "norm", ClipMax: 0.3f)),
        nameof(OptRMSpropMomentumClipValue) => (new OptRMSpropMomentumClipValue(3),
            new TorchConfig("rmsprop", 0.002f, WeightDecay: 0.02f, WeightsOnly: true, Rho: 0.99f, Momentum: 0.5f, Eps: 1e-8f, Clip: "value", ClipMax: 0.05f)),
        nameof(OptSgdNesterov) => (new OptSgdNesterov(3), new TorchConfig("sgd", 0.05f, WeightDecay: 0.001f, WeightsOnly: true, Momentum: 0.8f, Nesterov: true)),
        nameof(OptSgdClipValue) => (new OptSgdClipValue(3), new TorchConfig("sgd", 0.1f, WeightDecay: 0.005f, Momentum: 0.5f, Clip: "value", ClipMax: 0.01f)),
        nameof(OptSgdGlobalClip) => (new OptSgdGlobalClip(3), new TorchConfig("sgd", 0.1f, WeightDecay: 0.01f, Clip: "global", ClipMax: 0.1f)),
        nameof(OptAdamWBatchNorm) => (new OptAdamWBatchNorm(3), new TorchConfig("adamw", 0.01f, WeightDecay: 0.1f, Clip: "norm", ClipMax: 0.5f)),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static Dictionary<string, object?> Settings(TorchConfig c) => new()
    {
        ["optimizer"] = c.Optimizer, ["lr"] = (double)c.Lr, ["weight_decay"] = (double)c.WeightDecay, ["beta1"] = (double)c.Beta1, ["beta2"] = (double)c.Beta2,
        ["eps"] = (double)c.Eps, ["momentum"] = (double)c.Momentum, ["nesterov"] = c.Nesterov, ["rho"] = (double)c.Rho, ["centered"] = c.Centered,
        ["clip"] = c.Clip, ["clip_max"] = (double)c.ClipMax,
    };

    private static string Run(string mode, string directory, Dictionary<string, object?> config)
    {
        string path = Path.Combine(directory, "config.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        var (exitCode, stdout, stderr) = TorchPython.Run(TorchPython.Timeout, Path.Combine(AppContext.BaseDirectory, "Python", "torch_optim.py"), mode, path);
        Assert.True(exitCode == 0, $"torch_optim.py {mode} exited with {exitCode}:\n{stdout}\n{stderr}");
        return stdout.Trim();
    }

    [RequiresTorchTheory]
    [InlineData(nameof(OptAdamW))]
    [InlineData(nameof(OptAdamWWeightsOnlyGlobalClip))]
    [InlineData(nameof(OptAdamL2ClipNorm))]
    [InlineData(nameof(OptRMSprop))]
    [InlineData(nameof(OptRMSpropCenteredMomentum))]
    [InlineData(nameof(OptRMSpropMomentumClipValue))]
    [InlineData(nameof(OptSgdNesterov))]
    [InlineData(nameof(OptSgdClipValue))]
    [InlineData(nameof(OptSgdGlobalClip))]
    [InlineData(nameof(OptAdamWBatchNorm))]
    public void Each_step_matches_torch_optim_on_the_same_gradients(string network)
    {
        using var directory = new TempDirectory();
        var (model, config) = Case(network);
        int count = model.ParameterCount;
        IGradientTrainer trainer = model.CreateTrainer(Batch);
        using var disposeTrainer = (IDisposable)trainer;
        float[] initial = model.Parameters.ToArray();
        var gradients = new float[Steps * count];
        var after = new float[Steps * count];
        for (int step = 0; step < Steps; step++)
        {
            float[] x = TestData.Inputs(Batch, model.InputSize, 500 + step);
            int[] labels = Enumerable.Range(0, Batch).Select(i => (i * 5 + step * 3 + (x[i * model.InputSize] > 0 ? 1 : 0)) % model.OutputSize).ToArray();
            trainer.ComputeGradients(x, labels);
            trainer.Gradients.CopyTo(gradients.AsSpan(step * count, count));
            float[] before = model.Parameters.ToArray();
            trainer.ApplyGradients();
            model.Parameters.CopyTo(after.AsSpan(step * count, count));
            // the step never touches state that is not trained (batch normalization's moving statistics), decay or not
            foreach (ParameterBlock block in model.ParameterBlocks.Where(b => !b.Trainable))
                Bits.Equal(before.AsSpan(block.Offset, block.Length), model.Parameters.Slice(block.Offset, block.Length), $"{block.Name} after step {step + 1}");
        }
        TestData.WriteFloats(directory.File("init.f32"), initial);
        TestData.WriteFloats(directory.File("grads.f32"), gradients);
        Dictionary<string, object?> settings = Settings(config);
        settings["init"] = directory.File("init.f32");
        settings["grads"] = directory.File("grads.f32");
        settings["out"] = directory.File("torch.f32");
        settings["steps"] = Steps;
        settings["blocks"] = model.ParameterBlocks.Select(b => new Dictionary<string, object>
        {
            ["offset"] = b.Offset, ["length"] = b.Length, ["shape"] = b.Shape.ToArray(), ["trainable"] = b.Trainable,
            ["decays"] = b.Trainable && config.WeightDecay > 0 && (!config.WeightsOnly || b.Shape.Length >= 2),
        }).ToArray();
        output.WriteLine(Run("replay", directory.Path, settings));
        float[] torch = TestData.ReadFloats(directory.File("torch.f32"));

        // |NetGen − PyTorch| ≤ 1e-6 · max(|PyTorch|, the tensor's RMS) for every trainable parameter after every step: relative
        // to the value, or to its tensor's scale where a value passes near 0 (there a float's rounding error is that of the
        // larger values it was computed from: a weight of 0.3 that moved to 1e-5 carries 0.3's last-bit error)
        double worst = 0, worstAbsolute = 0;
        int worstStep = 0;
        foreach (ParameterBlock block in model.ParameterBlocks.Where(b => b.Trainable))
        {
            for (int step = 0; step < Steps; step++)
            {
                double squares = 0;
                for (int i = block.Offset; i < block.Offset + block.Length; i++) squares += (double)torch[step * count + i] * torch[step * count + i];
                double rms = Math.Sqrt(squares / block.Length);
                for (int i = block.Offset; i < block.Offset + block.Length; i++)
                {
                    float n = after[step * count + i], t = torch[step * count + i];
                    Assert.True(float.IsFinite(n) && float.IsFinite(t), $"{network}: {block.Name}[{i - block.Offset}] not finite after step {step + 1}");
                    double difference = Math.Abs((double)n - t), relative = difference / Math.Max(Math.Abs(t), rms);
                    if (relative > worst) (worst, worstStep) = (relative, step + 1);
                    worstAbsolute = Math.Max(worstAbsolute, difference);
                    if (relative > 1e-6)
                        Assert.Fail($"{network}: {block.Name}[{i - block.Offset}] after step {step + 1} is {n:R} in NetGen and {t:R} in PyTorch (relative difference {relative:E2})");
                }
            }
        }
        // the optimizer moved the parameters (a test of a step that does nothing would pass the comparison)
        Assert.True(Math.Abs(after[(Steps - 1) * count] - initial[0]) > 1e-4, "the parameters barely moved");
        output.WriteLine($"{network}: {Steps} steps, {count} parameters; largest relative difference {worst:E2} (step {worstStep}), largest absolute {worstAbsolute:E2}");
    }

    [RequiresTorchTheory]
    [InlineData(nameof(SeedMlpAdamW), 200)]
    [InlineData(nameof(SeedMlpSgdMomentum), 200)]
    public void The_seed_MLP_follows_torchs_loss_trajectory(string network, int steps)
    {
        using var directory = new TempDirectory();
        const int batch = 32;
        ITrainableModel model = network == nameof(SeedMlpAdamW) ? new SeedMlpAdamW(11) : new SeedMlpSgdMomentum(11);
        // the repository's Fashion-MNIST subset, scaled to [0, 1] as the seed's Keras example does, in order (cycled)
        var (train, _) = NetGen.Data.FashionMnist.LoadSubset();
        var inputs = new float[steps * batch * 784];
        var labels = new int[steps * batch];
        for (int k = 0; k < steps * batch; k++)
        {
            int sample = k % train.Count;
            for (int j = 0; j < 784; j++) inputs[k * 784 + j] = train.Features[sample * 784 + j] / 255f;
            labels[k] = train.Labels![sample];
        }
        float[] initial = model.Parameters.ToArray();

        IGradientTrainer trainer = model.CreateTrainer(batch);
        using var disposeTrainer = (IDisposable)trainer;
        var losses = new double[steps];
        for (int step = 0; step < steps; step++)
            losses[step] = trainer.TrainBatch(inputs.AsSpan(step * batch * 784, batch * 784), labels.AsSpan(step * batch, batch));

        TestData.WriteFloats(directory.File("init.f32"), initial);
        TestData.WriteFloats(directory.File("inputs.f32"), inputs);
        File.WriteAllBytes(directory.File("labels.i32"), labels.SelectMany(BitConverter.GetBytes).ToArray());
        Dictionary<string, object?> settings = Settings(network == nameof(SeedMlpAdamW)
            ? new TorchConfig("adamw", 1e-3f, WeightDecay: 0.01f)
            : new TorchConfig("sgd", 0.05f, Momentum: 0.9f));
        settings["init"] = directory.File("init.f32");
        settings["inputs"] = directory.File("inputs.f32");
        settings["labels"] = directory.File("labels.i32");
        settings["out"] = directory.File("losses.f64");
        settings["steps"] = steps;
        settings["batch"] = batch;
        ParameterBlock[] blocks = model.ParameterBlocks.ToArray();
        settings["layers"] = Enumerable.Range(0, 3).Select(l => new[] { blocks.Single(b => b.Layer == l && b.Kind == "weight").Offset, blocks.Single(b => b.Layer == l && b.Kind == "bias").Offset }).ToArray();
        output.WriteLine(Run("mlp", directory.Path, settings));
        byte[] raw = File.ReadAllBytes(directory.File("losses.f64"));
        double[] torch = Enumerable.Range(0, steps).Select(i => BitConverter.ToDouble(raw, 8 * i)).ToArray();

        double Worst(int from, int to) => Enumerable.Range(from, to - from).Max(i => Math.Abs(losses[i] - torch[i]) / Math.Abs(torch[i]));
        foreach (var (from, to) in new[] { (0, 10), (10, 50), (50, 100), (100, 200) })
            if (to <= steps) output.WriteLine($"{network}: steps {from + 1}–{to}: largest relative loss difference {Worst(from, to):E2}");
        output.WriteLine($"{network}: loss {losses[0]:F6} → {losses[steps - 1]:F6} (PyTorch {torch[0]:F6} → {torch[steps - 1]:F6})");
        Assert.True(losses.Skip(steps - 20).Average() < 0.6 * losses.Take(20).Average(), "the network did not learn: the trajectory comparison would say little");
        for (int i = 0; i < steps; i++)
        {
            double limit = i < 50 ? 1e-4 : 1e-3;
            double relative = Math.Abs(losses[i] - torch[i]) / Math.Abs(torch[i]);
            Assert.True(relative <= limit, $"{network}: the loss of step {i + 1} is {losses[i]:R} in NetGen and {torch[i]:R} in PyTorch (relative difference {relative:E2} > {limit:E0})");
        }
    }
}
