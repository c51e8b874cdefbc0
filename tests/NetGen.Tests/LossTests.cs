using NetGen;
using NetGen.Data;
using NetGen.Evaluation;
using NetGen.Kernels;
using NetGen.Tests.Networks;
using NetGen.Training;

namespace NetGen.Tests;

/// <summary>
/// Mean absolute error, Huber and label smoothing beyond the gradient checks every <see cref="NetCase"/> gets in
/// <see cref="NumericsTests"/>: the runtime's double-precision losses agree with the trainers', Evaluate smooths labels
/// as Keras's evaluate does, the settings reach the model, and a training step allocates nothing.
/// </summary>
public class LossTests
{
    public static TheoryData<string> NewLossCases() =>
        new(["MaeNet", "MaeSigmoidNet", "HuberNet", "HuberLinearNet", "SmoothSparseNet", "SmoothSparseOddNet", "SmoothCategoricalNet"]);

    [Theory]
    [MemberData(nameof(NewLossCases))]
    public void Runtime_loss_functions_agree_with_the_trainers_loss(string name)
    {
        NetCase c = NetCase.Get(name);
        ITrainableModel model = c.Create(1);
        NetCase.Randomize(model, 21, 0.8f);
        IGradientTrainer trainer = model.CreateTrainer(16);
        int k = model.OutputSize;
        foreach (bool preferLabels in new[] { true, false })
        {
            var (inputs, labels, targets) = c.Batch(16, 22, preferLabels);
            float trained = labels is not null ? trainer.ComputeGradients(inputs, labels) : trainer.ComputeGradients(inputs, targets);
            var outputs = new float[16 * k];
            model.Predict(inputs, outputs, 16);
            double runtime = labels is not null
                ? LossFunctions.Mean(model.Loss, outputs, labels, k, model.HuberDelta, model.LabelSmoothing)
                : LossFunctions.Mean(model.Loss, outputs, targets, k, model.HuberDelta, model.LabelSmoothing);
            Assert.True(Math.Abs(trained - runtime) <= 1e-5 * Math.Max(1, Math.Abs(runtime)), $"labels {labels is not null}: trainer {trained:R}, LossFunctions {runtime:R}");

            // and the settings matter: without them the runtime's loss is another number
            if (model.LabelSmoothing != 0f || model.HuberDelta != 1f)
            {
                double plain = labels is not null ? LossFunctions.Mean(model.Loss, outputs, labels, k) : LossFunctions.Mean(model.Loss, outputs, targets, k);
                // (ten times the tolerance above: near-uniform softmax outputs make smoothing's effect small, not nil)
                Assert.True(Math.Abs(plain - trained) > 1e-4 * Math.Max(1, Math.Abs(runtime)), $"the loss without δ or ε ({plain:R}) is the trainer's ({trained:R})");
            }
        }
    }

    [Fact]
    public void Evaluate_reports_the_smoothed_loss_as_keras_evaluate_does()
    {
        var model = new SmoothSparseNet(3);
        NetCase.Randomize(model, 5, 0.8f);
        NetCase c = NetCase.Get(nameof(SmoothSparseNet));
        var (inputs, labels, _) = c.Batch(40, 6);
        EvaluationResult result = Evaluator.Evaluate(model, new Dataset(inputs, [SmoothSparseNet.InputSize], labels!));

        // by hand: −Σ_j s_j·log p_j with s = (1 − ε)·onehot + ε/K
        var outputs = new float[40 * 10];
        model.Predict(inputs, outputs, 40);
        double expected = 0;
        for (int r = 0; r < 40; r++)
            for (int j = 0; j < 10; j++)
                expected -= ((j == labels![r] ? 0.9 : 0) + 0.01) * Math.Log(outputs[r * 10 + j]);
        expected /= 40;
        Assert.Equal(expected, result.Loss, 5);

        float trained = model.CreateTrainer(40).ComputeGradients(inputs, labels!);
        Assert.True(Math.Abs(result.Loss - trained) <= 1e-5 * result.Loss, $"Evaluate {result.Loss:R}, trainer {trained:R}");
        double unsmoothed = LossFunctions.Mean(LossKind.SparseCategoricalCrossEntropy, outputs, labels!, 10);
        Assert.True(Math.Abs(unsmoothed - result.Loss) > 1e-3, $"unsmoothed {unsmoothed:R} vs Evaluate {result.Loss:R}");
    }

    [Fact]
    public void The_settings_reach_the_model_and_its_fingerprint()
    {
        Assert.Equal("Input(4) Dense(10,ReLU) Dense(3,Tanh) Loss(Huber,delta=0.5) Adam", HuberNet.Architecture);
        Assert.Equal("Input(3) Dense(12,GELU) Dense(2,Linear) Loss(Huber,delta=1) Sgd", HuberLinearNet.Architecture);
        Assert.Equal("Input(6) Dense(11,ReLU) Dense(10,Softmax) Loss(SparseCategoricalCrossEntropy,label_smoothing=0.1) Adam", SmoothSparseNet.Architecture);
        Assert.Equal("Input(4) Dense(9,Tanh) Dense(3,Linear) Loss(MeanAbsoluteError) Adam", MaeNet.Architecture);
        Assert.Equal(0.5f, ((IModel)new HuberNet(0)).HuberDelta);
        Assert.Equal(1f, ((IModel)new HuberLinearNet(0)).HuberDelta);
        Assert.Equal(0.2f, ((IModel)new SmoothCategoricalNet(0)).LabelSmoothing);
        Assert.Equal(0f, ((IModel)new FashionMlp(0)).LabelSmoothing);
        Assert.Equal(1f, ((IModel)new FashionMlp(0)).HuberDelta);
        Assert.False(new MaeNet(0).CreateTrainer(4).AcceptsLabels);
    }

    [Fact]
    public void The_huber_gradient_check_sees_differences_on_both_sides_of_delta()
    {
        // The batches NumericsTests checks HuberNet on (parameters from seed 7, batches 8 + batch): some |y − t| ≤ δ, some beyond.
        NetCase c = NetCase.Get(nameof(HuberNet));
        ITrainableModel model = c.Create(1);
        NetCase.Randomize(model, 7);
        int inside = 0, outside = 0;
        foreach (int batch in new[] { 5, 16 })
        {
            var (inputs, _, targets) = c.Batch(batch, 8 + batch, false);
            var outputs = new float[batch * model.OutputSize];
            model.Predict(inputs, outputs, batch);
            for (int i = 0; i < outputs.Length; i++)
            {
                if (Math.Abs(outputs[i] - targets![i]) <= 0.5) inside++;
                else outside++;
            }
        }
        Assert.True(inside >= 5 && outside >= 5, $"{inside} differences inside δ, {outside} beyond");
    }

    [Fact]
    public void Kernels_take_sign_of_zero_as_zero_and_clamp_huber_at_delta()
    {
        float[] y = [1f, 2f, 3f, 0.25f, -4f], t = [1f, 1f, 4f, 0f, 0f];
        var g = new float[5];
        float mae = LossKernels.AbsoluteError(y, t, g, 0.5f);
        Assert.Equal(0f + 1f + 1f + 0.25f + 4f, mae);
        Assert.Equal([0f, 0.5f, -0.5f, 0.5f, -0.5f], g);

        float huber = LossKernels.Huber(y, t, g, 1f, 2f);
        // d = 0, 1 (at δ: quadratic), −1, 0.25, −4 (linear: δ·(4 − ½δ))
        Assert.Equal(0f + 0.5f + 0.5f + 0.03125f + 3.5f, huber);
        Assert.Equal([0f, 2f, -2f, 0.5f, -2f], g);

        float nan = LossKernels.AbsoluteError([float.NaN], [0f], g, 1f);
        Assert.True(float.IsNaN(nan) && float.IsNaN(g[0]));
        nan = LossKernels.Huber([float.NaN], [0f], g, 1f, 1f);
        Assert.True(float.IsNaN(nan) && float.IsNaN(g[0])); // not an ordinary −δ
    }

    [Fact]
    public void Smoothing_the_label_path_equals_smoothing_its_one_hot_targets()
    {
        var logits = new float[] { 0.3f, -1.2f, 2.0f, 0.7f, -0.1f, 1.1f, 0.0f, -2.5f, 0.9f, 0.4f }; // 10: the in-register path
        foreach (int width in new[] { 10, 5 })
        {
            ReadOnlySpan<float> z = logits.AsSpan(0, width);
            var fromLabel = new float[width];
            var fromTargets = new float[width];
            var oneHot = new float[width];
            oneHot[2] = 1f;
            float a = LossKernels.SoftmaxCrossEntropy(z, 2, fromLabel, 0.25f, 0.1f);
            float b = LossKernels.SoftmaxCrossEntropy(z, oneHot, fromTargets, 0.25f, 0.1f);
            Assert.Equal(b, a, 5);
            for (int i = 0; i < width; i++) Assert.Equal(fromTargets[i], fromLabel[i], 6);
            // the gradient of a full target distribution sums to zero
            Assert.Equal(0f, fromLabel.Sum(), 6);
        }
    }

    [Theory]
    [MemberData(nameof(NewLossCases))]
    public void TrainBatch_allocates_nothing(string name)
    {
        NetCase c = NetCase.Get(name);
        ITrainableModel model = c.Create(1);
        IGradientTrainer trainer = model.CreateTrainer(32);
        var (inputs, labels, _) = c.Batch(32, 1);
        var (_, _, targets) = c.Batch(32, 2, preferLabels: false);
        void Step()
        {
            if (labels is not null) trainer.TrainBatch(inputs, labels);
            trainer.TrainBatch(inputs, targets!);
        }
        // past tiered compilation's thresholds, so the steady state is measured
        for (int i = 0; i < 200; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Fit_trains_a_huber_regression_and_its_validation_loss_is_Evaluates()
    {
        var random = new Random(3);
        int n = 256;
        var x = new float[n * 3];
        var y = new float[n * 2];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 3; j++) x[i * 3 + j] = random.NextSingle() * 2 - 1;
            y[i * 2] = 2 * x[i * 3] - x[i * 3 + 1] + (i % 17 == 0 ? 8 : 0); // a few outliers, where Huber is linear
            y[i * 2 + 1] = x[i * 3 + 2] * x[i * 3 + 1];
        }
        var data = new Dataset(x, [3], y, 2);
        var model = new HuberLinearNet(1);
        TrainingHistory history = model.CreateTrainer(16).Fit(data, new FitOptions { Epochs = 15, BatchSize = 16, Seed = 1, ValidationData = data });
        Assert.True(history.Epochs[^1].Loss < 0.6 * history.Epochs[0].Loss, $"loss {history.Epochs[0].Loss} → {history.Epochs[^1].Loss}");
        Assert.Equal(Evaluator.Evaluate(model, data).Loss, history.Epochs[^1].ValidationLoss!.Value, 9);
    }
}
