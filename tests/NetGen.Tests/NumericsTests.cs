using NetGen;

namespace NetGen.Tests;

/// <summary>Generated forward, gradients and optimizer steps against the double-precision reference and finite differences.</summary>
public class NumericsTests
{
    [Theory]
    [MemberData(nameof(NetCase.Data), MemberType = typeof(NetCase))]
    public void Forward_matches_scalar_reference(string name)
    {
        NetCase c = NetCase.Get(name);
        ITrainableModel model = c.Create(1);
        NetCase.Randomize(model, 2);
        double[] p = model.Parameters.ToArray().Select(v => (double)v).ToArray();
        const int batch = 13;
        var (inputs, _, _) = c.Batch(batch, 3);
        var outputs = new float[batch * model.OutputSize];
        model.Predict(inputs, outputs, batch);
        var single = new float[model.OutputSize];
        double maxError = 0;
        for (int r = 0; r < batch; r++)
        {
            var (a, _) = c.Reference.Forward(p, inputs.AsSpan(r * model.InputSize, model.InputSize));
            model.Predict(inputs.AsSpan(r * model.InputSize, model.InputSize), single);
            for (int j = 0; j < model.OutputSize; j++)
            {
                maxError = Math.Max(maxError, Math.Abs(outputs[r * model.OutputSize + j] - a[^1][j]));
                Assert.Equal(outputs[r * model.OutputSize + j], single[j]); // batched and single paths agree exactly
            }
        }
        Assert.True(maxError <= 1e-5, $"max |generated − reference| = {maxError:E3}");
    }

    [Theory]
    [MemberData(nameof(NetCase.Data), MemberType = typeof(NetCase))]
    public void Reference_gradient_matches_central_finite_differences(string name)
    {
        // Validates the reference itself in double precision, so comparing against it checks the generated code.
        NetCase c = NetCase.Get(name);
        ITrainableModel model = c.Create(1);
        NetCase.Randomize(model, 4);
        double[] p = model.Parameters.ToArray().Select(v => (double)v).ToArray();
        const int batch = 5;
        foreach (bool labels in new[] { true, false })
        {
            var (inputs, l, t) = c.Batch(batch, 5, labels);
            double[] g = c.Reference.Gradient(p, inputs, l, t, batch);
            var random = new Random(6);
            int checks = Math.Min(p.Length, 60);
            double worst = 0;
            for (int n = 0; n < checks; n++)
            {
                int i = p.Length <= 60 ? n : random.Next(p.Length);
                double h = 1e-5, saved = p[i];
                p[i] = saved + h; double up = c.Reference.MeanLoss(p, inputs, l, t, batch);
                p[i] = saved - h; double down = c.Reference.MeanLoss(p, inputs, l, t, batch);
                p[i] = saved;
                double fd = (up - down) / (2 * h);
                double err = Math.Abs(fd - g[i]) / Math.Max(1e-6, Math.Abs(fd) + Math.Abs(g[i]));
                worst = Math.Max(worst, err);
            }
            Assert.True(worst <= 1e-3, $"max relative error {worst:E3}");
        }
    }

    [Theory]
    [MemberData(nameof(NetCase.Data), MemberType = typeof(NetCase))]
    public void Generated_gradients_match_reference_and_finite_differences(string name)
    {
        NetCase c = NetCase.Get(name);
        ITrainableModel model = c.Create(1);
        NetCase.Randomize(model, 7);
        IGradientTrainer trainer = model.CreateTrainer(16);
        float[] before = model.Parameters.ToArray();
        double[] p = before.Select(v => (double)v).ToArray();
        foreach (int batch in new[] { 1, 5, 16 })
        {
            foreach (bool labels in new[] { true, false })
            {
                var (inputs, l, t) = c.Batch(batch, 8 + batch, labels);
                float loss = l is not null ? trainer.ComputeGradients(inputs, l) : trainer.ComputeGradients(inputs, t);
                double refLoss = c.Reference.MeanLoss(p, inputs, l, t, batch);
                Assert.True(Math.Abs(loss - refLoss) <= 1e-4 * Math.Max(1, Math.Abs(refLoss)), $"loss {loss} vs reference {refLoss}");

                double[] g = c.Reference.Gradient(p, inputs, l, t, batch);
                ReadOnlySpan<float> generated = trainer.Gradients;
                double scale = g.Max(Math.Abs);
                double worst = 0;
                for (int i = 0; i < g.Length; i++)
                {
                    // relative to the gradient's overall scale: float accumulation noise is absolute, not relative
                    worst = Math.Max(worst, Math.Abs(generated[i] - g[i]) / Math.Max(scale, 1e-12));
                }
                Assert.True(worst <= 1e-3, $"batch {batch}, labels {l is not null}: max error / max |g| = {worst:E3}");

                // Central differences straight on the generated float loss, for the parameters with the largest gradients,
                // against the same differences of the double reference (so a step across a ReLU kink affects both alike).
                int[] largest = Enumerable.Range(0, g.Length).OrderByDescending(i => Math.Abs(g[i])).Take(8).ToArray();
                foreach (int i in largest)
                {
                    float saved = model.Parameters[i];
                    const float h = 1e-2f;
                    model.Parameters[i] = saved + h;
                    double up = l is not null ? trainer.ComputeGradients(inputs, l) : trainer.ComputeGradients(inputs, t);
                    double hUp = model.Parameters[i] - saved;
                    p[i] = model.Parameters[i];
                    double refUp = c.Reference.MeanLoss(p, inputs, l, t, batch);
                    model.Parameters[i] = saved - h;
                    double down = l is not null ? trainer.ComputeGradients(inputs, l) : trainer.ComputeGradients(inputs, t);
                    double hDown = saved - model.Parameters[i];
                    p[i] = model.Parameters[i];
                    double refDown = c.Reference.MeanLoss(p, inputs, l, t, batch);
                    model.Parameters[i] = saved;
                    p[i] = saved;
                    double fd = (up - down) / (hUp + hDown);
                    double refFd = (refUp - refDown) / (hUp + hDown);
                    Assert.True(Math.Abs(fd - refFd) <= 0.01 * Math.Abs(refFd) + 2e-4, $"parameter {i}: generated finite difference {fd} vs reference {refFd} (analytic {g[i]})");
                }
                if (l is not null) trainer.ComputeGradients(inputs, l); else trainer.ComputeGradients(inputs, t);
            }
        }
        Assert.Equal(before, model.Parameters.ToArray()); // ComputeGradients changes no parameter
    }

    [Fact]
    public void Adam_step_matches_textbook_formula()
    {
        var c = NetCase.Get("OddSparse"); // Adam with Keras defaults
        var model = c.Create(3);
        var trainer = model.CreateTrainer(8);
        int n = model.ParameterCount;
        double[] m = new double[n], v = new double[n];
        double[] p = model.Parameters.ToArray().Select(x => (double)x).ToArray();
        const double lr = 0.001, b1 = 0.9, b2 = 0.999, eps = 1e-7;
        for (int step = 1; step <= 3; step++)
        {
            var (inputs, labels, _) = c.Batch(8, 100 + step);
            trainer.ComputeGradients(inputs, labels!);
            float[] g = trainer.Gradients.ToArray();
            float[] before = model.Parameters.ToArray();
            trainer.ApplyGradients();
            float[] after = model.Parameters.ToArray();
            for (int i = 0; i < n; i++)
            {
                p[i] = before[i];
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                // Kingma & Ba's efficient form (Section 2): α_t = α·√(1−β2^t)/(1−β1^t), θ ← θ − α_t·m/(√v + ε̂)
                double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, step)) / (1 - Math.Pow(b1, step));
                double expected = p[i] - alpha * m[i] / (Math.Sqrt(v[i]) + eps);
                Assert.True(Math.Abs(after[i] - expected) <= 1e-6 + 1e-4 * Math.Abs(before[i] - expected), $"step {step}, parameter {i}: {after[i]} vs {expected}");
            }
        }
        Assert.Equal(3, trainer.Step);
    }

    /// <summary>
    /// On one worker, TrainBatch applies Adam's step to the first dense layer's weights inside the backward pass (the
    /// gradient is never stored); the arithmetic is the update kernel's, so every network gives the same bits as
    /// ComputeGradients followed by ApplyGradients: parameters, both moments and the step counter, over several steps.
    /// </summary>
    [Theory]
    [MemberData(nameof(NetCase.Data), MemberType = typeof(NetCase))]
    public void TrainBatch_gives_the_bits_of_ComputeGradients_then_ApplyGradients(string name)
    {
        var c = NetCase.Get(name);
        ITrainableModel fused = c.Create(4), separate = c.Create(4);
        var a = fused.CreateTrainer(16, 1);
        var b = separate.CreateTrainer(16, 1);
        for (int step = 1; step <= 3; step++)
        {
            var (inputs, labels, targets) = c.Batch(step == 3 ? 5 : 16, 40 + step);
            float lossA = labels is not null ? a.TrainBatch(inputs, labels) : a.TrainBatch(inputs, targets!);
            float lossB = labels is not null ? b.ComputeGradients(inputs, labels) : b.ComputeGradients(inputs, targets!);
            b.ApplyGradients();
            Assert.Equal(lossB, lossA);
            Assert.Equal(separate.Parameters.ToArray(), fused.Parameters.ToArray());
            Assert.Equal(b.OptimizerState.ToArray(), a.OptimizerState.ToArray());
            Assert.Equal(b.Step, a.Step);
        }
        ((IDisposable)a).Dispose();
        ((IDisposable)b).Dispose();
    }

    [Fact]
    public void TrainBatch_with_a_bad_label_changes_nothing_on_one_worker()
    {
        var c = NetCase.Get("FashionMlp");
        var model = c.Create(5);
        var trainer = model.CreateTrainer(8, 1);
        var (inputs, labels, _) = c.Batch(8, 9);
        trainer.TrainBatch(inputs, labels!);
        float[] parameters = model.Parameters.ToArray(), state = trainer.OptimizerState.ToArray();
        long step = trainer.Step;
        labels![3] = 10;
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainBatch(inputs, labels));
        Assert.Equal(step, trainer.Step);
        Assert.Equal(parameters, model.Parameters.ToArray());
        Assert.Equal(state, trainer.OptimizerState.ToArray());
        ((IDisposable)trainer).Dispose();
    }

    /// <summary>
    /// Optimizer state that decays where the gradient is 0 is flushed to 0 instead of turning subnormal (arithmetic on
    /// subnormal floats is slow on x86). Input feature 0 is 0 in every sample, so the first layer's weights from it (the
    /// first row of W [in, out]) get a zero gradient; their state starts just above the smallest normal float, where one
    /// decay step would make it subnormal. Adam on one worker (the fused step) and two (the update kernel), SGD with
    /// momentum on one; elsewhere the state must still match what it did before, and nothing in it may be subnormal.
    /// </summary>
    [Theory]
    [InlineData("FashionMlp", 64, 1)]
    [InlineData("FashionMlp", 64, 2)]
    [InlineData("CategoricalNet", 17, 1)]
    public void Decaying_optimizer_state_is_flushed_to_zero_not_left_subnormal(string name, int width, int workers)
    {
        var c = NetCase.Get(name);
        var model = c.Create(6);
        var trainer = model.CreateTrainer(8, workers);
        var (inputs, labels, targets) = c.Batch(8, 12, preferLabels: true);
        int inputSize = c.Reference.InputSize;
        for (int r = 0; r < 8; r++) inputs[r * inputSize] = 0f;
        int n = model.ParameterCount;
        bool adam = trainer.OptimizerState.Length == 2 * n;
        Span<float> state = trainer.OptimizerState;
        for (int j = 0; j < width; j++)
        {
            state[j] = j % 2 == 0 ? 1.25e-38f : -1.25e-38f; // × β1 (or momentum) 0.9 = ±1.125e-38 < 1.1755e-38
            if (adam) state[n + j] = 1.1760e-38f; // × β2 0.999 = 1.1748e-38
        }
        float[] firstRow = model.Parameters.Slice(0, width).ToArray();
        float loss = labels is not null ? trainer.TrainBatch(inputs, labels) : trainer.TrainBatch(inputs, targets!);
        Assert.True(float.IsFinite(loss));
        float[] after = trainer.OptimizerState.ToArray();
        for (int j = 0; j < width; j++)
        {
            Assert.Equal(0f, after[j]);
            if (adam) Assert.Equal(0f, after[n + j]);
        }
        Assert.Equal(firstRow, model.Parameters.Slice(0, width).ToArray()); // a zero moment moves nothing
        Assert.DoesNotContain(after, float.IsSubnormal);
        Assert.Contains(after.Skip(width).Take(n - width), x => x != 0f); // the rest of the state did move
        ((IDisposable)trainer).Dispose();
    }

    [Fact]
    public void Sgd_momentum_step_matches_textbook_formula()
    {
        var c = NetCase.Get("CategoricalNet"); // SGD lr 0.1, momentum 0.9
        var model = c.Create(3);
        var trainer = model.CreateTrainer(8);
        int n = model.ParameterCount;
        double[] velocity = new double[n];
        for (int step = 1; step <= 3; step++)
        {
            var (inputs, _, targets) = c.Batch(8, 200 + step, preferLabels: false);
            trainer.ComputeGradients(inputs, targets!);
            float[] g = trainer.Gradients.ToArray();
            float[] before = model.Parameters.ToArray();
            trainer.ApplyGradients();
            float[] after = model.Parameters.ToArray();
            for (int i = 0; i < n; i++)
            {
                velocity[i] = 0.9 * velocity[i] - 0.1 * g[i];
                double expected = before[i] + velocity[i];
                Assert.True(Math.Abs(after[i] - expected) <= 1e-6, $"step {step}, parameter {i}: {after[i]} vs {expected}");
            }
        }
    }

    [Fact]
    public void Plain_sgd_step_matches_formula()
    {
        var c = NetCase.Get("RegressionNet"); // SGD lr 0.01
        var model = c.Create(3);
        var trainer = model.CreateTrainer(8);
        var (inputs, _, targets) = c.Batch(8, 300, preferLabels: false);
        trainer.ComputeGradients(inputs, targets!);
        float[] g = trainer.Gradients.ToArray();
        float[] before = model.Parameters.ToArray();
        trainer.ApplyGradients();
        for (int i = 0; i < g.Length; i++)
        {
            Assert.Equal(before[i] - 0.01f * g[i], model.Parameters[i], 6);
        }
        Assert.Empty(trainer.OptimizerState.ToArray());
    }
}
