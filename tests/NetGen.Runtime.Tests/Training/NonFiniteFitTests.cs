using NetGen.Data;
using NetGen.Training;

namespace NetGen.Runtime.Tests.Training;

/// <summary>Issue 22, item 1: a NaN never disappears silently inside <c>Fit</c>.</summary>
public class NonFiniteFitTests
{
    private static Dataset BlobsWith(int sample, int feature, float value)
    {
        Dataset data = TestData.Blobs(60, seed: 3);
        float[] features = (float[])data.Features.Clone();
        features[sample * data.FeatureSize + feature] = value;
        return new Dataset(features, [2], data.Labels!.ToArray(), data.ClassNames);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void One_non_finite_feature_is_refused_before_training_naming_sample_and_feature(float bad)
    {
        // The issue: 3 epochs over data with one NaN feature raised nothing, and every weight it touched became NaN.
        var model = new SoftmaxRegression(2, 3);
        var trainer = new SgdTrainer(model, 32, 0.1f);
        float[] before = model.Parameters.ToArray();

        var ex = Assert.Throws<ArgumentException>(() => trainer.Fit(BlobsWith(41, 1, bad), new FitOptions { Epochs = 3 }));

        Assert.Equal("train", ex.ParamName);
        Assert.Contains("sample 41, feature 1", ex.Message);
        Assert.Contains(bad.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message);
        Assert.Equal(0, trainer.RecordedBatches); // refused before the first batch
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void Non_finite_validation_data_and_targets_are_refused_too()
    {
        var trainer = new SgdTrainer(new SoftmaxRegression(2, 3), 32, 0.1f);

        var validation = Assert.Throws<ArgumentException>(() => trainer.Fit(TestData.Blobs(30, seed: 1),
            new FitOptions { ValidationData = BlobsWith(7, 0, float.NaN) }));
        Assert.Contains("validation data", validation.Message);
        Assert.Contains("sample 7, feature 0", validation.Message);

        // The held-out tail of ValidationFraction is part of the training data, and checked with it.
        var tail = Assert.Throws<ArgumentException>(() => trainer.Fit(BlobsWith(59, 0, float.NaN),
            new FitOptions { ValidationFraction = 0.2 }));
        Assert.Contains("sample 59, feature 0", tail.Message);

        Dataset oneHot = TestData.OneHot(TestData.Blobs(30, seed: 1), 3);
        float[] targets = (float[])oneHot.Targets!.Clone();
        targets[5 * 3 + 2] = float.NaN;
        var target = Assert.Throws<ArgumentException>(() => trainer.Fit(new Dataset(oneHot.Features, [2], targets, 3)));
        Assert.Contains("sample 5, target 2", target.Message);
        Assert.Equal(0, trainer.RecordedBatches);
    }

    [Fact]
    public void A_parameter_that_turns_NaN_under_a_finite_loss_stops_training_at_the_end_of_its_epoch()
    {
        // The issue: a finite loss (2.226) while 64 weights were NaN. The scripted trainer returns finite losses and
        // sets parameter 1 to NaN during the second epoch (4 batches an epoch).
        float[][] logits = [[0f, 0f], [0f, float.NaN], [0f, 0f]];
        var trainer = new ScriptedTrainer(new ConstantModel(1, 2), 10, 4, [1.0, 0.9, 0.8], logits);
        var reported = new List<EpochResult>();

        var ex = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(TestData.Indexed(40), new FitOptions
        {
            Epochs = 3,
            BatchSize = 10,
            EpochProgress = new SynchronousProgress<EpochResult>(reported.Add),
        }));

        Assert.Equal(2, ex.Epoch);
        Assert.Equal(4, ex.Batch); // the epoch's last batch
        Assert.Equal(1, ex.ParameterIndex);
        Assert.True(float.IsNaN(ex.ParameterValue!.Value));
        Assert.Equal(0.9f, ex.Loss);
        Assert.Contains("epoch 2", ex.Message);
        Assert.Contains("tensor '0.bias', element 1", ex.Message);
        Assert.Single(reported); // the diverged epoch is never reported (so never checkpointed by a callback)
        Assert.Equal(8, trainer.RecordedBatches);
    }
}

/// <summary>Issue 22, item 4: Fit with Epochs = int.MaxValue (train until early stopping) does not pre-size its history.</summary>
public class UnboundedEpochsTests
{
    [Fact]
    public void Epochs_int_MaxValue_trains_until_early_stopping_without_OutOfMemoryException()
    {
        var trainer = new ScriptedTrainer(new ConstantModel(1, 2), 10, 1, [1.0, 0.5, 0.6, 0.7]);
        TrainingHistory history = trainer.Fit(TestData.Indexed(10), new FitOptions
        {
            Epochs = int.MaxValue,
            BatchSize = 10,
            EarlyStopping = new EarlyStoppingOptions(2),
        });
        Assert.True(history.StoppedEarly);
        Assert.Equal(4, history.Epochs.Count);
        Assert.Equal(int.MaxValue, history.Epochs[0].TotalEpochs);
    }
}
