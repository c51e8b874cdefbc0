using NetGen.Data;
using NetGen.Evaluation;
using NetGen.Training;

namespace NetGen.Runtime.Tests.Training;

public class FitterTests
{
    private static (SoftmaxRegression Model, SgdTrainer Trainer) NewSoftmax(int maxBatch = 64, float learningRate = 0.1f)
    {
        var model = new SoftmaxRegression(2, 3);
        return (model, new SgdTrainer(model, maxBatch, learningRate));
    }

    [Fact]
    public void Softmax_regression_converges_on_separable_blobs()
    {
        Dataset train = TestData.Blobs(600, seed: 1), test = TestData.Blobs(300, seed: 2);
        var (model, trainer) = NewSoftmax();

        TrainingHistory history = trainer.Fit(train, new FitOptions { Epochs = 8, BatchSize = 32, Seed = 7, ValidationData = test });

        Assert.Equal(8, history.Epochs.Count);
        EpochResult first = history.Epochs[0], last = history.Epochs[^1];
        Assert.True(last.Loss < first.Loss / 2, $"loss went from {first.Loss} to {last.Loss}");
        Assert.True(last.Accuracy >= 0.95, $"train accuracy {last.Accuracy}");
        Assert.True(last.ValidationAccuracy >= 0.95, $"validation accuracy {last.ValidationAccuracy}");

        EvaluationResult evaluation = Evaluator.Evaluate(model, test);
        Assert.True(evaluation.Accuracy >= 0.95, evaluation.ToString());
        // The validation in the history is the same computation as Evaluate, on the final weights.
        Assert.Equal(evaluation.Loss, last.ValidationLoss!.Value, 12);
        Assert.Equal(evaluation.Accuracy, last.ValidationAccuracy);
        Assert.Equal(8 * 19, trainer.Step);
    }

    [Fact]
    public void Float_targets_train_through_the_target_overload()
    {
        Dataset labelled = TestData.Blobs(300, seed: 3);
        Dataset train = TestData.OneHot(labelled, 3);
        var model = new SoftmaxRegression(2, 3, LossKind.CategoricalCrossEntropy);
        var trainer = new SgdTrainer(model, 32, 0.1f);

        TrainingHistory history = trainer.Fit(train, new FitOptions { Epochs = 5, BatchSize = 32 });

        Assert.Equal(0, trainer.LabelCalls);
        Assert.Equal(5 * 10, trainer.TargetCalls);
        Assert.True(history.Epochs[^1].Accuracy >= 0.95, history.ToString());
        Assert.True(Evaluator.Evaluate(model, labelled).Accuracy >= 0.95);
    }

    [Fact]
    public void Labels_become_one_hot_targets_for_a_trainer_that_takes_no_labels()
    {
        Dataset train = TestData.Blobs(300, seed: 4);
        var model = new SoftmaxRegression(2, 3);
        var trainer = new SgdTrainer(model, 32, 0.1f) { AcceptsLabels = false };

        TrainingHistory history = trainer.Fit(train, new FitOptions { Epochs = 5, BatchSize = 32 });

        Assert.Equal(0, trainer.LabelCalls);
        Assert.Equal(50, trainer.TargetCalls);
        Assert.True(history.Epochs[^1].Accuracy >= 0.95, history.ToString());
    }

    [Fact]
    public void History_has_one_entry_per_epoch_from_the_initial_epoch()
    {
        Dataset train = TestData.Blobs(100, seed: 5);
        var (_, trainer) = NewSoftmax();

        TrainingHistory history = trainer.Fit(train, new FitOptions { Epochs = 5, BatchSize = 32 });
        Assert.Equal([0, 1, 2, 3, 4], history.Epochs.Select(e => e.Epoch));
        Assert.All(history.Epochs, e =>
        {
            Assert.Equal(4, e.Batches);
            Assert.Equal(100, e.Samples);
            Assert.Equal(5, e.TotalEpochs);
            Assert.Null(e.ValidationLoss);
            Assert.Null(e.ValidationAccuracy);
            Assert.NotNull(e.Accuracy);
            Assert.True(e.Seconds >= 0);
        });
        Assert.Equal(100, history.TrainSamples);
        Assert.Equal(0, history.ValidationSamples);
        Assert.False(history.StoppedEarly);
        Assert.Null(history.Monitor);

        TrainingHistory resumed = trainer.Fit(train, new FitOptions { Epochs = 8, InitialEpoch = 5, BatchSize = 32 });
        Assert.Equal([5, 6, 7], resumed.Epochs.Select(e => e.Epoch));

        Assert.Empty(trainer.Fit(train, new FitOptions { Epochs = 3, InitialEpoch = 3 }).Epochs);
    }

    [Fact]
    public void Same_seed_gives_the_same_history_bit_for_bit_and_another_seed_does_not()
    {
        Dataset train = TestData.Blobs(200, seed: 6);
        var options = new FitOptions { Epochs = 4, BatchSize = 16, Seed = 42, ValidationFraction = 0.25 };

        var (m1, t1) = NewSoftmax();
        var (m2, t2) = NewSoftmax();
        var (m3, t3) = NewSoftmax();
        TrainingHistory h1 = t1.Fit(train, options);
        TrainingHistory h2 = t2.Fit(train, options);
        TrainingHistory h3 = t3.Fit(train, options with { Seed = 43 });

        Assert.Equal(Metrics(h1), Metrics(h2));
        Assert.Equal(m1.Parameters.ToArray(), m2.Parameters.ToArray());
        Assert.NotEqual(Metrics(h1), Metrics(h3));
        Assert.NotEqual(m1.Parameters.ToArray(), m3.Parameters.ToArray());
    }

    [Fact]
    public void Resuming_at_an_epoch_reproduces_the_uninterrupted_run()
    {
        Dataset train = TestData.Blobs(150, seed: 8);
        var options = new FitOptions { Epochs = 5, BatchSize = 16, Seed = 3 };

        var (whole, wholeTrainer) = NewSoftmax();
        TrainingHistory all = wholeTrainer.Fit(train, options);

        var (split, splitTrainer) = NewSoftmax();
        splitTrainer.Fit(train, options with { Epochs = 2 });
        TrainingHistory rest = splitTrainer.Fit(train, options with { InitialEpoch = 2 });

        Assert.Equal(whole.Parameters.ToArray(), split.Parameters.ToArray());
        Assert.Equal(Metrics(all).Skip(2 * 4), Metrics(rest)); // 4 metrics per epoch
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Last_partial_batch_is_trained_with_its_own_size(bool shuffle)
    {
        var model = new ConstantModel(1, 2);
        var trainer = new ScriptedTrainer(model, 32, 4, [1.0]);

        trainer.Fit(TestData.Indexed(100), new FitOptions { Epochs = 2, BatchSize = 32, Shuffle = shuffle });

        Assert.Equal([32, 32, 32, 4, 32, 32, 32, 4], trainer.BatchSizes.ToArray());
        // Every sample once per epoch; in order when not shuffled.
        int[] ids = trainer.SampleIds.ToArray();
        Assert.Equal(Enumerable.Range(0, 100), ids.Take(100).Order());
        Assert.Equal(Enumerable.Range(0, 100), ids.Skip(100).Order());
        if (shuffle)
        {
            Assert.NotEqual(Enumerable.Range(0, 100), ids.Take(100));
            Assert.NotEqual(ids.Take(100), ids.Skip(100)); // a new order each epoch
        }
        else
        {
            Assert.Equal(Enumerable.Range(0, 100), ids.Take(100));
        }
    }

    [Fact]
    public void Validation_fraction_holds_out_the_last_samples_before_shuffling()
    {
        var model = new ConstantModel(1, 3);
        float[][] logits = [[0f, 1f, 2f], [2f, 0f, -1f]];
        var trainer = new ScriptedTrainer(model, 10, 8, [1.0, 0.5], logits);
        var labels = new int[100];
        for (int i = 0; i < labels.Length; i++) labels[i] = i % 3;
        var data = new Dataset(Enumerable.Range(0, 100).Select(i => (float)i).ToArray(), [1], labels);

        TrainingHistory history = trainer.Fit(data, new FitOptions { Epochs = 2, BatchSize = 10, ValidationFraction = 0.2, Seed = 5 });

        Assert.Equal(80, history.TrainSamples);
        Assert.Equal(20, history.ValidationSamples);
        int[] ids = trainer.SampleIds.ToArray();
        Assert.Equal(160, ids.Length);
        Assert.Equal(Enumerable.Range(0, 80), ids.Take(80).Order());
        Assert.Equal(Enumerable.Range(0, 80), ids.Skip(80).Order());

        // val_loss / val_accuracy are those of the last 20 samples under the epoch's final weights.
        Dataset tail = data.Subset(Enumerable.Range(80, 20).ToArray());
        for (int e = 0; e < 2; e++)
        {
            logits[e].CopyTo(model.Parameters);
            EvaluationResult expected = Evaluator.Evaluate(model, tail);
            Assert.Equal(expected.Loss, history.Epochs[e].ValidationLoss!.Value, 12);
            Assert.Equal(expected.Accuracy, history.Epochs[e].ValidationAccuracy);
        }
    }

    [Fact]
    public void Validation_fraction_rounds_like_keras()
    {
        var model = new ConstantModel(1, 2);
        var trainer = new ScriptedTrainer(model, 10, 1, [1.0]);
        // Keras: split_at = int(round(10 * (1 - 0.25))) = round(7.5) = 8 (round half to even).
        TrainingHistory history = trainer.Fit(TestData.Indexed(10), new FitOptions { BatchSize = 10, ValidationFraction = 0.25 });
        Assert.Equal(8, history.TrainSamples);
        Assert.Equal(2, history.ValidationSamples);
        Assert.Equal(Enumerable.Range(0, 8), trainer.SampleIds.ToArray().Order());
    }

    [Fact]
    public void Early_stopping_stops_after_patience_epochs_without_improvement_and_restores_the_best_weights()
    {
        double[] losses = [1.0, 0.5, 0.6, 0.55, 0.7, 0.4, 0.3];
        float[][] logits = Enumerable.Range(0, losses.Length).Select(e => new float[] { e, -e }).ToArray();

        var restoring = new ScriptedTrainer(new ConstantModel(1, 2), 10, 2, losses, logits);
        TrainingHistory restored = restoring.Fit(TestData.Indexed(20), new FitOptions
        {
            Epochs = 7,
            BatchSize = 10,
            EarlyStopping = new EarlyStoppingOptions(3) { RestoreBestWeights = true },
        });

        Assert.Equal(5, restored.Epochs.Count); // best at epoch 1, then 2, 3, 4 without improvement
        Assert.True(restored.StoppedEarly);
        Assert.Equal(4, restored.StoppedEpoch);
        Assert.Equal(EarlyStoppingMonitor.Loss, restored.Monitor);
        Assert.Equal(1, restored.BestEpoch);
        Assert.Equal(0.5, restored.BestValue!.Value, 6);
        Assert.True(restored.RestoredBestWeights);
        Assert.Equal(logits[1], restoring.Model.Parameters.ToArray());

        var keeping = new ScriptedTrainer(new ConstantModel(1, 2), 10, 2, losses, logits);
        TrainingHistory kept = keeping.Fit(TestData.Indexed(20), new FitOptions
        {
            Epochs = 7,
            BatchSize = 10,
            EarlyStopping = new EarlyStoppingOptions(3),
        });
        Assert.Equal(5, kept.Epochs.Count);
        Assert.False(kept.RestoredBestWeights);
        Assert.Equal(logits[4], keeping.Model.Parameters.ToArray());
    }

    [Fact]
    public void Early_stopping_respects_min_delta_and_runs_to_the_end_while_improving()
    {
        var slow = new ScriptedTrainer(new ConstantModel(1, 2), 10, 1, [1.0, 0.95, 0.92, 0.5, 0.4]);
        TrainingHistory stopped = slow.Fit(TestData.Indexed(10), new FitOptions
        {
            Epochs = 5,
            BatchSize = 10,
            EarlyStopping = new EarlyStoppingOptions(2) { MinDelta = 0.1 },
        });
        Assert.Equal(3, stopped.Epochs.Count);
        Assert.True(stopped.StoppedEarly);
        Assert.Equal(0, stopped.BestEpoch);

        var steady = new ScriptedTrainer(new ConstantModel(1, 2), 10, 1, [1.0, 0.9, 0.8, 0.7, 0.6]);
        TrainingHistory full = steady.Fit(TestData.Indexed(10), new FitOptions
        {
            Epochs = 5,
            BatchSize = 10,
            EarlyStopping = new EarlyStoppingOptions(1) { RestoreBestWeights = true },
        });
        Assert.Equal(5, full.Epochs.Count);
        Assert.False(full.StoppedEarly);
        Assert.Null(full.StoppedEpoch);
        Assert.Equal(4, full.BestEpoch);
        Assert.False(full.RestoredBestWeights); // the last epoch was the best: nothing to put back
    }

    [Fact]
    public void Early_stopping_monitors_validation_loss_by_default_when_there_is_validation_data()
    {
        // Training loss keeps falling; validation loss (all labels 0) is best after epoch 1.
        double[] losses = [1.0, 0.9, 0.8, 0.7, 0.6, 0.5];
        float[][] logits = [[0f, 0f], [3f, 0f], [1f, 0f], [0.5f, 0f], [2f, 0f], [4f, 0f]];
        var trainer = new ScriptedTrainer(new ConstantModel(1, 2), 10, 1, losses, logits);
        Dataset validation = TestData.Indexed(5, label: 0);

        TrainingHistory history = trainer.Fit(TestData.Indexed(10), new FitOptions
        {
            Epochs = 6,
            BatchSize = 10,
            ValidationData = validation,
            EarlyStopping = new EarlyStoppingOptions(2) { RestoreBestWeights = true },
        });

        Assert.Equal(EarlyStoppingMonitor.ValidationLoss, history.Monitor);
        Assert.Equal(4, history.Epochs.Count);
        Assert.Equal(1, history.BestEpoch);
        Assert.Equal(Math.Log(1 + Math.Exp(-3)), history.BestValue!.Value, 5);
        Assert.Equal(logits[1], trainer.Model.Parameters.ToArray());
    }

    [Fact]
    public void Early_stopping_on_a_missing_metric_is_rejected()
    {
        var trainer = new ScriptedTrainer(new ConstantModel(1, 2), 10, 1, [1.0]);
        var ex = Assert.Throws<ArgumentException>(() => trainer.Fit(TestData.Indexed(10), new FitOptions
        {
            BatchSize = 10,
            EarlyStopping = new EarlyStoppingOptions(2) { Monitor = EarlyStoppingMonitor.ValidationLoss },
        }));
        Assert.Contains("validation", ex.Message);
    }

    [Fact]
    public void Cancellation_throws_OperationCanceledException()
    {
        var trainer = new ScriptedTrainer(new ConstantModel(1, 2), 10, 10, [1.0]);
        using var cts = new CancellationTokenSource();
        int reports = 0;
        var options = new FitOptions
        {
            Epochs = 3,
            BatchSize = 10,
            CancellationToken = cts.Token,
            BatchProgress = new SynchronousProgress<BatchProgress>(_ => { if (++reports == 3) cts.Cancel(); }),
        };

        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(TestData.Indexed(100), options));
        Assert.Equal(3, trainer.RecordedBatches);

        var untouched = new ScriptedTrainer(new ConstantModel(1, 2), 10, 10, [1.0]);
        Assert.ThrowsAny<OperationCanceledException>(() => untouched.Fit(TestData.Indexed(100), options));
        Assert.Equal(0, untouched.RecordedBatches);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Non_finite_loss_throws_TrainingDivergedException_naming_epoch_and_batch(float bad)
    {
        // 4 batches per epoch; step 6 (0-based) is the 3rd batch of the 2nd epoch.
        var trainer = new ScriptedTrainer(new ConstantModel(1, 2), 10, 4, [1.0]) { BadStep = 6, BadLoss = bad };

        var ex = Assert.Throws<TrainingDivergedException>(() =>
            trainer.Fit(TestData.Indexed(40), new FitOptions { Epochs = 3, BatchSize = 10 }));

        Assert.Equal(2, ex.Epoch);
        Assert.Equal(3, ex.Batch);
        Assert.Equal(bad, ex.Loss);
        Assert.Contains("epoch 2", ex.Message);
        Assert.Contains("batch 3", ex.Message);
        Assert.Contains(bad.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message);
    }

    [Fact]
    public void Progress_is_reported_once_per_batch_and_once_per_epoch_synchronously()
    {
        var trainer = new ScriptedTrainer(new ConstantModel(1, 2), 32, 4, [0.75, 0.5, 0.25]);
        var batches = new List<BatchProgress>();
        var epochs = new List<EpochResult>();

        TrainingHistory history = trainer.Fit(TestData.Indexed(100), new FitOptions
        {
            Epochs = 3,
            BatchSize = 32,
            BatchProgress = new SynchronousProgress<BatchProgress>(p =>
            {
                Assert.Equal(batches.Count + 1, trainer.RecordedBatches); // called right after its batch, before the next
                batches.Add(p);
            }),
            EpochProgress = new SynchronousProgress<EpochResult>(epochs.Add),
        });

        Assert.Equal(12, batches.Count);
        Assert.Equal(history.Epochs, epochs);
        Assert.Equal([32, 32, 32, 4], batches.Take(4).Select(b => b.BatchSize));
        Assert.Equal([0, 1, 2, 3], batches.Take(4).Select(b => b.Batch));
        Assert.All(batches, b => Assert.Equal(4, b.BatchCount));
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2], batches.Select(b => b.Epoch));
        Assert.Equal(history.Epochs[1].Loss, batches[7].MeanLoss, 12);
        Assert.Equal(0.5, history.Epochs[1].Loss, 6);
    }

    [Fact]
    public void Train_accuracy_scores_each_batch_before_its_step_and_can_be_turned_off()
    {
        // Initial logits favour class 0 (right for every sample); the first step flips them to class 1 (wrong).
        float[][] logits = [[0f, 5f]];
        var model = new ConstantModel(1, 2);
        model.Parameters[0] = 5f;
        var trainer = new ScriptedTrainer(model, 10, 4, [1.0], logits);

        TrainingHistory history = trainer.Fit(TestData.Indexed(40, label: 0), new FitOptions { Epochs = 2, BatchSize = 10 });
        Assert.Equal(0.25, history.Epochs[0].Accuracy); // only the first batch was predicted with the initial weights
        Assert.Equal(0.0, history.Epochs[1].Accuracy);

        var quiet = new ScriptedTrainer(new ConstantModel(1, 2), 10, 4, [1.0]);
        TrainingHistory off = quiet.Fit(TestData.Indexed(40), new FitOptions { BatchSize = 10, TrainAccuracy = false });
        Assert.Null(off.Epochs[0].Accuracy);
    }

    [Fact]
    public void Loss_is_the_batch_losses_weighted_by_batch_size()
    {
        // Batches of 32, 32, 32, 4 with losses 1, 1, 1 then 2 in epoch 0 (the bad step returns 2).
        var trainer = new ScriptedTrainer(new ConstantModel(1, 2), 32, 4, [1.0]) { BadStep = 3, BadLoss = 2f };
        TrainingHistory history = trainer.Fit(TestData.Indexed(100), new FitOptions { BatchSize = 32, Shuffle = false });
        Assert.Equal((96 * 1.0 + 4 * 2.0) / 100, history.Epochs[0].Loss, 12);
    }

    [Fact]
    public void Options_and_data_that_do_not_fit_are_rejected_with_clear_messages()
    {
        var (_, trainer) = NewSoftmax(maxBatch: 16);
        Dataset blobs = TestData.Blobs(30, seed: 9);

        var tooBig = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(blobs, new FitOptions { BatchSize = 32 }));
        Assert.Contains("MaxBatchSize (16)", tooBig.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(blobs, new FitOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(blobs, new FitOptions { BatchSize = 8, ValidationFraction = 1.0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(blobs, new FitOptions { BatchSize = 8, Epochs = 2, InitialEpoch = 3 }));
        Assert.Throws<ArgumentException>(() => trainer.Fit(blobs, new FitOptions { BatchSize = 8, ValidationFraction = 0.2, ValidationData = blobs }));

        var wrongFeatures = new Dataset(new float[30], [3], new int[10]);
        var features = Assert.Throws<ArgumentException>(() => trainer.Fit(wrongFeatures, new FitOptions { BatchSize = 8 }));
        Assert.Contains("3 features", features.Message);
        Assert.Contains("2 inputs", features.Message);

        var wrongTargets = new Dataset(new float[20], [2], new float[40], 4);
        var targets = Assert.Throws<ArgumentException>(() => trainer.Fit(wrongTargets, new FitOptions { BatchSize = 8 }));
        Assert.Contains("4 targets", targets.Message);
        Assert.Contains("3 outputs", targets.Message);

        var wrongLabel = new Dataset(new float[4], [2], [0, 3]);
        var label = Assert.Throws<ArgumentException>(() => trainer.Fit(wrongLabel, new FitOptions { BatchSize = 8 }));
        Assert.Contains("Label 3 of sample 1", label.Message);

        var badValidation = Assert.Throws<ArgumentException>(() => trainer.Fit(blobs, new FitOptions { BatchSize = 8, ValidationData = wrongFeatures }));
        Assert.Contains("ValidationData", badValidation.ParamName);
    }

    [Fact]
    public void The_batch_loop_allocates_nothing()
    {
        // 1,800 training samples (after a 10% validation split) in batches of 8: 225 batches per epoch,
        // shuffled, with train accuracy and validation on.
        Dataset train = TestData.Blobs(2_000, seed: 10);
        var (_, trainer) = NewSoftmax(maxBatch: 8, learningRate: 0.05f);
        FitOptions one = new() { Epochs = 1, BatchSize = 8, ValidationFraction = 0.1 };
        FitOptions six = one with { Epochs = 6 };

        trainer.Fit(train, one); // warm up (JIT, statics)
        trainer.Fit(train, six);

        long before = GC.GetAllocatedBytesForCurrentThread();
        trainer.Fit(train, one);
        long oneEpoch = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        trainer.Fit(train, six);
        long sixEpochs = GC.GetAllocatedBytesForCurrentThread() - before;

        // Five more epochs = 1,125 more batches; only the per-epoch result records may be added.
        long perEpoch = (sixEpochs - oneEpoch) / 5;
        Assert.True(perEpoch < 512, $"1 epoch: {oneEpoch} B, 6 epochs: {sixEpochs} B, {perEpoch} B per extra epoch of 225 batches");

        // A synchronous progress sink that allocates nothing itself adds nothing per batch either.
        long reports = 0;
        var sink = new SynchronousProgress<BatchProgress>(p => reports += p.BatchSize);
        FitOptions oneWithProgress = one with { BatchProgress = sink }, sixWithProgress = six with { BatchProgress = sink };
        trainer.Fit(train, oneWithProgress);
        before = GC.GetAllocatedBytesForCurrentThread();
        trainer.Fit(train, oneWithProgress);
        oneEpoch = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        trainer.Fit(train, sixWithProgress);
        sixEpochs = GC.GetAllocatedBytesForCurrentThread() - before;
        perEpoch = (sixEpochs - oneEpoch) / 5;
        Assert.True(perEpoch < 512, $"with progress: 1 epoch: {oneEpoch} B, 6 epochs: {sixEpochs} B, {perEpoch} B per extra epoch");
        Assert.Equal(8 * 1_800, reports);
    }

    private static double?[] Metrics(TrainingHistory history)
        => history.Epochs.SelectMany(e => new double?[] { e.Loss, e.Accuracy, e.ValidationLoss, e.ValidationAccuracy }).ToArray();
}
