using NetGen;
using NetGen.Tests.Networks;

namespace NetGen.Tests;

/// <summary>Convolution, pooling, flatten and dropout against a double-precision reference and its finite differences.</summary>
public class ImageLayerTests
{
    public sealed record ImageCase(string Name, Func<int, ITrainableModel> Create, ImageReference Reference, bool Labels)
    {
        public override string ToString() => Name;
    }

    public static readonly ImageCase[] Cases =
    {
        new("SmallCnn", s => new SmallCnn(s), new ImageReference(new[] { 7, 9, 2 }, new RLayer[]
        {
            new RConv(3, 3, 1, false, Activation.ReLU), new RPool(true, 2, 2, false), new RConv(4, 2, 1, true, Activation.Tanh),
            new RPool(false, 2, 2, true), new RFlatten(), new RDense(5, Activation.Softmax),
        }, LossKind.SparseCategoricalCrossEntropy), true),
        new("StridedCnn", s => new StridedCnn(s), new ImageReference(new[] { 11, 8, 1 }, new RLayer[]
        {
            new RConv(2, 3, 2, true, Activation.Sigmoid), new RConv(3, 2, 1, false, Activation.ReLU), new RFlatten(), new RDense(3, Activation.Linear),
        }, LossKind.MeanSquaredError), false),
        new("MiniLeNet", s => new MiniLeNet(s), new ImageReference(new[] { 28, 28, 1 }, new RLayer[]
        {
            new RConv(6, 5, 1, true, Activation.ReLU), new RPool(true, 2, 2, false), new RConv(16, 5, 1, false, Activation.ReLU),
            new RPool(true, 2, 2, false), new RFlatten(), new RDense(32, Activation.ReLU), new RDense(10, Activation.Softmax),
        }, LossKind.SparseCategoricalCrossEntropy), true),
        new("WidePoolCnn", s => new WidePoolCnn(s), new ImageReference(new[] { 9, 37, 2 }, new RLayer[]
        {
            new RConv(3, 3, 1, true, Activation.Tanh), new RPool(true, 2, 2, false), new RConv(2, 3, 1, true, Activation.ReLU),
            new RPool(false, 2, 2, false), new RFlatten(), new RDense(3, Activation.Softmax),
        }, LossKind.SparseCategoricalCrossEntropy), true),
        new("PoolFirstCnn", s => new PoolFirstCnn(s), new ImageReference(new[] { 6, 6, 3 }, new RLayer[]
        {
            new RPool(true, 2, 1, false), new RConv(2, 3, 1, true, Activation.ReLU), new RPool(false, 3, 2, false), new RFlatten(), new RDense(2, Activation.Softmax),
        }, LossKind.SparseCategoricalCrossEntropy), true),
        new("GeluConvNet", s => new GeluConvNet(s), new ImageReference(new[] { 7, 9, 2 }, new RLayer[]
        {
            new RConv(3, 3, 1, false, Activation.GELU), new RPool(true, 2, 2, false), new RConv(4, 2, 1, true, Activation.SiLU), new RFlatten(), new RDense(5, Activation.Softmax),
        }, LossKind.SparseCategoricalCrossEntropy), true),
        new("WideSiluConvNet", s => new WideSiluConvNet(s), new ImageReference(new[] { 28, 28, 1 }, new RLayer[]
        {
            new RConv(6, 5, 1, true, Activation.SiLU), new RPool(false, 2, 2, false), new RConv(4, 3, 2, false, Activation.GELUTanh), new RFlatten(), new RDense(4, Activation.Softmax),
        }, LossKind.SparseCategoricalCrossEntropy), true),
        new("ConvActivationLayers", s => new ConvActivationLayers(s), new ImageReference(new[] { 8, 6, 3 }, new RLayer[]
        {
            new RActivation(Activation.GELUTanh), new RConv(4, 3, 2, true, Activation.Linear), new RActivation(Activation.GELU), new RConv(3, 2, 1, false, Activation.Linear),
            new RActivation(Activation.Tanh), new RFlatten(), new RActivation(Activation.SiLU), new RDense(3, Activation.Linear),
        }, LossKind.MeanSquaredError), false),
        new("GlobalMaxCnn", s => new GlobalMaxCnn(s), new ImageReference(new[] { 7, 9, 2 }, new RLayer[]
        {
            new RConv(5, 3, 1, false, Activation.ReLU), new RGlobalPool(true), new RDense(3, Activation.Softmax),
        }, LossKind.SparseCategoricalCrossEntropy), true),
        new("GlobalAverageCnn", s => new GlobalAverageCnn(s), new ImageReference(new[] { 6, 5, 3 }, new RLayer[]
        {
            new RConv(4, 3, 1, true, Activation.Tanh), new RGlobalPool(false), new RDense(2, Activation.Softmax),
        }, LossKind.SparseCategoricalCrossEntropy), true),
        new("RawGlobalMaxNet", s => new RawGlobalMaxNet(s), new ImageReference(new[] { 3, 5, 17 }, new RLayer[]
        {
            new RGlobalPool(true), new RDense(4, Activation.GELU), new RDense(3, Activation.Linear),
        }, LossKind.MeanSquaredError), false),
        new("RawGlobalAverageNet", s => new RawGlobalAverageNet(s), new ImageReference(new[] { 4, 6, 3 }, new RLayer[]
        {
            new RGlobalPool(false), new RDense(5, Activation.Tanh), new RDense(2, Activation.Softmax),
        }, LossKind.SparseCategoricalCrossEntropy), true),
    };

    public static IEnumerable<object[]> Names() => Cases.Select(c => new object[] { c.Name });

    private static (float[] Inputs, int[]? Labels, float[]? Targets) Batch(ImageCase c, IModel model, int batch, int seed)
    {
        var random = new Random(seed);
        var inputs = new float[batch * model.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)(random.NextDouble() * 2 - 1);
        if (c.Labels) return (inputs, Enumerable.Range(0, batch).Select(_ => random.Next(model.OutputSize)).ToArray(), null);
        var targets = new float[batch * model.OutputSize];
        for (int i = 0; i < targets.Length; i++) targets[i] = (float)(random.NextDouble() * 2 - 1);
        return (inputs, null, targets);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_matches_the_scalar_reference(string name)
    {
        ImageCase c = Cases.Single(k => k.Name == name);
        ITrainableModel model = c.Create(3);
        NetCase.Randomize(model, 4, 0.4f);
        double[] p = model.Parameters.ToArray().Select(v => (double)v).ToArray();
        const int batch = 5;
        var (inputs, _, _) = Batch(c, model, batch, 5);
        var outputs = new float[batch * model.OutputSize];
        model.Predict(inputs, outputs, batch);
        double worst = 0;
        for (int r = 0; r < batch; r++)
        {
            var (_, expected) = c.Reference.Forward(p, inputs.AsSpan(r * model.InputSize, model.InputSize));
            for (int j = 0; j < expected.Length; j++) worst = Math.Max(worst, Math.Abs(outputs[r * model.OutputSize + j] - expected[j]));
        }
        Assert.True(worst <= 1e-5, $"max |generated − reference| = {worst:E3}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradients_match_central_differences_of_the_reference(string name)
    {
        ImageCase c = Cases.Single(k => k.Name == name);
        ITrainableModel model = c.Create(3);
        NetCase.Randomize(model, 6, 0.4f);
        double[] p = model.Parameters.ToArray().Select(v => (double)v).ToArray();
        foreach (int degree in new[] { 1, 2 })
        {
            var trainer = (IGradientTrainer)((dynamic)model).CreateTrainer(4, degree);
            foreach (int batch in new[] { 1, 3 })
            {
                var (inputs, labels, targets) = Batch(c, model, batch, 10 + batch);
                float loss = labels is not null ? trainer.ComputeGradients(inputs, labels) : trainer.ComputeGradients(inputs, targets);
                double refLoss = c.Reference.MeanLoss(p, inputs, labels, targets, batch);
                Assert.True(Math.Abs(loss - refLoss) <= 1e-4 * Math.Max(1, Math.Abs(refLoss)), $"loss {loss} vs {refLoss}");

                double[] expected = name == "MiniLeNet"
                    ? SampledGradient(c, p, inputs, labels, targets, batch)
                    : c.Reference.FiniteDifferenceGradient(p, inputs, labels, targets, batch);
                float[] actual = trainer.Gradients.ToArray();
                double scale = expected.Max(Math.Abs);
                double worst = 0;
                int at = -1;
                for (int i = 0; i < expected.Length; i++)
                {
                    if (double.IsNaN(expected[i])) continue;
                    double error = Math.Abs(actual[i] - expected[i]) / scale;
                    if (error > worst) { worst = error; at = i; }
                }
                Assert.True(worst <= 1e-3, $"degree {degree}, batch {batch}: parameter {at}: {actual[Math.Max(at, 0)]} vs {expected[Math.Max(at, 0)]} (max error / max |g| = {worst:E3})");
            }
            ((IDisposable)trainer).Dispose();
        }
    }

    /// <summary>
    /// Batches of several groups of 16 samples (the sample-lane convolutions' unit), the last one partial: the loss is
    /// the reference's and the gradient the mean of the single-sample gradients, on one worker and on two.
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void Gradients_of_a_batch_spanning_several_lane_groups_are_the_mean_of_single_sample_gradients(string name)
    {
        ImageCase c = Cases.Single(k => k.Name == name);
        ITrainableModel model = c.Create(5);
        NetCase.Randomize(model, 7, 0.4f);
        double[] p = model.Parameters.ToArray().Select(v => (double)v).ToArray();
        const int batch = 37;
        var (inputs, labels, targets) = Batch(c, model, batch, 99);
        var single = (IGradientTrainer)((dynamic)model).CreateTrainer(1, 1);
        var mean = new double[p.Length];
        for (int r = 0; r < batch; r++)
        {
            float[] x = inputs.AsSpan(r * model.InputSize, model.InputSize).ToArray();
            if (labels is not null) single.ComputeGradients(x, new[] { labels[r] });
            else single.ComputeGradients(x, targets!.AsSpan(r * model.OutputSize, model.OutputSize).ToArray());
            float[] g = single.Gradients.ToArray();
            for (int i = 0; i < mean.Length; i++) mean[i] += g[i] / batch;
        }
        ((IDisposable)single).Dispose();
        double scale = mean.Max(Math.Abs);
        foreach (int degree in new[] { 1, 2 })
        {
            var trainer = (IGradientTrainer)((dynamic)model).CreateTrainer(40, degree);
            float loss = labels is not null ? trainer.ComputeGradients(inputs, labels) : trainer.ComputeGradients(inputs, targets);
            double refLoss = c.Reference.MeanLoss(p, inputs, labels, targets, batch);
            Assert.True(Math.Abs(loss - refLoss) <= 1e-4 * Math.Max(1, Math.Abs(refLoss)), $"degree {degree}: loss {loss} vs {refLoss}");
            float[] actual = trainer.Gradients.ToArray();
            double worst = 0;
            for (int i = 0; i < mean.Length; i++) worst = Math.Max(worst, Math.Abs(actual[i] - mean[i]) / scale);
            Assert.True(worst <= 1e-5, $"degree {degree}: max |batch − mean of single| / max |g| = {worst:E3}");
            ((IDisposable)trainer).Dispose();
        }
    }

    /// <summary>
    /// The training forward pass (sample lanes for the convolutions that train in them) and inference (the padded grid,
    /// one sample at a time) compute the same outputs: the training loss equals the loss of Predict's outputs, tightly.
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void The_training_forward_pass_matches_inference(string name)
    {
        ImageCase c = Cases.Single(k => k.Name == name);
        ITrainableModel model = c.Create(8);
        NetCase.Randomize(model, 9, 0.4f);
        const int batch = 37;
        var (inputs, labels, targets) = Batch(c, model, batch, 123);
        var outputs = new float[batch * model.OutputSize];
        model.Predict(inputs, outputs, batch);
        double expected = 0;
        for (int r = 0; r < batch; r++)
        {
            for (int j = 0; j < model.OutputSize; j++)
            {
                double y = outputs[r * model.OutputSize + j];
                if (labels is not null) { if (j == labels[r]) expected -= Math.Log(y); }
                else { double e = y - targets![r * model.OutputSize + j]; expected += e * e / model.OutputSize; }
            }
        }
        expected /= batch;
        var trainer = (IGradientTrainer)((dynamic)model).CreateTrainer(batch, 1);
        float loss = labels is not null ? trainer.ComputeGradients(inputs, labels) : trainer.ComputeGradients(inputs, targets);
        ((IDisposable)trainer).Dispose();
        Assert.True(Math.Abs(loss - expected) <= 2e-6 * Math.Max(1, Math.Abs(expected)), $"training loss {loss} vs Predict's {expected}");
    }

    /// <summary>Central differences for a sample of parameters of every tensor (the full set is slow for the LeNet-sized net); NaN elsewhere.</summary>
    private static double[] SampledGradient(ImageCase c, double[] p, float[] inputs, int[]? labels, float[]? targets, int batch)
    {
        var g = Enumerable.Repeat(double.NaN, p.Length).ToArray();
        var random = new Random(1);
        // every bias and a random sample of weights
        var indices = Enumerable.Range(0, 150).Select(_ => random.Next(p.Length)).Concat(new[] { 150, 151, 152, 153, 154, 155, 2566, 2570, 2581 }).Distinct();
        foreach (int i in indices)
        {
            double saved = p[i], h = 1e-6;
            p[i] = saved + h; double up = c.Reference.MeanLoss(p, inputs, labels, targets, batch);
            p[i] = saved - h; double down = c.Reference.MeanLoss(p, inputs, labels, targets, batch);
            p[i] = saved;
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }

    [Fact]
    public void Training_reduces_the_loss_of_every_image_network()
    {
        foreach (ImageCase c in Cases)
        {
            ITrainableModel model = c.Create(1);
            using var trainer = (IDisposable)((dynamic)model).CreateTrainer(8, 1);
            var t = (IGradientTrainer)trainer;
            var (inputs, labels, targets) = Batch(c, model, 8, 3);
            float first = labels is not null ? t.TrainBatch(inputs, labels) : t.TrainBatch(inputs, targets!);
            float last = first;
            for (int i = 0; i < 150; i++) last = labels is not null ? t.TrainBatch(inputs, labels) : t.TrainBatch(inputs, targets!);
            Assert.True(last < first * 0.7, $"{c.Name}: loss {first} → {last}");
        }
    }

    [Fact]
    public void Image_networks_allocate_nothing_per_call()
    {
        var model = new MiniLeNet(0);
        using var trainer = model.CreateTrainer(32, 2);
        var random = new Random(2);
        var inputs = new float[32 * 784];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
        var labels = Enumerable.Range(0, 32).Select(i => i % 10).ToArray();
        var output = new float[10];
        var outputs = new float[32 * 10];
        for (int i = 0; i < 40; i++)
        {
            trainer.TrainBatch(inputs, labels);
            model.Predict(inputs.AsSpan(0, 784), output);
            model.Predict(inputs, outputs, 32);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) trainer.TrainBatch(inputs, labels);
        for (int i = 0; i < 100; i++) model.Predict(inputs.AsSpan(0, 784), output);
        for (int i = 0; i < 10; i++) model.Predict(inputs, outputs, 32);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Dropout_masks_are_reproducible_by_seed_scaled_and_off_at_inference()
    {
        var random = new Random(3);
        var inputs = new float[6 * 64];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
        var labels = new[] { 0, 1, 2, 0, 1, 2 };

        float[] Run(int seed, int degree)
        {
            var model = new DropoutNet(1);
            using var trainer = model.CreateTrainer(6, degree);
            trainer.Seed = seed;
            for (int i = 0; i < 5; i++) trainer.TrainBatch(inputs, labels);
            return model.Parameters.ToArray();
        }

        Assert.Equal(Run(7, 1), Run(7, 1));
        Assert.NotEqual(Run(7, 1), Run(8, 1));
        // masks depend on the seed, step and row only, so the degree of parallelism changes sums, not masks
        double worst = Run(7, 1).Zip(Run(7, 3), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-5, $"degree 1 vs 3: {worst}");

        // inference ignores dropout: Predict is deterministic and equals a forward pass with every mask 1
        var m = new DropoutNet(1);
        var o1 = new float[3];
        var o2 = new float[3];
        m.Predict(inputs.AsSpan(0, 64), o1);
        m.Predict(inputs.AsSpan(0, 64), o2);
        Assert.Equal(o1, o2);

        // in training, the loss differs from the no-dropout loss and the dropped fraction is near the rate
        var trainerModel = new DropoutNet(1);
        using var t = trainerModel.CreateTrainer(6, 1);
        float trainingLoss = t.ComputeGradients(inputs, labels);
        double inferenceLoss = 0;
        for (int r = 0; r < 6; r++)
        {
            var o = new float[3];
            trainerModel.Predict(inputs.AsSpan(r * 64, 64), o);
            inferenceLoss -= Math.Log(o[labels[r]]) / 6;
        }
        Assert.NotEqual(inferenceLoss, trainingLoss, 4);
    }
}
