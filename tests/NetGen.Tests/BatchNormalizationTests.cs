using NetGen;
using NetGen.Serialization;
using NetGen.Tests.Networks;

namespace NetGen.Tests;

/// <summary>
/// Batch normalization against a double-precision reference of whole batches (training mode: every sample's gradient
/// flows through the batch's statistics) and its central differences; the moving statistics; the folded inference.
/// </summary>
public class BatchNormalizationTests
{
    // ---- a double-precision reference of small graphs over whole batches; images are (C, H, W) inside
    public abstract record BLayer(int Source = -1);
    public sealed record BConv(int Filters, int Kernel, bool Same, int Source = -1) : BLayer(Source);
    public sealed record BNorm(bool Center, bool Scale, double Epsilon, double Momentum, int Source = -1) : BLayer(Source);
    public sealed record BAct(Activation Act, int Source = -1) : BLayer(Source);
    public sealed record BFlatten(int Source = -1) : BLayer(Source);
    public sealed record BDense(int Units, Activation Act, int Source = -1) : BLayer(Source);
    public sealed record BAdd(int A, int B) : BLayer(A);

    public sealed class BatchReference(int[] inputShape, BLayer[] layers, LossKind loss)
    {
        public int InputSize => inputShape.Aggregate(1, (a, b) => a * b);

        /// <summary>Each node's values per sample, its shape ([C, H, W] or [n]), and each BN layer's batch mean and biased variance.</summary>
        public (double[][][] Nodes, List<(double[] Mean, double[] Variance, long N)> Stats) Forward(double[] p, float[] x, int batch, bool training)
        {
            var shapes = new List<int[]>();
            var nodes = new List<double[][]>();
            var stats = new List<(double[], double[], long)>();
            // input: (H, W, C) → (C, H, W)
            var input = new double[batch][];
            int[] shape;
            if (inputShape.Length == 3)
            {
                int h = inputShape[0], w = inputShape[1], c = inputShape[2];
                for (int s = 0; s < batch; s++)
                {
                    input[s] = new double[h * w * c];
                    for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) for (int k = 0; k < c; k++)
                        input[s][(k * h + i) * w + j] = x[s * InputSize + (i * w + j) * c + k];
                }
                shape = new[] { c, h, w };
            }
            else
            {
                for (int s = 0; s < batch; s++) input[s] = Enumerable.Range(0, InputSize).Select(i => (double)x[s * InputSize + i]).ToArray();
                shape = new[] { InputSize };
            }
            nodes.Add(input);
            shapes.Add(shape);
            int offset = 0;
            for (int l = 0; l < layers.Length; l++)
            {
                BLayer layer = layers[l];
                int source = layer.Source < 0 ? l : layer.Source;
                double[][] a = nodes[source];
                int[] sh = shapes[source];
                var y = new double[batch][];
                int[] outShape = sh;
                switch (layer)
                {
                    case BConv conv:
                    {
                        int c = sh[0], h = sh[1], w = sh[2], k = conv.Kernel, f = conv.Filters;
                        int pad = conv.Same ? (k - 1) / 2 : 0;
                        int oh = conv.Same ? h : h - k + 1, ow = conv.Same ? w : w - k + 1;
                        for (int s = 0; s < batch; s++)
                        {
                            y[s] = new double[f * oh * ow];
                            for (int o = 0; o < f; o++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++)
                            {
                                double sum = p[offset + f * c * k * k + o];
                                for (int ch = 0; ch < c; ch++) for (int u = 0; u < k; u++) for (int v = 0; v < k; v++)
                                {
                                    int r = i + u - pad, q = j + v - pad;
                                    if (r < 0 || r >= h || q < 0 || q >= w) continue;
                                    sum += p[offset + ((o * c + ch) * k + u) * k + v] * a[s][(ch * h + r) * w + q];
                                }
                                y[s][(o * oh + i) * ow + j] = sum;
                            }
                        }
                        offset += f * c * k * k + f;
                        outShape = new[] { f, oh, ow };
                        break;
                    }
                    case BNorm bn:
                    {
                        int channels = sh.Length == 3 ? sh[0] : sh[0];
                        int positions = sh.Length == 3 ? sh[1] * sh[2] : 1;
                        int gamma = bn.Scale ? offset : -1;
                        if (bn.Scale) offset += channels;
                        int beta = bn.Center ? offset : -1;
                        if (bn.Center) offset += channels;
                        int moving = offset;
                        offset += 2 * channels + 1;
                        var mean = new double[channels];
                        var variance = new double[channels];
                        long n = (long)batch * positions;
                        for (int ch = 0; ch < channels; ch++)
                        {
                            if (training)
                            {
                                double sum = 0;
                                for (int s = 0; s < batch; s++) for (int q = 0; q < positions; q++) sum += a[s][ch * positions + q];
                                mean[ch] = sum / n;
                                double squares = 0;
                                for (int s = 0; s < batch; s++) for (int q = 0; q < positions; q++) squares += Math.Pow(a[s][ch * positions + q] - mean[ch], 2);
                                variance[ch] = squares / n;
                            }
                            else
                            {
                                mean[ch] = p[moving + ch];
                                variance[ch] = p[moving + channels + ch];
                            }
                        }
                        stats.Add((mean, variance, n));
                        for (int s = 0; s < batch; s++)
                        {
                            y[s] = new double[a[s].Length];
                            for (int ch = 0; ch < channels; ch++) for (int q = 0; q < positions; q++)
                            {
                                double g = gamma < 0 ? 1 : p[gamma + ch], b = beta < 0 ? 0 : p[beta + ch];
                                y[s][ch * positions + q] = g * (a[s][ch * positions + q] - mean[ch]) / Math.Sqrt(variance[ch] + bn.Epsilon) + b;
                            }
                        }
                        break;
                    }
                    case BAct act:
                        for (int s = 0; s < batch; s++) y[s] = a[s].Select(v => Activate(act.Act, v)).ToArray();
                        break;
                    case BFlatten:
                        for (int s = 0; s < batch; s++) y[s] = (double[])a[s].Clone();
                        outShape = new[] { a[0].Length };
                        break;
                    case BAdd add:
                        for (int s = 0; s < batch; s++) y[s] = nodes[add.A][s].Zip(nodes[add.B][s], (u, v) => u + v).ToArray();
                        break;
                    case BDense dense:
                    {
                        int n = a[0].Length, m = dense.Units;
                        for (int s = 0; s < batch; s++)
                        {
                            y[s] = new double[m];
                            for (int j = 0; j < m; j++)
                            {
                                double sum = p[offset + n * m + j];
                                for (int i = 0; i < n; i++) sum += a[s][i] * p[offset + i * m + j];
                                y[s][j] = dense.Act == Activation.Softmax || l == layers.Length - 1 && loss != LossKind.MeanSquaredError ? sum : Activate(dense.Act, sum);
                            }
                        }
                        offset += n * m + m;
                        outShape = new[] { m };
                        break;
                    }
                }
                nodes.Add(y);
                shapes.Add(outShape);
            }
            return (nodes.ToArray(), stats);
        }

        private static double Activate(Activation act, double v) => act switch
        {
            Activation.ReLU => Math.Max(0, v),
            Activation.Tanh => Math.Tanh(v),
            Activation.SiLU => v / (1 + Math.Exp(-v)),
            _ => v,
        };

        /// <summary>The outputs (softmax applied) per sample.</summary>
        public double[][] Outputs(double[] p, float[] x, int batch, bool training)
        {
            double[][] last = Forward(p, x, batch, training).Nodes[^1];
            if (loss == LossKind.MeanSquaredError) return last;
            return last.Select(z =>
            {
                double max = z.Max();
                double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
                double sum = e.Sum();
                return e.Select(v => v / sum).ToArray();
            }).ToArray();
        }

        public double MeanLoss(double[] p, float[] x, int[]? labels, float[]? targets, int batch)
        {
            double[][] z = Forward(p, x, batch, training: true).Nodes[^1];
            double total = 0;
            for (int s = 0; s < batch; s++)
            {
                if (loss == LossKind.MeanSquaredError)
                {
                    int n = z[s].Length;
                    double e = 0;
                    for (int j = 0; j < n; j++) e += Math.Pow(z[s][j] - targets![s * n + j], 2);
                    total += e / n;
                }
                else
                {
                    double max = z[s].Max();
                    total += max + Math.Log(z[s].Sum(v => Math.Exp(v - max))) - z[s][labels![s]];
                }
            }
            return total / batch;
        }
    }

    public sealed record NormCase(string Name, Func<int, ITrainableModel> Create, BatchReference Reference, bool Labels)
    {
        public override string ToString() => Name;
    }

    public static readonly NormCase[] Cases =
    {
        new("ConvBatchNormNet", s => new ConvBatchNormNet(s), new BatchReference(new[] { 6, 5, 2 }, new BLayer[]
        {
            new BConv(3, 3, true), new BNorm(true, true, 1e-3, 0.99), new BAct(Activation.ReLU), new BFlatten(), new BDense(4, Activation.Softmax),
        }, LossKind.SparseCategoricalCrossEntropy), true),
        new("DenseBatchNormNet", s => new DenseBatchNormNet(s), new BatchReference(new[] { 7 }, new BLayer[]
        {
            new BDense(5, Activation.Tanh), new BNorm(true, true, 1e-5, 0.9), new BDense(6, Activation.Linear), new BNorm(false, true, 1e-3, 0.99),
            new BAct(Activation.SiLU), new BDense(3, Activation.Linear),
        }, LossKind.MeanSquaredError), false),
        new("InputBatchNormNet", s => new InputBatchNormNet(s), new BatchReference(new[] { 4, 5, 3 }, new BLayer[]
        {
            new BNorm(true, false, 1e-3, 0.99), new BConv(2, 3, false), new BAct(Activation.ReLU), new BFlatten(), new BDense(3, Activation.Softmax),
        }, LossKind.SparseCategoricalCrossEntropy), true),
        new("ResidualBatchNormNet", s => new ResidualBatchNormNet(s), new BatchReference(new[] { 5, 5, 2 }, new BLayer[]
        {
            new BConv(2, 3, true), new BConv(2, 3, true), new BNorm(true, true, 1e-3, 0.99), new BAct(Activation.ReLU), new BConv(2, 3, true),
            new BNorm(true, true, 1e-3, 0.99), new BAdd(1, 6), new BAct(Activation.ReLU), new BFlatten(), new BDense(3, Activation.Softmax),
        }, LossKind.SparseCategoricalCrossEntropy), true),
    };

    public static IEnumerable<object[]> Names() => Cases.Select(c => new object[] { c.Name });

    /// <summary>Random weights, moving means in [−0.5, 0.5], moving variances in [0.5, 1.5], batch counts 3.</summary>
    private static void Randomize(IModel model, int seed)
    {
        var random = new Random(seed);
        Span<float> p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (float)(random.NextDouble() - 0.5);
        foreach (ParameterBlock block in model.ParameterBlocks)
        {
            Span<float> values = p.Slice(block.Offset, block.Length);
            if (block.Kind == "bn.moving_variance") for (int i = 0; i < values.Length; i++) values[i] = (float)(0.5 + random.NextDouble());
            if (block.Kind == "bn.batch_count") values.Fill(3f);
            if (block.Kind == "bn.gamma") for (int i = 0; i < values.Length; i++) values[i] = (float)(0.6 + random.NextDouble());
        }
    }

    private static (float[] Inputs, int[]? Labels, float[]? Targets) Batch(NormCase c, IModel model, int batch, int seed)
    {
        var random = new Random(seed);
        var inputs = new float[batch * model.InputSize];
        // an offset and a scale per input value, so the statistics are far from 0 and 1
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)(random.NextDouble() * 3 - 0.5);
        if (c.Labels) return (inputs, Enumerable.Range(0, batch).Select(_ => random.Next(model.OutputSize)).ToArray(), null);
        var targets = new float[batch * model.OutputSize];
        for (int i = 0; i < targets.Length; i++) targets[i] = (float)(random.NextDouble() * 2 - 1);
        return (inputs, null, targets);
    }

    private static IGradientTrainer Trainer(ITrainableModel model, int batch, int degree) => model.CreateTrainer(batch, degree);

    [Theory]
    [MemberData(nameof(Names))]
    public void Training_gradients_match_central_differences_through_the_batch_statistics(string name)
    {
        NormCase c = Cases.Single(k => k.Name == name);
        ITrainableModel model = c.Create(1);
        Randomize(model, 4);
        foreach (int batch in new[] { 2, 5 })
        {
            double[] p = model.Parameters.ToArray().Select(v => (double)v).ToArray();
            var trainer = Trainer(model, 8, 2);
            var (inputs, labels, targets) = Batch(c, model, batch, 20 + batch);
            float loss = labels is not null ? trainer.ComputeGradients(inputs, labels) : trainer.ComputeGradients(inputs, targets!);
            double refLoss = c.Reference.MeanLoss(p, inputs, labels, targets, batch);
            Assert.True(Math.Abs(loss - refLoss) <= 1e-4 * Math.Max(1, Math.Abs(refLoss)), $"batch {batch}: loss {loss} vs {refLoss}");
            float[] actual = trainer.Gradients.ToArray();
            var expected = new double[p.Length];
            for (int i = 0; i < p.Length; i++)
            {
                double saved = p[i], h = 1e-6;
                p[i] = saved + h; double up = c.Reference.MeanLoss(p, inputs, labels, targets, batch);
                p[i] = saved - h; double down = c.Reference.MeanLoss(p, inputs, labels, targets, batch);
                p[i] = saved;
                expected[i] = (up - down) / (2 * h);
            }
            double scale = expected.Max(Math.Abs);
            double worst = 0;
            int at = 0;
            for (int i = 0; i < p.Length; i++)
            {
                double error = Math.Abs(actual[i] - expected[i]) / scale;
                if (error > worst) { worst = error; at = i; }
            }
            Assert.True(worst <= 1e-3, $"batch {batch}: parameter {at}: {actual[at]} vs {expected[at]} (max error / max |g| = {worst:E3})");
            // the moving statistics and batch counts take no gradient
            foreach (ParameterBlock block in model.ParameterBlocks.Where(b => !b.Trainable))
                Assert.All(actual.AsSpan(block.Offset, block.Length).ToArray(), g => Assert.Equal(0f, g));
            ((IDisposable)trainer).Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_training_pass_moves_the_moving_statistics_as_PyTorch_does(string name)
    {
        NormCase c = Cases.Single(k => k.Name == name);
        ITrainableModel model = c.Create(2);
        Randomize(model, 5);
        double[] p = model.Parameters.ToArray().Select(v => (double)v).ToArray();
        const int batch = 6;
        var (inputs, labels, targets) = Batch(c, model, batch, 7);
        var stats = c.Reference.Forward(p, inputs, batch, training: true).Stats;
        using (var trainer = (IDisposable)Trainer(model, batch, 1))
        {
            var t = (IGradientTrainer)trainer;
            if (labels is not null) t.ComputeGradients(inputs, labels);
            else t.ComputeGradients(inputs, targets!);
        }
        var means = model.ParameterBlocks.Where(b => b.Kind == "bn.moving_mean").ToArray();
        var variances = model.ParameterBlocks.Where(b => b.Kind == "bn.moving_variance").ToArray();
        var counts = model.ParameterBlocks.Where(b => b.Kind == "bn.batch_count").ToArray();
        double[] momentum = MomentumOf(name);
        Assert.Equal(stats.Count, means.Length);
        ReadOnlySpan<float> after = model.Parameters;
        for (int k = 0; k < stats.Count; k++)
        {
            var (mean, variance, n) = stats[k];
            for (int ch = 0; ch < mean.Length; ch++)
            {
                double m = momentum[k];
                double expectedMean = p[means[k].Offset + ch] * m + mean[ch] * (1 - m);
                double expectedVariance = p[variances[k].Offset + ch] * m + variance[ch] * n / (n - 1) * (1 - m);
                Assert.True(Math.Abs(after[means[k].Offset + ch] - expectedMean) <= 1e-5, $"layer {k} channel {ch}: moving mean {after[means[k].Offset + ch]} vs {expectedMean}");
                Assert.True(Math.Abs(after[variances[k].Offset + ch] - expectedVariance) <= 1e-5, $"layer {k} channel {ch}: moving variance {after[variances[k].Offset + ch]} vs {expectedVariance}");
            }
            Assert.Equal(4f, after[counts[k].Offset]);
        }
    }

    private static double[] MomentumOf(string name) => name switch
    {
        "DenseBatchNormNet" => [0.9, 0.99],
        "ResidualBatchNormNet" => [0.99, 0.99],
        _ => [0.99],
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Inference_with_the_folded_moving_statistics_matches_the_reference(string name)
    {
        NormCase c = Cases.Single(k => k.Name == name);
        ITrainableModel model = c.Create(3);
        Randomize(model, 6);
        const int batch = 7;
        var (inputs, _, _) = Batch(c, model, batch, 8);
        AssertPredicts(c, model, inputs, batch);

        // writing through Parameters marks the folded copy stale: the next Predict folds again
        Randomize(model, 9);
        AssertPredicts(c, model, inputs, batch);
    }

    private static void AssertPredicts(NormCase c, IModel model, float[] inputs, int batch)
    {
        double[] p = model.Parameters.ToArray().Select(v => (double)v).ToArray();
        double[][] expected = c.Reference.Outputs(p, inputs, batch, training: false);
        var outputs = new float[batch * model.OutputSize];
        model.Predict(inputs, outputs, batch);
        var single = new float[model.OutputSize];
        for (int s = 0; s < batch; s++)
        {
            model.Predict(inputs.AsSpan(s * model.InputSize, model.InputSize), single);
            for (int j = 0; j < model.OutputSize; j++)
            {
                double e = expected[s][j];
                Assert.True(Math.Abs(outputs[s * model.OutputSize + j] - e) <= 1e-5 * Math.Max(1, Math.Abs(e)), $"sample {s} output {j}: {outputs[s * model.OutputSize + j]} vs {e}");
                Assert.Equal(outputs[s * model.OutputSize + j], single[j]);
            }
        }
    }

    [Fact]
    public void Training_steps_refold_before_the_next_prediction_and_converge()
    {
        NormCase c = Cases[0];
        var model = new ConvBatchNormNet(0);
        using var trainer = model.CreateTrainer(16);
        var (inputs, labels, _) = Batch(c, model, 16, 11);
        float first = trainer.TrainBatch(inputs, labels!);
        float last = first;
        var outputs = new float[16 * ConvBatchNormNet.OutputSize];
        for (int i = 0; i < 200; i++)
        {
            last = trainer.TrainBatch(inputs, labels!);
            if (i % 50 == 0)
            {
                model.Predict(inputs, outputs, 16);
                double[] p = model.Parameters.ToArray().Select(v => (double)v).ToArray();
                double[][] expected = c.Reference.Outputs(p, inputs, 16, training: false);
                const int n = ConvBatchNormNet.OutputSize;
                for (int s = 0; s < 16; s++)
                    for (int j = 0; j < n; j++)
                        Assert.True(Math.Abs(outputs[s * n + j] - expected[s][j]) <= 1e-5, $"step {i}: sample {s} output {j}: {outputs[s * n + j]} vs {expected[s][j]}");
            }
        }
        Assert.True(last < first * 0.3, $"loss {first} → {last}");
        Assert.Equal(1, trainer.DegreeOfParallelism);
        Assert.Equal(201f, model.BatchNorm2BatchCount[0]);
    }

    [Fact]
    public void A_network_with_batch_normalization_trains_on_one_worker_whatever_the_degree_asked_for()
    {
        var model = new ResidualBatchNormNet(0);
        using var trainer = model.CreateTrainer(8, 2);
        Assert.Equal(1, trainer.DegreeOfParallelism);
    }

    [Fact]
    public void Model_files_keep_the_moving_statistics()
    {
        var model = new ResidualBatchNormNet(1);
        Randomize(model, 12);
        using var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        stream.Position = 0;
        var loaded = new ResidualBatchNormNet(2);
        ModelFile.Load(loaded, stream);
        Assert.Equal(model.Parameters.ToArray(), loaded.Parameters.ToArray());
        var input = Enumerable.Range(0, 50).Select(i => (float)Math.Sin(i)).ToArray();
        var a = new float[3];
        var b = new float[3];
        model.Predict(input, a);
        loaded.Predict(input, b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Batch_normalization_allocates_nothing_per_call()
    {
        var model = new ResidualBatchNormNet(0);
        using var trainer = model.CreateTrainer(16);
        var (inputs, labels, _) = Batch(Cases[3], model, 16, 3);
        var output = new float[3];
        var outputs = new float[16 * 3];
        for (int i = 0; i < 20; i++)
        {
            trainer.TrainBatch(inputs, labels!);
            model.Predict(inputs.AsSpan(0, 50), output);
            model.Predict(inputs, outputs, 16);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            trainer.TrainBatch(inputs, labels!);
            model.Predict(inputs.AsSpan(0, 50), output);
            model.Predict(inputs, outputs, 16);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Moving_statistics_are_state_that_no_optimizer_step_changes()
    {
        var model = new DenseBatchNormNet(0);
        Randomize(model, 2);
        using var trainer = model.CreateTrainer(4);
        var (inputs, _, targets) = Batch(Cases[1], model, 4, 2);
        trainer.ComputeGradients(inputs, targets!);
        float[] before = model.Parameters.ToArray();
        trainer.ApplyGradients();
        float[] after = model.Parameters.ToArray();
        int changedTrainable = 0;
        foreach (ParameterBlock block in ((IModel)model).ParameterBlocks)
        {
            bool changed = !before.AsSpan(block.Offset, block.Length).SequenceEqual(after.AsSpan(block.Offset, block.Length));
            // (a bias right before batch normalization has a zero gradient: the mean subtracts it)
            if (block.Trainable) changedTrainable += changed ? 1 : 0;
            else Assert.False(changed, $"{block.Name} ({block.Kind}) is state but the optimizer step changed it");
        }
        Assert.True(changedTrainable >= 6, $"only {changedTrainable} trainable tensors changed");
    }
}
