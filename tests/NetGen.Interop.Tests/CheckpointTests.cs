using System.Security.Cryptography;
using NetGen.Data;
using NetGen.Serialization;
using NetGen.Training;

namespace NetGen.Interop.Tests;

public class CheckpointTests
{
    private static readonly Dataset Train = TestData.Classification(400, 20, 4, seed: 11);

    private static FitOptions Options(int epochs) => new() { Epochs = epochs, BatchSize = 32, Seed = 5, TrainAccuracy = false };

    /// <summary>
    /// Trains <paramref name="total"/> epochs without a break, and again with a checkpoint after <paramref name="split"/>
    /// epochs loaded into a fresh model and trainer (other seed, so nothing carries over by accident): the final
    /// parameters must be identical bit for bit.
    /// </summary>
    private static void ResumeIsBitIdentical<T>(int total, int split) where T : class, INetwork<T>
    {
        using var directory = new TempDirectory();
        string path = directory.File("run.ngck");

        T straight = T.Create(1);
        IGradientTrainer straightTrainer = straight.CreateTrainer(32);
        straightTrainer.Fit(Train, Options(total));

        T first = T.Create(1);
        IGradientTrainer firstTrainer = first.CreateTrainer(32);
        firstTrainer.Fit(Train, Options(split));
        Checkpoint.Save(firstTrainer, split, path);

        T resumed = T.Create(2);
        IGradientTrainer resumedTrainer = resumed.CreateTrainer(32);
        int start = Checkpoint.Load(resumedTrainer, path);
        Assert.Equal(split, start);
        Assert.Equal(firstTrainer.Step, resumedTrainer.Step);
        TrainingHistory rest = resumedTrainer.Fit(Train, Options(total) with { InitialEpoch = start });

        Assert.Equal(total - split, rest.Epochs.Count);
        Assert.Equal(straightTrainer.Step, resumedTrainer.Step);
        Bits.Equal(straight.Parameters, resumed.Parameters, "parameters after resuming");
        Bits.Equal(straightTrainer.OptimizerState, resumedTrainer.OptimizerState, "optimizer state after resuming");
        Assert.False(straight.Parameters.SequenceEqual(T.Create(1).Parameters), "training changed nothing");
    }

    [Fact]
    public void Adam_run_resumed_from_a_checkpoint_ends_bit_identical() => ResumeIsBitIdentical<AdamNet>(total: 5, split: 2);

    [Fact]
    public void Momentum_run_resumed_from_a_checkpoint_ends_bit_identical() => ResumeIsBitIdentical<MomentumNet>(total: 4, split: 3);

    [Fact]
    public void Plain_sgd_run_resumed_from_a_checkpoint_ends_bit_identical() => ResumeIsBitIdentical<PlainSgdNet>(total: 3, split: 1);

    [Fact]
    public void Without_the_optimizer_state_the_resumed_run_differs()
    {
        // The control for the tests above: loading only the weights (ModelFile) does not reproduce the run, so the
        // checkpoint's optimizer state and step are what make them pass.
        using var directory = new TempDirectory();
        var straight = new AdamNet(seed: 1);
        straight.CreateTrainer(32).Fit(Train, Options(4));

        var first = new AdamNet(seed: 1);
        IGradientTrainer firstTrainer = first.CreateTrainer(32);
        firstTrainer.Fit(Train, Options(2));
        Checkpoint.Save(firstTrainer, 2, directory.File("run.ngck"));

        var weightsOnly = new AdamNet(seed: 2);
        ModelFile.Load(weightsOnly, directory.File("run.ngck")); // a checkpoint serves as a model file
        Bits.Equal(first.Parameters, weightsOnly.Parameters);
        weightsOnly.CreateTrainer(32).Fit(Train, Options(4) with { InitialEpoch = 2 });
        Assert.False(straight.Parameters.SequenceEqual(weightsOnly.Parameters));
    }

    [Fact]
    public void Checkpoints_written_by_the_epoch_callback_resume_a_killed_run()
    {
        // The pattern the samples use: save after every epoch from EpochProgress; a run stopped after epoch 3 (here
        // by cancellation) resumes from the last checkpoint.
        using var directory = new TempDirectory();
        string path = directory.File("run.ngck");
        var straight = new AdamNet(seed: 1);
        straight.CreateTrainer(32).Fit(Train, Options(5));

        var model = new AdamNet(seed: 1);
        IGradientTrainer trainer = model.CreateTrainer(32);
        using var cancel = new CancellationTokenSource();
        var saved = new List<int>();
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(Train, Options(5) with
        {
            CancellationToken = cancel.Token,
            EpochProgress = new SynchronousProgress<EpochResult>(r =>
            {
                Checkpoint.Save(trainer, r.Epoch + 1, path);
                saved.Add(r.Epoch + 1);
                if (r.Epoch == 2) cancel.Cancel();
            }),
        }));
        Assert.Equal([1, 2, 3], saved);
        Assert.Equal(["run.ngck"], directory.FileNames());

        var resumed = new AdamNet(seed: 7);
        IGradientTrainer resumedTrainer = resumed.CreateTrainer(32);
        int start = Checkpoint.Load(resumedTrainer, path);
        Assert.Equal(3, start);
        resumedTrainer.Fit(Train, Options(5) with { InitialEpoch = start });
        Bits.Equal(straight.Parameters, resumed.Parameters);
    }

    [Fact]
    public void The_learning_rate_and_step_are_restored()
    {
        using var directory = new TempDirectory();
        var model = new TinyNet(seed: 1);
        IGradientTrainer trainer = TestData.TrainAFewSteps(model, 4, seed: 1);
        trainer.LearningRate = 3.25e-4f;
        Checkpoint.Save(trainer, 12, directory.File("c.ngck"));

        var fresh = new TinyNet(seed: 5);
        IGradientTrainer freshTrainer = fresh.CreateTrainer(8);
        Assert.Equal(12, Checkpoint.Load(freshTrainer, directory.File("c.ngck")));
        Assert.Equal(3.25e-4f, freshTrainer.LearningRate);
        Assert.Equal(4, freshTrainer.Step);
        Bits.Equal(model.Parameters, fresh.Parameters);
        Bits.Equal(trainer.OptimizerState, freshTrainer.OptimizerState);
    }

    [Fact]
    public void A_model_file_is_not_a_checkpoint()
    {
        using var directory = new TempDirectory();
        var model = new PlainSgdNet(seed: 1); // no optimizer state either, so only the kind tells them apart
        ModelFile.Save(model, directory.File("m.ngmf"));
        var trainer = new PlainSgdNet(seed: 2).CreateTrainer(8);
        float[] before = trainer.Model.Parameters.ToArray();
        var e = Assert.Throws<ModelFormatException>(() => Checkpoint.Load(trainer, directory.File("m.ngmf")));
        Assert.Equal(ModelFormatError.WrongKind, e.Error);
        Assert.Contains("ModelFile.Load", e.Message);
        Bits.Equal(before, trainer.Model.Parameters);
        Assert.Equal(0, trainer.Step);
    }

    [Fact]
    public void Optimizer_state_of_another_size_is_rejected()
    {
        // Plain SGD and SGD with momentum share the architecture text but not the optimizer state.
        using var directory = new TempDirectory();
        Assert.Equal(MomentumNet.Architecture, PlainSgdNet.Architecture);
        IGradientTrainer momentum = TestData.TrainAFewSteps(new MomentumNet(seed: 1), 2, seed: 1);
        Checkpoint.Save(momentum, 1, directory.File("momentum.ngck"));
        IGradientTrainer plain = new PlainSgdNet(seed: 2).CreateTrainer(8);
        float[] before = plain.Model.Parameters.ToArray();

        var e = Assert.Throws<ModelFormatException>(() => Checkpoint.Load(plain, directory.File("momentum.ngck")));
        Assert.Equal(ModelFormatError.OptimizerStateMismatch, e.Error);
        Assert.Contains($"{MomentumNet.ParameterCount} optimizer-state values", e.Message);
        Bits.Equal(before, plain.Model.Parameters);
        Assert.Equal(0, plain.Step);

        // The weights still load as a model.
        ModelFile.Load(plain.Model, directory.File("momentum.ngck"));
        Bits.Equal(momentum.Model.Parameters, plain.Model.Parameters);
    }

    [Fact]
    public void Checkpoints_of_another_architecture_or_damaged_are_rejected_and_change_nothing()
    {
        using var directory = new TempDirectory();
        IGradientTrainer tiny = TestData.TrainAFewSteps(new TinyNet(seed: 1), 3, seed: 1);
        Checkpoint.Save(tiny, 2, directory.File("tiny.ngck"));
        byte[] good = File.ReadAllBytes(directory.File("tiny.ngck"));

        IGradientTrainer wider = new WiderTinyNet(seed: 2).CreateTrainer(8);
        var e = Assert.Throws<ModelFormatException>(() => Checkpoint.Load(wider, directory.File("tiny.ngck")));
        Assert.Equal(ModelFormatError.ArchitectureMismatch, e.Error);
        Assert.Contains(TinyNet.Architecture, e.Message);
        Assert.Contains(WiderTinyNet.Architecture, e.Message);

        IGradientTrainer target = new TinyNet(seed: 3).CreateTrainer(8);
        target.LearningRate = 0.5f;
        float[] parameters = target.Model.Parameters.ToArray();
        float[] state = target.OptimizerState.ToArray();
        for (int length = 0; length < good.Length; length += 3)
            Assert.Equal(ModelFormatError.Truncated, Assert.Throws<ModelFormatException>(() => Checkpoint.Load(target, new MemoryStream(good[..length]))).Error);
        for (int offset = 0; offset < good.Length; offset += 5)
        {
            byte[] bad = (byte[])good.Clone();
            bad[offset] ^= 0x40;
            Assert.Throws<ModelFormatException>(() => Checkpoint.Load(target, new MemoryStream(bad)));
        }
        // A version from the future, checksum and all.
        byte[] future = (byte[])good.Clone();
        future[4] = 9;
        SHA256.HashData(future.AsSpan(0, future.Length - 32), future.AsSpan(future.Length - 32));
        Assert.Equal(ModelFormatError.UnsupportedVersion, Assert.Throws<ModelFormatException>(() => Checkpoint.Load(target, new MemoryStream(future))).Error);

        Bits.Equal(parameters, target.Model.Parameters);
        Bits.Equal(state, target.OptimizerState);
        Assert.Equal(0, target.Step);
        Assert.Equal(0.5f, target.LearningRate);
    }

    [Fact]
    public void A_checkpoint_writer_that_dies_leaves_the_previous_checkpoint()
    {
        using var directory = new TempDirectory();
        string path = directory.File("run.ngck");
        IGradientTrainer trainer = TestData.TrainAFewSteps(new TinyNet(seed: 1), 2, seed: 1);
        Checkpoint.Save(trainer, 1, path);
        byte[] before = File.ReadAllBytes(path);
        TestData.TrainAFewSteps(trainer.Model as ITrainableModel ?? throw new InvalidOperationException(), 1, seed: 2);

        Assert.Throws<IOException>(() => Checkpoint.Save(trainer, 2, path,
            p => new FailingStream(new FileStream(p, FileMode.CreateNew, FileAccess.Write), before.Length / 2)));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["run.ngck"], directory.FileNames());
        Assert.Equal(1, Checkpoint.Load(new TinyNet().CreateTrainer(4), path));
    }
}
