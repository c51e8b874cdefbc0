using NetGen;
using NetGen.Tests.Networks;
using Xunit.Abstractions;

namespace NetGen.Tests;

/// <summary>
/// Embedding, SimpleRNN, LSTM and GRU (last state and every step, stacked, masked) against the double-precision
/// <see cref="SequenceReference"/>: forward outputs, gradients through time against its central differences, token
/// validation, Keras's initialization, a task that needs memory, and allocation-free calls.
/// </summary>
public class SequenceLayerTests(ITestOutputHelper log)
{
    public sealed record SeqCase(string Name, Func<int, ITrainableModel> Create, SequenceReference Reference)
    {
        public override string ToString() => Name;

        /// <summary>The embedding's vocabulary (0 when the input is a float sequence).</summary>
        public int Vocabulary => Reference.Layers[0] is SEmbedding e ? e.Vocabulary : 0;

        public bool MaskZero => Reference.Layers[0] is SEmbedding { MaskZero: true };

        public bool Labels => Reference.Loss != LossKind.MeanSquaredError;
    }

    private static SequenceReference R(int[] shape, LossKind loss, params SLayer[] layers) => new(shape, layers, loss);

    private const LossKind Sparse = LossKind.SparseCategoricalCrossEntropy;

    public static readonly SeqCase[] Cases =
    {
        new("RnnTanhNet", s => new RnnTanhNet(s), R(new[] { 6, 3 }, Sparse, new SSimpleRnn(5), new SDense(3, Activation.Softmax))),
        new("RnnReluNet", s => new RnnReluNet(s), R(new[] { 4, 5 }, Sparse, new SSimpleRnn(7, Activation.ReLU), new SDense(4, Activation.Softmax))),
        new("LstmOneStepNet", s => new LstmOneStepNet(s), R(new[] { 1, 3 }, Sparse, new SLstm(5), new SDense(3, Activation.Softmax))),
        new("LstmTwoStepNet", s => new LstmTwoStepNet(s), R(new[] { 2, 4 }, Sparse, new SLstm(7), new SDense(2, Activation.Softmax))),
        new("LstmFiveStepNet", s => new LstmFiveStepNet(s), R(new[] { 5, 3 }, Sparse, new SLstm(5), new SDense(3, Activation.Softmax))),
        new("GruLastNet", s => new GruLastNet(s), R(new[] { 5, 3 }, Sparse, new SGru(7), new SDense(3, Activation.Softmax))),
        new("GruSequenceNet", s => new GruSequenceNet(s), R(new[] { 4, 3 }, Sparse, new SGru(5, true), new SFlatten(), new SDense(3, Activation.Softmax))),
        new("StackedLstmGruNet", s => new StackedLstmGruNet(s), R(new[] { 5, 2 }, Sparse, new SLstm(5, true), new SGru(7), new SDense(3, Activation.Softmax))),
        new("EmbeddingLstmNet", s => new EmbeddingLstmNet(s), R(new[] { 7 }, Sparse, new SEmbedding(11, 4), new SLstm(5), new SDense(3, Activation.Softmax))),
        new("MaskedEmbeddingLstmNet", s => new MaskedEmbeddingLstmNet(s), R(new[] { 7 }, Sparse, new SEmbedding(11, 4, true), new SLstm(5), new SDense(3, Activation.Softmax))),
        new("EmbeddingGruNet", s => new EmbeddingGruNet(s), R(new[] { 6 }, Sparse, new SEmbedding(9, 3), new SGru(5, true), new SFlatten(), new SDense(3, Activation.Softmax))),
        new("MaskedEmbeddingGruNet", s => new MaskedEmbeddingGruNet(s), R(new[] { 6 }, Sparse, new SEmbedding(9, 3, true), new SGru(5, true), new SFlatten(), new SDense(3, Activation.Softmax))),
        new("MaskedStackedNet", s => new MaskedStackedNet(s), R(new[] { 6 }, Sparse, new SEmbedding(8, 3, true), new SSimpleRnn(4, Activation.Tanh, true), new SGru(5), new SDense(2, Activation.Softmax))),
        new("MseLstmNet", s => new MseLstmNet(s), R(new[] { 4, 3 }, LossKind.MeanSquaredError, new SLstm(5), new SDense(2))),
        new("MseGruDropoutNet", s => new MseGruDropoutNet(s), R(new[] { 3, 2 }, LossKind.MeanSquaredError, new SGru(6), new SDropout(), new SDense(2, Activation.Tanh))),
        new("EmbeddingFlattenNet", s => new EmbeddingFlattenNet(s), R(new[] { 5 }, Sparse, new SEmbedding(7, 3), new SFlatten(), new SDense(3, Activation.Softmax))),
        new("MaskedDropoutNet", s => new MaskedDropoutNet(s), R(new[] { 6 }, Sparse, new SEmbedding(9, 4, true), new SDropout(), new SLstm(5, true), new SDropout(), new SGru(3), new SDense(2, Activation.Softmax))),
        new("RnnSigmoidSequenceNet", s => new RnnSigmoidSequenceNet(s), R(new[] { 3, 4 }, LossKind.MeanSquaredError, new SSimpleRnn(6, Activation.Sigmoid, true), new SFlatten(), new SDense(2, Activation.Sigmoid))),
        new("LongGruNet", s => new LongGruNet(s), R(new[] { 16, 2 }, Sparse, new SGru(3), new SDense(2, Activation.Softmax))),
        new("WideLstmNet", s => new WideLstmNet(s), R(new[] { 3, 5 }, Sparse, new SLstm(32), new SDense(3, Activation.Softmax))),
        new("WideGruRnnNet", s => new WideGruRnnNet(s), R(new[] { 4, 9 }, Sparse, new SGru(16, true), new SSimpleRnn(19), new SDense(3, Activation.Softmax))),
        new("SequenceGlobalMaxNet", s => new SequenceGlobalMaxNet(s), R(new[] { 6, 19 }, Sparse, new SGlobalPool(true), new SDense(3, Activation.Softmax))),
        new("LstmGlobalAverageNet", s => new LstmGlobalAverageNet(s), R(new[] { 5, 3 }, Sparse, new SLstm(7, true), new SGlobalPool(false), new SDense(3, Activation.Softmax))),
        new("EmbeddingGlobalMaxNet", s => new EmbeddingGlobalMaxNet(s), R(new[] { 7 }, Sparse, new SEmbedding(11, 9), new SGlobalPool(true), new SDense(3, Activation.Softmax))),
    };

    public static IEnumerable<object[]> Names() => Cases.Select(c => new object[] { c.Name });

    private static SeqCase Get(string name) => Cases.Single(c => c.Name == name);

    /// <summary>
    /// A batch: float sequences in [−1, 1], or token ids. With MaskZero, row r (shifted by the seed) has its zeros
    /// at the front, in the middle, at the end, everywhere (an all-padding sequence) or nowhere; without a mask,
    /// ids cover [0, V) including 0 and V − 1. Labels or targets as the loss takes them.
    /// </summary>
    private static (float[] Inputs, int[]? Labels, float[]? Targets) Batch(SeqCase c, int batch, int seed)
    {
        var random = new Random(seed);
        SequenceReference r = c.Reference;
        int steps = r.Steps, size = r.InputSize, v = c.Vocabulary;
        var inputs = new float[batch * size];
        for (int row = 0; row < batch; row++)
        {
            Span<float> x = inputs.AsSpan(row * size, size);
            if (v == 0)
            {
                for (int i = 0; i < size; i++) x[i] = (float)((random.NextDouble() * 2) - 1);
                continue;
            }
            if (!c.MaskZero)
            {
                for (int t = 0; t < steps; t++) x[t] = random.Next(v);
                if (row == 0)
                {
                    x[0] = 0;
                    x[steps - 1] = v - 1;
                }
                continue;
            }
            for (int t = 0; t < steps; t++) x[t] = 1 + random.Next(v - 1);
            int third = Math.Max(1, steps / 3);
            switch ((row + seed) % 5)
            {
                case 0: for (int t = 0; t < third; t++) x[t] = 0; break; // padding before
                case 1: for (int t = third; t < steps - third; t++) x[t] = 0; break; // in the middle
                case 2: for (int t = steps - third; t < steps; t++) x[t] = 0; break; // padding after
                case 3: x.Clear(); break; // all padding
                default: break; // no padding
            }
        }
        if (c.Labels) return (inputs, Enumerable.Range(0, batch).Select(_ => random.Next(r.OutputSize)).ToArray(), null);
        var targets = new float[batch * r.OutputSize];
        for (int i = 0; i < targets.Length; i++) targets[i] = (float)((random.NextDouble() * 2) - 1);
        return (inputs, null, targets);
    }

    /// <summary>Which tensor of the reference layout a parameter index falls in, for failure messages.</summary>
    private static string Describe(SeqCase c, int index)
    {
        foreach (STensor t in c.Reference.Tensors)
        {
            if (index >= t.Offset && index < t.Offset + t.Length)
            {
                int k = index - t.Offset;
                return $"parameter {index} = layer {t.Layer} {t.Name}[{k / t.Cols}, {k % t.Cols}] of [{t.Rows}, {t.Cols}]";
            }
        }
        return $"parameter {index} (outside the reference layout)";
    }

    [Fact]
    public void Every_case_is_listed_once()
    {
        Assert.Equal(Cases.Length, Cases.Select(c => c.Name).Distinct().Count());
        foreach (SeqCase c in Cases) Assert.Equal(c.Name, c.Create(0).GetType().Name);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Sizes_and_parameter_count_follow_the_layout(string name)
    {
        SeqCase c = Get(name);
        ITrainableModel model = c.Create(0);
        Assert.Equal(c.Reference.InputSize, model.InputSize);
        Assert.Equal(c.Reference.OutputSize, model.OutputSize);
        Assert.Equal(c.Reference.ParameterCount, model.ParameterCount);
        Assert.Equal(c.Reference.ParameterCount, model.Parameters.Length);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Parameter_blocks_follow_the_layout(string name)
    {
        // layer after layer; kernel [F, kU], recurrent kernel [U, kU], bias [kU] ([2, 3U] for GRU); embeddings [V, D]
        SeqCase c = Get(name);
        IReadOnlyList<ParameterBlock> blocks = c.Create(0).ParameterBlocks;
        IReadOnlyList<STensor> tensors = c.Reference.Tensors;
        Assert.Equal(tensors.Count, blocks.Count);
        for (int i = 0; i < tensors.Count; i++)
        {
            STensor t = tensors[i];
            int[] shape = t.Rows == 1 && t.Name is "bias" or "biases" ? new[] { t.Cols } : new[] { t.Rows, t.Cols };
            string what = $"{name} block {i} ({blocks[i].Name}): expected layer {t.Layer} {t.Name} at {t.Offset} shape [{string.Join(", ", shape)}]";
            Assert.True(blocks[i].Offset == t.Offset && blocks[i].Layer == t.Layer && blocks[i].Shape.SequenceEqual(shape), $"{what}, got layer {blocks[i].Layer} at {blocks[i].Offset} shape [{string.Join(", ", blocks[i].Shape)}]");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Predict_matches_the_reference_forward(string name)
    {
        SeqCase c = Get(name);
        ITrainableModel model = c.Create(3);
        NetCase.Randomize(model, 4, 0.4f);
        double[] p = model.Parameters.ToArray().Select(v => (double)v).ToArray();
        const int batch = 7;
        var (inputs, _, _) = Batch(c, batch, 5);
        int n = model.OutputSize, size = model.InputSize;
        var outputs = new float[batch * n];
        model.Predict(inputs, outputs, batch);
        var single = new float[n];
        double worstBatch = 0, worstSingle = 0;
        string where = "";
        for (int r = 0; r < batch; r++)
        {
            var (_, expected) = c.Reference.Forward(p, inputs.AsSpan(r * size, size));
            model.Predict(inputs.AsSpan(r * size, size), single);
            for (int j = 0; j < n; j++)
            {
                double scale = Math.Max(1, Math.Abs(expected[j]));
                double eb = Math.Abs(outputs[(r * n) + j] - expected[j]) / scale, es = Math.Abs(single[j] - expected[j]) / scale;
                if (Math.Max(eb, es) > Math.Max(worstBatch, worstSingle)) where = $"row {r} output {j}: batch {outputs[(r * n) + j]}, single {single[j]}, reference {expected[j]}";
                worstBatch = Math.Max(worstBatch, eb);
                worstSingle = Math.Max(worstSingle, es);
            }
        }
        log.WriteLine($"{name}: max error batch {worstBatch:E3}, single {worstSingle:E3}");
        for (int r = 0; r < batch; r++)
        {
            model.Predict(inputs.AsSpan(r * size, size), single);
            Assert.True(single.AsSpan().SequenceEqual(outputs.AsSpan(r * n, n)), $"{name}: row {r}: one-sample and batched Predict differ");
        }
        Assert.True(worstBatch <= 1e-5 && worstSingle <= 1e-5, $"{name}: max error batch {worstBatch:E3}, single {worstSingle:E3} ({where})");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradients_through_time_match_central_differences_of_the_reference(string name)
    {
        SeqCase c = Get(name);
        ITrainableModel model = c.Create(3);
        NetCase.Randomize(model, 6, 0.4f);
        float[] before = model.Parameters.ToArray();
        double[] p = before.Select(v => (double)v).ToArray();
        const int maxBatch = 5;
        IGradientTrainer[] trainers = { model.CreateTrainer(maxBatch, 1), model.CreateTrainer(maxBatch, 2) };
        try
        {
            // a full batch, then partial ones (3 rows and 1) smaller than the trainers' maximum
            foreach (int batch in new[] { maxBatch, 3, 1 })
            {
                var (inputs, labels, targets) = Batch(c, batch, 20 + batch);
                double refLoss = c.Reference.MeanLoss(p, inputs, labels, targets, batch);
                double[] expected = c.Reference.FiniteDifferenceGradient(p, inputs, labels, targets, batch);
                double scale = expected.Max(Math.Abs);
                Assert.True(scale > 0, "the reference gradient is zero");
                for (int k = 0; k < trainers.Length; k++)
                {
                    IGradientTrainer trainer = trainers[k];
                    float loss = labels is not null ? trainer.ComputeGradients(inputs, labels) : trainer.ComputeGradients(inputs, targets);
                    Assert.True(Math.Abs(loss - refLoss) <= 1e-4 * Math.Max(1, Math.Abs(refLoss)), $"{name}, degree {k + 1}, batch {batch}: loss {loss} vs reference {refLoss}");
                    float[] actual = trainer.Gradients.ToArray();
                    Assert.Equal(expected.Length, actual.Length);
                    double worst = 0;
                    int at = 0;
                    for (int i = 0; i < expected.Length; i++)
                    {
                        double error = Math.Abs(actual[i] - expected[i]) / scale;
                        if (error > worst)
                        {
                            worst = error;
                            at = i;
                        }
                    }
                    log.WriteLine($"{name}, degree {k + 1}, batch {batch}: loss {loss} vs {refLoss}; max error / max |g| = {worst:E3} at {Describe(c, at)}");
                    Assert.True(
                        worst <= 1e-4,
                        $"{name}, degree {k + 1}, batch {batch}: {Describe(c, at)}: generated {actual[at]} vs reference {expected[at]} (max error / max |g| = {worst:E3}, max |g| = {scale:E3})");
                }
            }
        }
        finally
        {
            foreach (IGradientTrainer t in trainers) (t as IDisposable)?.Dispose();
        }
        Assert.Equal(before, model.Parameters.ToArray()); // ComputeGradients changes no parameter
    }

    [Theory]
    [InlineData("MaskedStackedNet")]
    [InlineData("StackedLstmGruNet")]
    [InlineData("MseLstmNet")]
    public void A_partial_batch_trains_like_a_full_one_of_the_same_rows(string name)
    {
        SeqCase c = Get(name);
        var (inputs, labels, targets) = Batch(c, 5, 9);
        ITrainableModel a = c.Create(2), b = c.Create(2);
        IGradientTrainer ta = a.CreateTrainer(16), tb = b.CreateTrainer(5);
        for (int step = 0; step < 3; step++)
        {
            float la = labels is not null ? ta.TrainBatch(inputs, labels) : ta.TrainBatch(inputs, targets!);
            float lb = labels is not null ? tb.TrainBatch(inputs, labels) : tb.TrainBatch(inputs, targets!);
            Assert.Equal(lb, la);
        }
        Assert.Equal(b.Parameters.ToArray(), a.Parameters.ToArray());
        (ta as IDisposable)?.Dispose();
        (tb as IDisposable)?.Dispose();
    }

    [Theory]
    [InlineData("MaskedEmbeddingGruNet")]
    [InlineData("WideGruRnnNet")]
    public void Predict_is_thread_safe(string name)
    {
        SeqCase c = Get(name);
        ITrainableModel model = c.Create(4);
        const int rows = 40;
        var (inputs, _, _) = Batch(c, rows, 12);
        int size = model.InputSize, n = model.OutputSize;
        var expected = new float[rows * n];
        model.Predict(inputs, expected, rows);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            var output = new float[n];
            var outputs = new float[rows * n];
            for (int i = 0; i < 3000; i++)
            {
                int r = ((i * 7) + worker) % rows;
                model.Predict(inputs.AsSpan(r * size, size), output);
                if (!output.AsSpan().SequenceEqual(expected.AsSpan(r * n, n))) failures.Add($"worker {worker}, call {i}, row {r}");
                if (i % 300 == 0)
                {
                    model.Predict(inputs, outputs, rows);
                    if (!outputs.AsSpan().SequenceEqual(expected)) failures.Add($"worker {worker}, call {i}, batch");
                }
            }
        });
        Assert.True(failures.IsEmpty, string.Join("; ", failures.Take(5)));
    }

    [Fact]
    public void Wide_lstm_gradients_over_many_rows_and_steps_match_sampled_central_differences()
    {
        // 4U = 512 columns and a depth of batch × steps = 140 (or 70 per worker): weight-gradient products that the
        // generator splits into depth blocks; central differences for a sample of every tensor (the whole set is slow)
        var c = new SeqCase("BlockedLstmNet", s => new BlockedLstmNet(s), R(new[] { 10, 2 }, Sparse, new SLstm(128), new SDense(3, Activation.Softmax)));
        ITrainableModel model = c.Create(3);
        NetCase.Randomize(model, 6, 0.2f);
        double[] p = model.Parameters.ToArray().Select(v => (double)v).ToArray();
        const int batch = 14;
        var (inputs, labels, _) = Batch(c, batch, 31);
        var random = new Random(4);
        var indices = new List<int>();
        foreach (STensor t in c.Reference.Tensors)
        {
            int samples = Math.Min(t.Length, t.Name == "recurrent" ? 60 : 30);
            indices.AddRange(Enumerable.Range(0, samples).Select(_ => t.Offset + random.Next(t.Length)));
        }
        double[] expected = c.Reference.FiniteDifferenceGradient(p, inputs, labels, null, batch, indices.Distinct().ToArray());
        double refLoss = c.Reference.MeanLoss(p, inputs, labels, null, batch);
        double scale = expected.Where(g => !double.IsNaN(g)).Max(Math.Abs);
        foreach (int degree in new[] { 1, 2 })
        {
            IGradientTrainer trainer = model.CreateTrainer(16, degree);
            float loss = trainer.ComputeGradients(inputs, labels!);
            float[] actual = trainer.Gradients.ToArray();
            (trainer as IDisposable)?.Dispose();
            Assert.True(Math.Abs(loss - refLoss) <= 1e-4 * Math.Max(1, Math.Abs(refLoss)), $"degree {degree}: loss {loss} vs reference {refLoss}");
            double worst = 0;
            int at = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                if (double.IsNaN(expected[i])) continue;
                double error = Math.Abs(actual[i] - expected[i]) / scale;
                if (error > worst)
                {
                    worst = error;
                    at = i;
                }
            }
            log.WriteLine($"BlockedLstmNet, degree {degree}, batch {batch}: loss {loss} vs {refLoss}; max error / max |g| = {worst:E3} at {Describe(c, at)}");
            Assert.True(worst <= 1e-4, $"degree {degree}: {Describe(c, at)}: generated {actual[at]} vs reference {expected[at]} (max error / max |g| = {worst:E3}, max |g| = {scale:E3})");
        }
    }

    [Theory]
    [InlineData("MaskedEmbeddingLstmNet")]
    [InlineData("EmbeddingGruNet")]
    [InlineData("MaskedStackedNet")]
    public void Embedding_rejects_token_ids_outside_the_vocabulary_and_changes_nothing(string name)
    {
        SeqCase c = Get(name);
        ITrainableModel model = c.Create(1);
        IGradientTrainer one = model.CreateTrainer(4, 1), two = model.CreateTrainer(4, 2);
        try
        {
            float[] before = model.Parameters.ToArray();
            int steps = c.Reference.Steps, v = c.Vocabulary, n = model.OutputSize;
            var output = new float[n];
            var outputs = new float[4 * n];
            float[] bad = { -1f, v, v + 2.5f, 1e9f, 1.5f, 0.25f, v - 0.5f, -0.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity };
            foreach (float value in bad)
            {
                foreach (int position in new[] { 0, steps + 3, (4 * steps) - 1 })
                {
                    var (inputs, labels, _) = Batch(c, 4, 1);
                    inputs[position] = value;
                    int row = position / steps;
                    string what = $"{name}: id {value} at row {row}, step {position % steps}";
                    Assert.ThrowsAny<ArgumentException>(() => model.Predict(inputs.AsSpan(row * steps, steps), output));
                    Assert.ThrowsAny<ArgumentException>(() => model.Predict(inputs, outputs, 4));
                    Assert.ThrowsAny<ArgumentException>(() => model.Classify(inputs.AsSpan(row * steps, steps)));
                    foreach (IGradientTrainer trainer in new[] { one, two })
                    {
                        Assert.ThrowsAny<ArgumentException>(() => trainer.TrainBatch(inputs, labels!));
                        Assert.ThrowsAny<ArgumentException>(() => trainer.ComputeGradients(inputs, labels!));
                    }
                    Assert.True(before.AsSpan().SequenceEqual(model.Parameters), $"{what}: parameters changed");
                }
            }
            Assert.Equal(0, one.Step);
            Assert.Equal(0, two.Step);

            // the model and both trainers still work on valid ids, 0 and V − 1 included
            var (good, goodLabels, _) = Batch(c, 4, 2);
            good[0] = 0;
            good[1] = v - 1;
            model.Predict(good, outputs, 4);
            Assert.All(outputs, o => Assert.True(float.IsFinite(o)));
            Assert.True(float.IsFinite(one.TrainBatch(good, goodLabels!)));
            Assert.True(float.IsFinite(two.TrainBatch(good, goodLabels!)));
            Assert.Equal(1, one.Step);
            Assert.Equal(1, two.Step);
        }
        finally
        {
            (one as IDisposable)?.Dispose();
            (two as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void Initialization_is_keras_default_seeded()
    {
        // Embedding(50, 8) → LSTM(6, seq) → GRU(5, seq) → SimpleRNN(7) → Dense(2)
        SequenceReference r = R(new[] { 5 }, Sparse, new SEmbedding(50, 8), new SLstm(6, true), new SGru(5, true), new SSimpleRnn(7), new SDense(2, Activation.Softmax));
        var model = new RecurrentInitNet(5);
        float[] p = model.Parameters.ToArray();
        Assert.Equal(r.ParameterCount, p.Length);
        Assert.Equal(p, new RecurrentInitNet(5).Parameters.ToArray());
        Assert.NotEqual(p, new RecurrentInitNet(6).Parameters.ToArray());

        float[] Of(STensor t) => p.AsSpan(t.Offset, t.Length).ToArray();

        // embeddings uniform in [−0.05, 0.05], the range used
        float[] embeddings = Of(r.Tensor(0, "embeddings"));
        Assert.All(embeddings, e => Assert.InRange(e, -0.05f, 0.05f));
        Assert.True(embeddings.Max(Math.Abs) > 0.045f, $"max |embedding| {embeddings.Max(Math.Abs)}");
        Assert.InRange(embeddings.Average(), -0.01f, 0.01f);

        // LSTM bias: forget-gate block [U, 2U) is 1, the rest 0; GRU, SimpleRNN and Dense biases 0
        float[] lstmBias = Of(r.Tensor(1, "bias"));
        for (int j = 0; j < lstmBias.Length; j++) Assert.True(lstmBias[j] == (j >= 6 && j < 12 ? 1f : 0f), $"LSTM bias[{j}] = {lstmBias[j]}");
        Assert.All(Of(r.Tensor(2, "bias")), b => Assert.Equal(0f, b));
        Assert.All(Of(r.Tensor(3, "bias")), b => Assert.Equal(0f, b));
        Assert.All(Of(r.Tensor(4, "biases")), b => Assert.Equal(0f, b));

        // kernels Glorot-uniform with fan-in = rows and fan-out = columns
        foreach (STensor t in r.Tensors.Where(t => t.Name is "kernel" or "weights"))
        {
            float[] w = Of(t);
            float limit = MathF.Sqrt(6f / (t.Rows + t.Cols));
            Assert.All(w, x => Assert.InRange(x, -limit, limit));
            if (w.Length >= 30) Assert.True(w.Max(Math.Abs) > 0.7f * limit, $"layer {t.Layer} kernel: max |w| {w.Max(Math.Abs)} of limit {limit}");
        }

        // recurrent kernels [U, kU] orthogonal: orthonormal rows, R·Rᵀ = I (Keras's Orthogonal on that shape)
        foreach (STensor t in r.Tensors.Where(t => t.Name == "recurrent"))
        {
            float[] rec = Of(t);
            double worst = 0;
            for (int i = 0; i < t.Rows; i++)
            {
                for (int k = 0; k < t.Rows; k++)
                {
                    double dot = 0;
                    for (int j = 0; j < t.Cols; j++) dot += (double)rec[(i * t.Cols) + j] * rec[(k * t.Cols) + j];
                    worst = Math.Max(worst, Math.Abs(dot - (i == k ? 1 : 0)));
                }
            }
            Assert.True(worst < 1e-5, $"layer {t.Layer} recurrent kernel [{t.Rows}, {t.Cols}]: max |R·Rᵀ − I| = {worst:E3}");
        }
    }

    /// <summary>Length-10 sequences whose label is the sign of the first element (|x0| in [0.5, 1]), with uniform noise in [−1, 1] after it.</summary>
    private static (float[] X, int[] Y) MemoryData(int count, int seed)
    {
        var random = new Random(seed);
        var x = new float[count * 10];
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            y[i] = random.Next(2);
            x[i * 10] = (float)((y[i] == 1 ? 1 : -1) * (0.5 + (0.5 * random.NextDouble())));
            for (int t = 1; t < 10; t++) x[(i * 10) + t] = (float)((random.NextDouble() * 2) - 1);
        }
        return (x, y);
    }

    private static (float[] Parameters, double Accuracy, float LastLoss) TrainMemory(int seed, int steps)
    {
        const int batch = 32;
        var model = new MemoryLstmNet(seed);
        IGradientTrainer trainer = model.CreateTrainer(batch);
        var (x, y) = MemoryData(64 * batch, 100);
        float loss = 0;
        for (int step = 0; step < steps; step++)
        {
            int b = step % 64;
            loss = trainer.TrainBatch(x.AsSpan(b * batch * 10, batch * 10), y.AsSpan(b * batch, batch));
        }
        (trainer as IDisposable)?.Dispose();
        var (tx, ty) = MemoryData(1000, 200);
        int correct = 0;
        for (int i = 0; i < ty.Length; i++) correct += model.Classify(tx.AsSpan(i * 10, 10)) == ty[i] ? 1 : 0;
        return (model.Parameters.ToArray(), correct / (double)ty.Length, loss);
    }

    [Fact]
    public void Lstm_learns_a_task_that_needs_memory_reproducibly()
    {
        var (p1, accuracy, loss) = TrainMemory(seed: 1, steps: 300);
        log.WriteLine($"test accuracy {accuracy:F3} after 300 steps (last loss {loss})");
        Assert.True(accuracy >= 0.95, $"test accuracy {accuracy:F3} after 300 steps (last loss {loss})");
        var (p2, accuracy2, _) = TrainMemory(seed: 1, steps: 300);
        Assert.Equal(p1, p2);
        Assert.Equal(accuracy, accuracy2);
    }

    [Theory]
    [InlineData("WideGruRnnNet")]
    [InlineData("MaskedStackedNet")]
    [InlineData("StackedLstmGruNet")]
    [InlineData("LstmGlobalAverageNet")]
    public void Predict_and_TrainBatch_allocate_nothing_after_warm_up(string name)
    {
        SeqCase c = Get(name);
        ITrainableModel model = c.Create(0);
        const int batch = 8;
        IGradientTrainer trainer = model.CreateTrainer(batch);
        var (inputs, labels, _) = Batch(c, batch, 3);
        int size = model.InputSize, n = model.OutputSize;
        var output = new float[n];
        var outputs = new float[batch * n];
        // warm-up past tiered compilation's thresholds, as the other allocation tests
        for (int i = 0; i < 200; i++)
        {
            model.Predict(inputs.AsSpan(0, size), output);
            model.Predict(inputs, outputs, batch);
            trainer.TrainBatch(inputs, labels!);
            trainer.TrainBatch(inputs.AsSpan(0, 3 * size), labels!.AsSpan(0, 3));
            model.Classify(inputs.AsSpan(size, size));
        }

        long start = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 500; i++) model.Predict(inputs.AsSpan((i % batch) * size, size), output);
        long predictBytes = GC.GetAllocatedBytesForCurrentThread() - start;

        start = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) model.Predict(inputs, outputs, batch);
        long batchBytes = GC.GetAllocatedBytesForCurrentThread() - start;

        start = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) trainer.TrainBatch(inputs, labels!);
        for (int i = 0; i < 100; i++) trainer.TrainBatch(inputs.AsSpan(0, 3 * size), labels!.AsSpan(0, 3));
        long trainBytes = GC.GetAllocatedBytesForCurrentThread() - start;

        (trainer as IDisposable)?.Dispose();
        Assert.Equal(0, predictBytes);
        Assert.Equal(0, batchBytes);
        Assert.Equal(0, trainBytes);
    }
}
