using NetGen.Evaluation;

namespace NetGen.Runtime.Tests.Evaluation;

public class LossFunctionsTests
{
    private const int Digits = 12;

    [Fact]
    public void Sparse_categorical_cross_entropy_is_minus_log_of_the_label_probability()
    {
        float[] p = [0.7f, 0.2f, 0.1f];
        Assert.Equal(-Math.Log((double)0.7f), LossFunctions.SampleLoss(LossKind.SparseCategoricalCrossEntropy, p, 0), Digits);
        Assert.Equal(-Math.Log((double)0.1f), LossFunctions.SampleLoss(LossKind.SparseCategoricalCrossEntropy, p, 2), Digits);
        // Clipped at 1e-7 below and 1 above.
        float[] q = [1f, 0f];
        Assert.Equal(-Math.Log((double)1e-7f), LossFunctions.SampleLoss(LossKind.SparseCategoricalCrossEntropy, q, 1), Digits);
        Assert.Equal(16.11809565, LossFunctions.SampleLoss(LossKind.SparseCategoricalCrossEntropy, q, 1), 6);
        Assert.Equal(0.0, LossFunctions.SampleLoss(LossKind.SparseCategoricalCrossEntropy, q, 0), Digits);
        Assert.Throws<ArgumentOutOfRangeException>(() => LossFunctions.SampleLoss(LossKind.SparseCategoricalCrossEntropy, p, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => LossFunctions.SampleLoss(LossKind.SparseCategoricalCrossEntropy, p, -1));
    }

    [Fact]
    public void Categorical_cross_entropy_with_one_hot_or_soft_targets()
    {
        float[] p = [0.7f, 0.2f, 0.1f];
        Assert.Equal(-Math.Log((double)0.2f), LossFunctions.SampleLoss(LossKind.CategoricalCrossEntropy, p, [0f, 1f, 0f]), Digits);
        Assert.Equal(-Math.Log((double)0.2f), LossFunctions.SampleLoss(LossKind.CategoricalCrossEntropy, p, 1), Digits);
        double soft = -(0.5 * Math.Log((double)0.7f) + 0.5 * Math.Log((double)0.2f));
        Assert.Equal(soft, LossFunctions.SampleLoss(LossKind.CategoricalCrossEntropy, p, [0.5f, 0.5f, 0f]), Digits);
        // Float targets with the sparse loss are read as one-hot.
        Assert.Equal(-Math.Log((double)0.1f), LossFunctions.SampleLoss(LossKind.SparseCategoricalCrossEntropy, p, [0f, 0f, 1f]), Digits);
    }

    [Fact]
    public void Binary_cross_entropy_clips_to_epsilon_and_averages_over_outputs()
    {
        Assert.Equal(-Math.Log((double)0.8f), LossFunctions.SampleLoss(LossKind.BinaryCrossEntropy, [0.8f], [1f]), Digits);
        Assert.Equal(-Math.Log(1 - (double)0.8f), LossFunctions.SampleLoss(LossKind.BinaryCrossEntropy, [0.8f], [0f]), Digits);
        // p = 1 with target 0: 1 − clip(1) = 1 − (1 − 1e-7 in float32) = 2^-23.
        Assert.Equal(-Math.Log(Math.Pow(2, -23)), LossFunctions.SampleLoss(LossKind.BinaryCrossEntropy, [1f], [0f]), Digits);
        Assert.Equal(15.94238515, LossFunctions.SampleLoss(LossKind.BinaryCrossEntropy, [1f], [0f]), 6);
        Assert.Equal(-Math.Log((double)1e-7f), LossFunctions.SampleLoss(LossKind.BinaryCrossEntropy, [0f], [1f]), Digits);
        // A soft target mixes both terms.
        double mixed = -(0.3 * Math.Log((double)0.6f) + 0.7 * Math.Log(1 - (double)0.6f));
        Assert.Equal(mixed, LossFunctions.SampleLoss(LossKind.BinaryCrossEntropy, [0.6f], [0.3f]), 6);
        // Mean over outputs.
        double two = (-Math.Log((double)0.9f) - Math.Log(1 - (double)0.2f)) / 2;
        Assert.Equal(two, LossFunctions.SampleLoss(LossKind.BinaryCrossEntropy, [0.9f, 0.2f], [1f, 0f]), Digits);
    }

    [Fact]
    public void Binary_cross_entropy_with_labels()
    {
        // One output: the label is the target.
        Assert.Equal(-Math.Log((double)0.8f), LossFunctions.SampleLoss(LossKind.BinaryCrossEntropy, [0.8f], 1), Digits);
        Assert.Equal(-Math.Log(1 - (double)0.8f), LossFunctions.SampleLoss(LossKind.BinaryCrossEntropy, [0.8f], 0), Digits);
        Assert.Throws<ArgumentOutOfRangeException>(() => LossFunctions.SampleLoss(LossKind.BinaryCrossEntropy, [0.8f], 2));
        // Several outputs: one-hot.
        Assert.Equal(
            LossFunctions.SampleLoss(LossKind.BinaryCrossEntropy, [0.9f, 0.2f], [1f, 0f]),
            LossFunctions.SampleLoss(LossKind.BinaryCrossEntropy, [0.9f, 0.2f], 0), Digits);
    }

    [Fact]
    public void Mean_squared_error_is_the_mean_over_outputs_then_samples()
    {
        Assert.Equal((0.25 + 0 + 1) / 3, LossFunctions.SampleLoss(LossKind.MeanSquaredError, [1f, 2f, 3f], [1.5f, 2f, 2f]), Digits);
        double oneHot = (Sq(0.1f) + Sq(0.2f) + Sq(0.7f - 1)) / 3;
        Assert.Equal(oneHot, LossFunctions.SampleLoss(LossKind.MeanSquaredError, [0.1f, 0.2f, 0.7f], 2), Digits);
        Assert.Equal(Sq(0.25f - 1), LossFunctions.SampleLoss(LossKind.MeanSquaredError, [0.25f], 1), Digits);

        // Two samples of two outputs: ((1 + 4) / 2 + (0 + 9) / 2) / 2.
        Assert.Equal(3.5, LossFunctions.Mean(LossKind.MeanSquaredError, [1f, 2f, 3f, 4f], [0f, 0f, 3f, 1f], 2), Digits);
    }

    [Fact]
    public void Vectorized_mean_squared_error_matches_a_scalar_reference()
    {
        var random = new SeededRandom(11);
        const int Samples = 1_001, Outputs = 7; // not a multiple of any vector width
        var outputs = new float[Samples * Outputs];
        var targets = new float[Samples * Outputs];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = random.NextSingle() * 4 - 2;
            targets[i] = random.NextSingle();
        }
        double reference = 0;
        for (int s = 0; s < Samples; s++)
        {
            double row = 0;
            for (int j = 0; j < Outputs; j++) row += Sq(outputs[s * Outputs + j] - targets[s * Outputs + j]);
            reference += row / Outputs;
        }
        reference /= Samples;
        Assert.Equal(reference, LossFunctions.Mean(LossKind.MeanSquaredError, outputs, targets, Outputs), 1e-6 * reference);
    }

    [Fact]
    public void Batch_sums_and_means_add_the_samples()
    {
        float[] outputs = [0.7f, 0.2f, 0.1f, 0.3f, 0.3f, 0.4f];
        int[] labels = [0, 2];
        double expected = -Math.Log((double)0.7f) - Math.Log((double)0.4f);
        Assert.Equal(expected, LossFunctions.Sum(LossKind.SparseCategoricalCrossEntropy, outputs, labels, 3), Digits);
        Assert.Equal(expected / 2, LossFunctions.Mean(LossKind.SparseCategoricalCrossEntropy, outputs, labels, 3), Digits);
        Assert.Equal(expected / 2, LossFunctions.Mean(LossKind.CategoricalCrossEntropy, outputs, [1f, 0f, 0f, 0f, 0f, 1f], 3), Digits);
        Assert.Equal(expected / 2, LossFunctions.Mean(LossKind.CategoricalCrossEntropy, outputs, labels, 3), Digits);

        float[] sigmoid = [0.9f, 0.4f, 0.5f];
        double bce = (-Math.Log((double)0.9f) - Math.Log(1 - (double)0.4f) - Math.Log((double)0.5f)) / 3;
        Assert.Equal(bce, LossFunctions.Mean(LossKind.BinaryCrossEntropy, sigmoid, [1, 0, 1], 1), Digits);

        Assert.Throws<ArgumentException>(() => LossFunctions.Sum(LossKind.SparseCategoricalCrossEntropy, outputs, labels, 2));
        Assert.Throws<ArgumentException>(() => LossFunctions.Sum(LossKind.MeanSquaredError, outputs, new float[5], 3));
        Assert.Equal(0.0, LossFunctions.Mean(LossKind.SparseCategoricalCrossEntropy, ReadOnlySpan<float>.Empty, ReadOnlySpan<int>.Empty, 3));
    }

    private static double Sq(double x) => x * x;
}
