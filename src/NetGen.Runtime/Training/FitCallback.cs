using System;

namespace NetGen.Training;

/// <summary>
/// Code that <see cref="Fitter.Fit"/> calls during training (Keras's <c>keras.callbacks.Callback</c>): override the hooks
/// you need. Every hook runs on the training thread, between batches or epochs, and receives the run's
/// <see cref="FitContext"/>, through which a callback can stop training or change the learning rate. Callbacks run in the
/// order of <see cref="FitOptions.Callbacks"/>, after the built-in early stopping has looked at the epoch. The batch hooks
/// run inside the batch loop: keep them allocation-free if training must be.
/// </summary>
public abstract class FitCallback
{
    /// <summary>Before the first epoch.</summary>
    public virtual void OnTrainBegin(FitContext context) { }

    /// <summary>Before epoch <paramref name="epoch"/> (0-based).</summary>
    public virtual void OnEpochBegin(FitContext context, int epoch) { }

    /// <summary>Before batch <paramref name="batch"/> of epoch <paramref name="epoch"/>: the learning rate set here is this batch's.</summary>
    public virtual void OnBatchBegin(FitContext context, int epoch, int batch) { }

    /// <summary>After a batch's step, with its loss and the epoch's running figures.</summary>
    public virtual void OnBatchEnd(FitContext context, in BatchProgress batch) { }

    /// <summary>After an epoch and its validation: the epoch's logs.</summary>
    public virtual void OnEpochEnd(FitContext context, EpochResult result) { }

    /// <summary>After the last epoch (also after a stop), with the whole history.</summary>
    public virtual void OnTrainEnd(FitContext context, TrainingHistory history) { }
}

/// <summary>What a <see cref="FitCallback"/> sees of the run, and the two things it can change.</summary>
public sealed class FitContext
{
    private readonly LearningRateSchedule? _schedule;

    /// <summary>
    /// Creates a context for <paramref name="trainer"/>. Fit makes one per run; create your own to drive a callback in a
    /// test or in a training loop of your own.
    /// </summary>
    public FitContext(ITrainer trainer, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        options ??= new FitOptions();
        Trainer = trainer;
        Model = trainer.Model;
        Options = options;
        _schedule = options.LearningRateSchedule;
    }

    /// <summary>The trainer Fit drives.</summary>
    public ITrainer Trainer { get; }

    /// <summary>The model being trained.</summary>
    public IModel Model { get; }

    /// <summary>The run's options.</summary>
    public FitOptions Options { get; }

    /// <summary>The epoch running or just ended (0-based).</summary>
    public int Epoch { get; set; }

    /// <summary>Optimizer steps the trainer has taken.</summary>
    public long Step => Trainer.Step;

    /// <summary>
    /// Set by a callback to end training after the current epoch (Keras's <c>model.stop_training = True</c>); set during a
    /// batch, the epoch still finishes. <see cref="TrainingHistory.StoppedEarly"/> then says so.
    /// </summary>
    public bool StopTraining { get; set; }

    /// <summary>
    /// The trainer's learning rate. Setting it changes every following step's (until set again).
    /// </summary>
    /// <exception cref="InvalidOperationException">The trainer has no settable learning rate (it is not an
    /// <see cref="IGradientTrainer"/>), or a <see cref="FitOptions.LearningRateSchedule"/> sets it (as Keras, which refuses
    /// to change a scheduled rate).</exception>
    public double LearningRate
    {
        get => Trainer is IGradientTrainer g ? g.LearningRate
            : throw new InvalidOperationException($"{Trainer.GetType().Name} is not an IGradientTrainer: it has no learning rate to read or set.");
        set
        {
            if (Trainer is not IGradientTrainer g)
                throw new InvalidOperationException($"{Trainer.GetType().Name} is not an IGradientTrainer: it has no learning rate to read or set.");
            if (_schedule is not null)
                throw new InvalidOperationException(
                    $"FitOptions.LearningRateSchedule ({_schedule.GetType().Name}) sets the learning rate before every batch; a callback cannot change it as well. Use one or the other.");
            if (!(value >= 0) || !double.IsFinite(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be finite and not negative.");
            g.LearningRate = (float)value;
        }
    }
}
