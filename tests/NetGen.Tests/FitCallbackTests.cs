using NetGen;
using NetGen.Data;
using NetGen.Serialization;
using NetGen.Tests.Networks;
using NetGen.Training;

namespace NetGen.Tests;

/// <summary>Learning-rate schedules and callbacks in Fit, with generated trainers.</summary>
public class FitCallbackTests
{
    private static Dataset Blobs(int n, int features, int classes, int seed)
    {
        var random = new SeededRandom((ulong)seed);
        var x = new float[n * features];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i % classes;
            for (int j = 0; j < features; j++) x[i * features + j] = (j % classes == y[i] ? 1.5f : 0f) + 2 * (random.NextSingle() - 0.5f);
        }
        return new Dataset(x, new[] { features }, y);
    }

    /// <summary>Records what each hook saw.</summary>
    private sealed class Recorder : FitCallback
    {
        public readonly List<(long Step, double Rate)> Batches = [];
        public readonly List<string> Calls = [];
        public readonly List<float[]> ParametersAfterEpoch = [];
        public int BatchEnds;

        public override void OnTrainBegin(FitContext context) => Calls.Add("train-begin");
        public override void OnEpochBegin(FitContext context, int epoch) => Calls.Add($"epoch-begin {epoch}");
        public override void OnBatchBegin(FitContext context, int epoch, int batch) => Batches.Add((context.Step, context.LearningRate));
        public override void OnBatchEnd(FitContext context, in BatchProgress batch) => BatchEnds++;

        public override void OnEpochEnd(FitContext context, EpochResult result)
        {
            Calls.Add($"epoch-end {result.Epoch}");
            ParametersAfterEpoch.Add(context.Model.Parameters.ToArray());
        }

        public override void OnTrainEnd(FitContext context, TrainingHistory history) => Calls.Add($"train-end {history.Epochs.Count}");
    }

    [Fact]
    public void A_schedule_sets_every_steps_learning_rate_and_equals_setting_it_by_hand()
    {
        Dataset data = Blobs(100, 20, 3, 1);
        var schedule = new CosineDecay(0.5, 20, alpha: 0.1, warmupSteps: 4, warmupTarget: 1.0);
        var recorder = new Recorder();
        var scheduled = new SoftmaxRegression(3);
        using (var trainer = scheduled.CreateTrainer(16))
        {
            trainer.Fit(data, new FitOptions { Epochs = 3, BatchSize = 16, Shuffle = false, LearningRateSchedule = schedule, Callbacks = [recorder] });
            Assert.Equal(21, trainer.Step);
        }

        // 7 batches an epoch (6 of 16, one of 4): steps 0…20, each with the schedule's rate of its step
        Assert.Equal(Enumerable.Range(0, 21).Select(s => (long)s), recorder.Batches.Select(b => b.Step));
        foreach (var (step, rate) in recorder.Batches) Assert.Equal((double)(float)schedule.Rate(step), rate);
        Assert.Equal(21, recorder.BatchEnds);
        Assert.Equal(["train-begin", "epoch-begin 0", "epoch-end 0", "epoch-begin 1", "epoch-end 1", "epoch-begin 2", "epoch-end 2", "train-end 3"], recorder.Calls);

        // the same steps taken by hand with the rate set before each: the same parameters, bit for bit
        var manual = new SoftmaxRegression(3);
        using (var trainer = manual.CreateTrainer(16))
        {
            for (int epoch = 0; epoch < 3; epoch++)
            {
                for (int first = 0; first < data.Count; first += 16)
                {
                    int n = Math.Min(16, data.Count - first);
                    trainer.LearningRate = (float)schedule.Rate(trainer.Step);
                    trainer.TrainBatch(data.Features.AsSpan(first * 20, n * 20), data.Labels.AsSpan(first, n));
                }
            }
        }
        Assert.Equal(manual.Parameters.ToArray(), scheduled.Parameters.ToArray());
    }

    [Fact]
    public void A_resumed_run_goes_on_along_the_schedule_from_the_trainers_step()
    {
        Dataset data = Blobs(64, 20, 3, 2);
        var schedule = new ExponentialDecay(0.4, 3, 0.5, staircase: true);
        var recorder = new Recorder();
        var model = new SoftmaxRegression(5);
        using var trainer = model.CreateTrainer(16);
        trainer.Fit(data, new FitOptions { Epochs = 2, BatchSize = 16, LearningRateSchedule = schedule });
        Assert.Equal(8, trainer.Step);
        TrainingHistory history = trainer.Fit(data, new FitOptions { Epochs = 4, InitialEpoch = 2, BatchSize = 16, LearningRateSchedule = schedule, Callbacks = [recorder] });
        Assert.Equal(Enumerable.Range(8, 8).Select(s => (long)s), recorder.Batches.Select(b => b.Step));
        Assert.Equal(0.4 * Math.Pow(0.5, 15 / 3), history.Epochs[^1].LearningRate!.Value, 6);
    }

    [Fact]
    public void A_callback_that_stops_ends_training_after_that_epoch()
    {
        var stopper = new StopAfter(1);
        var model = new SoftmaxRegression(1);
        using var trainer = model.CreateTrainer(16);
        TrainingHistory history = trainer.Fit(Blobs(64, 20, 3, 3), new FitOptions { Epochs = 10, BatchSize = 16, Callbacks = [stopper] });
        Assert.Equal(2, history.Epochs.Count);
        Assert.True(history.StoppedByCallback);
        Assert.False(history.StoppedEarly);
        Assert.Contains("Stopped by a callback after epoch 2", history.ToString());
        Assert.Equal(8, trainer.Step);
    }

    private sealed class StopAfter(int epoch) : FitCallback
    {
        public override void OnEpochEnd(FitContext context, EpochResult result)
        {
            if (result.Epoch == epoch) context.StopTraining = true;
        }
    }

    [Fact]
    public void A_callback_that_changes_the_learning_rate_changes_the_following_steps()
    {
        // rate 0 from epoch 1 on: the parameters stop moving (Adam's step is scaled by the rate), while epoch 0 moved them
        var recorder = new Recorder();
        var model = new OddSparse(2);
        float[] initial = model.Parameters.ToArray();
        using var trainer = model.CreateTrainer(16);
        TrainingHistory history = trainer.Fit(Blobs(64, 37, 7, 4), new FitOptions
        {
            Epochs = 3,
            BatchSize = 16,
            Callbacks = [new LearningRateScheduler((epoch, rate) => epoch == 0 ? rate : 0), recorder],
        });
        Assert.NotEqual(initial, recorder.ParametersAfterEpoch[0]);
        Assert.Equal(recorder.ParametersAfterEpoch[0], recorder.ParametersAfterEpoch[1]);
        Assert.Equal(recorder.ParametersAfterEpoch[0], recorder.ParametersAfterEpoch[2]);
        Assert.Equal([0.001, 0, 0], history.Epochs.Select(e => Math.Round(e.LearningRate!.Value, 9)));
        Assert.Equal(12, trainer.Step); // the steps were still taken
    }

    [Fact]
    public void A_callback_cannot_change_a_scheduled_rate()
    {
        var model = new SoftmaxRegression(1);
        using var trainer = model.CreateTrainer(16);
        var options = new FitOptions
        {
            Epochs = 2,
            BatchSize = 16,
            LearningRateSchedule = new ExponentialDecay(0.1, 10, 0.9),
            Callbacks = [new LearningRateScheduler((_, rate) => rate / 2)],
        };
        var e = Assert.Throws<InvalidOperationException>(() => { trainer.Fit(Blobs(32, 20, 3, 5), options); });
        Assert.Contains("LearningRateSchedule", e.Message);
    }

    [Fact]
    public void Model_checkpoint_keeps_the_best_epochs_weights()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "best.ngmf");
        var recorder = new Recorder();
        var checkpoint = new ModelCheckpoint(path, EarlyStoppingMonitor.ValidationLoss);
        var model = new OddSparse(3);
        using var trainer = model.CreateTrainer(16);
        // a rate high enough that the validation loss goes up and down
        trainer.LearningRate = 0.05f;
        TrainingHistory history = trainer.Fit(Blobs(96, 37, 7, 6), new FitOptions
        {
            Epochs = 8,
            BatchSize = 16,
            ValidationData = Blobs(64, 37, 7, 7),
            Callbacks = [recorder, checkpoint],
        });

        int best = 0;
        for (int e = 1; e < history.Epochs.Count; e++)
        {
            if (history.Epochs[e].ValidationLoss < history.Epochs[best].ValidationLoss) best = e;
        }
        Assert.Equal(best, checkpoint.SavedEpoch);
        Assert.Equal(history.Epochs[best].ValidationLoss, checkpoint.BestValue);
        var loaded = new OddSparse(99);
        ModelFile.Load(loaded, path);
        Assert.Equal(recorder.ParametersAfterEpoch[best], loaded.Parameters.ToArray());
        Assert.Single(Directory.GetFiles(directory.Path)); // written atomically: no temporary file left behind
    }

    [Fact]
    public void Model_checkpoint_with_an_epoch_pattern_saves_every_epoch()
    {
        using var directory = new TempDirectory();
        var model = new SoftmaxRegression(1);
        using var trainer = model.CreateTrainer(16);
        trainer.Fit(Blobs(32, 20, 3, 8), new FitOptions
        {
            Epochs = 3,
            BatchSize = 16,
            Callbacks = [new ModelCheckpoint(Path.Combine(directory.Path, "model-{epoch}.ngmf"), saveBestOnly: false)],
        });
        Assert.Equal(["model-1.ngmf", "model-2.ngmf", "model-3.ngmf"], Directory.GetFiles(directory.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Csv_logger_writes_one_row_per_epoch_with_the_histories_values()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "log.csv");
        var model = new OddSparse(4);
        using var trainer = model.CreateTrainer(16);
        var options = new FitOptions { Epochs = 3, BatchSize = 16, ValidationData = Blobs(32, 37, 7, 9), Callbacks = [new CsvLogger(path)] };
        TrainingHistory history = trainer.Fit(Blobs(64, 37, 7, 10), options);
        string[] lines = File.ReadAllLines(path);
        Assert.Equal(CsvLogger.Header, lines[0]);
        Assert.Equal(4, lines.Length);
        for (int e = 0; e < 3; e++)
        {
            string[] fields = lines[e + 1].Split(',');
            EpochResult r = history.Epochs[e];
            Assert.Equal(e.ToString(), fields[0]);
            Assert.Equal(r.Loss, double.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(r.Accuracy, double.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(r.ValidationLoss, double.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(r.ValidationAccuracy, double.Parse(fields[4], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(r.LearningRate, double.Parse(fields[5], System.Globalization.CultureInfo.InvariantCulture));
        }

        // a resumed run appends
        trainer.Fit(Blobs(64, 37, 7, 10), options with { Epochs = 5, InitialEpoch = 3, Callbacks = [new CsvLogger(path, append: true)] });
        lines = File.ReadAllLines(path);
        Assert.Equal(6, lines.Length);
        Assert.StartsWith("4,", lines[^1]);
    }

    [Fact]
    public void Reduce_on_plateau_lowers_the_rate_when_the_loss_stops_improving()
    {
        // a rate of 0 after epoch 0 freezes the loss: every later epoch is a plateau
        var plateau = new ReduceLROnPlateau(EarlyStoppingMonitor.Loss, factor: 0.5, patience: 2, minDelta: 0);
        var model = new SoftmaxRegression(1);
        using var trainer = model.CreateTrainer(64);
        var options = new FitOptions { Epochs = 7, BatchSize = 64, Shuffle = false, Callbacks = [plateau] };
        Dataset data = Blobs(64, 20, 3, 11);
        // one batch an epoch, without shuffling: with a tiny rate each epoch's loss is nearly the last's, never lower by much
        trainer.LearningRate = 1e-30f;
        TrainingHistory history = trainer.Fit(data, options);
        // epoch 0 sets the best; epochs 1, 2 are a plateau of 2 → halve; epochs 3, 4 → halve; epochs 5, 6 → halve
        Assert.All(history.Epochs, e => Assert.Equal(history.Epochs[0].Loss, e.Loss));
        Assert.Equal(3, plateau.Reductions);
        double[] rates = history.Epochs.Select(e => e.LearningRate!.Value).ToArray(); // each epoch's own rate, before its end's reduction
        Assert.Equal([1, 1, 1, 2, 2, 4, 4], rates.Select(r => Math.Round(1e-30 / r)));
        Assert.Equal(1e-30 / 8, trainer.LearningRate, 1e-36);
    }

    [Fact]
    public void Callbacks_allocate_nothing_per_batch()
    {
        Dataset data = Blobs(256, 37, 7, 12);
        var model = new OddSparse(5);
        using var trainer = model.CreateTrainer(16);
        var counter = new CountingCallback();
        var options = new FitOptions { Epochs = 1, BatchSize = 16, TrainAccuracy = false, LearningRateSchedule = new CosineDecay(1e-3, 100), Callbacks = [counter] };
        trainer.Fit(data, options); // warm-up: JIT, buffers
        long before = GC.GetAllocatedBytesForCurrentThread();
        trainer.Fit(data, options with { Epochs = 3, InitialEpoch = 1 });
        long perFit = GC.GetAllocatedBytesForCurrentThread() - before;
        long beforeOne = GC.GetAllocatedBytesForCurrentThread();
        trainer.Fit(data, options with { Epochs = 2, InitialEpoch = 1 });
        long perOneEpoch = GC.GetAllocatedBytesForCurrentThread() - beforeOne;
        // two epochs cost what one does plus one epoch's result: the 16 batches of an epoch allocate nothing
        Assert.True(perFit - perOneEpoch < 1024, $"one-epoch Fit {perOneEpoch} B, two-epoch Fit {perFit} B");
        Assert.Equal(64, counter.Batches); // 1 + 2 + 1 epochs of 16 batches
    }

    [Fact]
    public void Validation_metrics_are_in_each_epochs_logs_and_equal_Evaluate()
    {
        Dataset train = Blobs(96, 37, 7, 13), validation = Blobs(70, 37, 7, 14);
        var options = new FitOptions { Epochs = 2, BatchSize = 16, Seed = 3, ValidationData = validation };
        TrainingHistory plain = new OddSparse(6).CreateTrainer(16).Fit(train, options);

        using var directory = new TempDirectory();
        string csv = Path.Combine(directory.Path, "log.csv");
        var model = new OddSparse(6);
        TrainingHistory history = model.CreateTrainer(16).Fit(train, options with { ValidationMetrics = true, ValidationTopK = 2, Callbacks = [new CsvLogger(csv)] });

        // the same run: the loss and accuracy are the numbers Fit reports without the metrics
        Assert.Equal(plain.Epochs.Select(e => e.ValidationLoss), history.Epochs.Select(e => e.ValidationLoss));
        Assert.Equal(plain.Epochs.Select(e => e.ValidationAccuracy), history.Epochs.Select(e => e.ValidationAccuracy));
        Assert.All(plain.Epochs, e => Assert.Null(e.Validation));

        NetGen.Evaluation.EvaluationResult last = history.Epochs[^1].Validation!;
        NetGen.Evaluation.EvaluationResult evaluated = NetGen.Evaluation.Evaluator.Evaluate(model, validation, new NetGen.Evaluation.EvaluationOptions { TopK = 2 });
        Assert.NotNull(last.RocAuc);
        Assert.Equal(evaluated.RocAuc, last.RocAuc);
        Assert.Equal(evaluated.AveragePrecision, last.AveragePrecision);
        Assert.Equal(evaluated.TopKAccuracy, last.TopKAccuracy);
        Assert.Equal(evaluated.Loss, last.Loss);

        string[] lines = File.ReadAllLines(csv);
        Assert.Equal(CsvLogger.Header + "," + CsvLogger.MetricsHeader, lines[0]);
        string[] fields = lines[2].Split(',');
        Assert.Equal(last.RocAuc!.Value, double.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(last.TopKAccuracy!.Value, double.Parse(fields[9], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("", fields[10]); // no MAE for a classifier
    }

    [Fact]
    public void Validation_metrics_on_a_held_out_fraction_evaluate_exactly_that_tail()
    {
        Dataset data = Blobs(100, 37, 7, 15);
        var model = new OddSparse(7);
        TrainingHistory history = model.CreateTrainer(16).Fit(data, new FitOptions { Epochs = 1, BatchSize = 16, ValidationFraction = 0.2, ValidationMetrics = true });
        NetGen.Evaluation.EvaluationResult v = history.Epochs[0].Validation!;
        Assert.Equal(20, v.Count);
        Dataset tail = data.Subset(Enumerable.Range(80, 20).ToArray());
        Assert.Equal(NetGen.Evaluation.Evaluator.Evaluate(model, tail).Loss, v.Loss);
        Assert.Throws<ArgumentException>(() => { model.CreateTrainer(16).Fit(data, new FitOptions { BatchSize = 16, ValidationMetrics = true }); });
    }

    [Fact]
    public void Augmentation_changes_the_steps_not_the_data_and_is_reproducible()
    {
        var random = new SeededRandom(5);
        var x = new float[48 * 28 * 28];
        for (int i = 0; i < x.Length; i++) x[i] = random.NextSingle();
        var data = new Dataset(x, new[] { 28, 28, 1 }, Enumerable.Range(0, 48).Select(i => i % 10).ToArray());
        float[] before = (float[])x.Clone();

        float[] Train(Augmentation? augmentation, bool shuffle)
        {
            var model = new MiniLeNet(1);
            model.CreateTrainer(16).Fit(data, new FitOptions { Epochs = 2, BatchSize = 16, Seed = 9, Shuffle = shuffle, Augmentation = augmentation, ValidationData = data });
            return model.Parameters.ToArray();
        }

        float[] plain = Train(null, true), flipped = Train(new RandomFlip(), true), again = Train(new RandomFlip(), true);
        Assert.Equal(before, x); // Fit flips its own copy of each batch
        Assert.NotEqual(plain, flipped);
        Assert.Equal(flipped, again);
        Assert.NotEqual(Train(null, false), Train(new RandomTranslation(2), false)); // unshuffled batches are copied first
        Assert.Equal(before, x);
    }

    private sealed class CountingCallback : FitCallback
    {
        public int Batches;
        public override void OnBatchEnd(FitContext context, in BatchProgress batch) => Batches++;
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("netgen-callbacks-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}

/// <summary>The generated <c>Summary()</c>, Keras's <c>model.summary()</c>.</summary>
public class SummaryTests
{
    [Fact]
    public void The_seed_networks_summary_lists_every_layer_and_the_totals()
    {
        string[] lines = FashionMlp.Summary().Split('\n');
        Assert.Equal("Model: FashionMlp", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("Input ") && l.Contains("[784]"));
        Assert.Contains(lines, l => l.StartsWith("1 Dense") && l.Contains("[64]") && l.Contains("ReLU") && l.Contains("50,240") && l.Contains("50,176"));
        Assert.Contains(lines, l => l.StartsWith("3 Dense") && l.Contains("[10]") && l.Contains("Softmax") && l.Contains("650"));
        Assert.Contains(FormattableString.Invariant($"Total parameters: {FashionMlp.ParameterCount:N0} ({FashionMlp.ParameterCount:N0} trainable, 0 non-trainable)"), lines);
        Assert.Contains("Multiply-adds per sample: 54,912", lines);
    }

    [Fact]
    public void Batch_normalizations_moving_statistics_count_as_non_trainable()
    {
        string summary = ConvBatchNormNet.Summary();
        long state = ((IModel)new ConvBatchNormNet(1)).ParameterBlocks.Where(b => !b.Trainable).Sum(b => (long)b.Length);
        Assert.True(state > 0);
        Assert.Contains(FormattableString.Invariant($"({ConvBatchNormNet.ParameterCount - state:N0} trainable, {state:N0} non-trainable)"), summary);
    }
}
