using NetGen.Data;
using NetGen.Serialization;
using NetGen.Training;

namespace NetGen.Interop.Tests;

/// <summary>Issue 22, item 3: resume is bit-exact with early stopping too (its state travels in the checkpoint).</summary>
public class EarlyStoppingResumeTests
{
    private static readonly Dataset Train = TestData.Classification(400, 20, 4, seed: 11);

    private static FitOptions Options(FitState? state) => new()
    {
        Epochs = 200,
        BatchSize = 32,
        Seed = 5,
        TrainAccuracy = false,
        ValidationFraction = 0.25,
        EarlyStopping = new EarlyStoppingOptions(3) { RestoreBestWeights = true },
        State = state,
    };

    private sealed class Killed : Exception;

    /// <summary>
    /// Trains with checkpoints after every epoch and "kills" the run right after the checkpoint of epoch
    /// <paramref name="killAfter"/> (0-based); then a fresh model and trainer (other seed) resume from the file.
    /// </summary>
    private static (AdamNet Model, IGradientTrainer Trainer, TrainingHistory History, int Start) KilledAndResumed(int killAfter, bool withState)
    {
        using var directory = new TempDirectory();
        string path = directory.File("run.ngck");

        var first = new AdamNet(seed: 1);
        IGradientTrainer firstTrainer = first.CreateTrainer(32);
        FitState? firstState = withState ? new FitState() : null;
        Assert.Throws<Killed>(() => firstTrainer.Fit(Train, Options(firstState) with
        {
            EpochProgress = new SynchronousProgress<EpochResult>(r =>
            {
                Checkpoint.Save(firstTrainer, r.Epoch + 1, path, firstState);
                if (r.Epoch == killAfter) throw new Killed();
            }),
        }));

        var resumed = new AdamNet(seed: 2);
        IGradientTrainer resumedTrainer = resumed.CreateTrainer(32);
        FitState? state = withState ? new FitState() : null;
        int start = Checkpoint.Load(resumedTrainer, path, state);
        TrainingHistory rest = resumedTrainer.Fit(Train, Options(state) with { InitialEpoch = start });
        return (resumed, resumedTrainer, rest, start);
    }

    [Fact]
    public void A_run_that_stops_early_stops_at_the_same_epoch_with_the_same_weights_when_killed_and_resumed()
    {
        // The issue: a run stopped after 16 epochs uninterrupted ran to 22 when resumed at epoch 14, with other weights.
        var straight = new AdamNet(seed: 1);
        IGradientTrainer straightTrainer = straight.CreateTrainer(32);
        TrainingHistory whole = straightTrainer.Fit(Train, Options(new FitState()));
        Assert.True(whole.StoppedEarly, "the uninterrupted run must stop early for this test to mean anything:\n" + whole);
        int stopped = whole.StoppedEpoch!.Value;
        Assert.True(whole.RestoredBestWeights);
        Assert.True(stopped - whole.BestEpoch!.Value >= 2, whole.ToString());

        // Killed one epoch before the stop, the patience counter is 2: it must survive the restart.
        (AdamNet resumed, IGradientTrainer resumedTrainer, TrainingHistory rest, int start) = KilledAndResumed(stopped - 1, withState: true);
        Assert.Equal(stopped, start);
        Assert.True(rest.StoppedEarly, rest.ToString());
        Assert.Equal(stopped, rest.StoppedEpoch);
        Assert.Equal(whole.BestEpoch, rest.BestEpoch);
        Assert.Equal(whole.BestValue, rest.BestValue);
        Assert.True(rest.RestoredBestWeights);
        Assert.Equal(straightTrainer.Step, resumedTrainer.Step);
        Bits.Equal(straight.Parameters, resumed.Parameters, "parameters after resuming (the best epoch's, restored)");

        // Killed right after the checkpoint of the stopping epoch itself: the resumed run trains nothing more and
        // still ends with the best weights.
        (AdamNet atStop, _, TrainingHistory none, int startAtStop) = KilledAndResumed(stopped, withState: true);
        Assert.Equal(stopped + 1, startAtStop);
        Assert.Empty(none.Epochs);
        Assert.True(none.StoppedEarly);
        Assert.Equal(whole.BestEpoch, none.BestEpoch);
        Bits.Equal(straight.Parameters, atStop.Parameters, "parameters when resumed after the stop");

        // The control: without the state (what a checkpoint held before), early stopping restarts and the run differs.
        (AdamNet stateless, _, TrainingHistory restarted, _) = KilledAndResumed(stopped - 1, withState: false);
        Assert.NotEqual(stopped, restarted.StoppedEpoch ?? restarted.Epochs[^1].Epoch);
        Assert.False(straight.Parameters.SequenceEqual(stateless.Parameters));
    }

    [Fact]
    public void A_checkpoint_with_fit_state_is_version_2_and_one_without_stays_version_1_and_both_load()
    {
        using var directory = new TempDirectory();
        var model = new AdamNet(seed: 1);
        IGradientTrainer trainer = model.CreateTrainer(32);
        var state = new FitState();
        trainer.Fit(Train, Options(state) with { Epochs = 2 });

        Checkpoint.Save(trainer, 2, directory.File("v2.ngck"), state);
        Checkpoint.Save(trainer, 2, directory.File("v1.ngck"));
        ModelFileInfo v2 = ModelFile.ReadInfo(directory.File("v2.ngck"));
        ModelFileInfo v1 = ModelFile.ReadInfo(directory.File("v1.ngck"));
        Assert.Equal((2, true), (v2.Version, v2.HasFitState));
        Assert.Equal((1, false), (v1.Version, v1.HasFitState));
        Assert.Equal(1, File.ReadAllBytes(directory.File("v1.ngck"))[4]); // the version-1 layout, byte for byte as before

        var loaded = new FitState();
        var other = new AdamNet(seed: 3);
        Assert.Equal(2, Checkpoint.Load(other.CreateTrainer(32), directory.File("v2.ngck"), loaded));
        Assert.Equal((state.Epoch, state.HasEarlyStopping, state.Monitor, state.BestEpoch, state.BestValue, state.Wait, state.StoppedEarly),
            (loaded.Epoch, loaded.HasEarlyStopping, loaded.Monitor, loaded.BestEpoch, loaded.BestValue, loaded.Wait, loaded.StoppedEarly));
        Bits.Equal(state.BestWeights, loaded.BestWeights, "best weights");
        Bits.Equal(model.Parameters, other.Parameters);

        // A version-1 checkpoint leaves the state fresh at its epoch; the weights of either load as a model file.
        Assert.Equal(2, Checkpoint.Load(other.CreateTrainer(32), directory.File("v1.ngck"), loaded));
        Assert.Equal((2, false, -1), (loaded.Epoch, loaded.HasEarlyStopping, loaded.BestEpoch));
        ModelFile.Load(new AdamNet(seed: 4), directory.File("v2.ngck"));

        // A state of another epoch is refused, on save and on resume.
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(trainer, 3, directory.File("x.ngck"), state));
        Assert.Throws<ArgumentException>(() => trainer.Fit(Train, Options(state) with { InitialEpoch = 1, Epochs = 3 }));
    }
}
