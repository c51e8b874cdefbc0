using System;
using System.Collections.Generic;
using System.Threading;
using NetGen.Data;
using NetGen.Evaluation;

namespace NetGen.Training;

/// <summary>Settings of <see cref="Fitter.Fit"/>, after Keras's <c>Model.fit</c>.</summary>
public sealed record FitOptions
{
    /// <summary>
    /// The epoch index to train up to (exclusive), as Keras's <c>epochs</c>: training runs epochs
    /// <see cref="InitialEpoch"/> … <c>Epochs − 1</c>. Default 1.
    /// </summary>
    public int Epochs { get; init; } = 1;

    /// <summary>The zero-based epoch to start at, for resuming a run (Keras's <c>initial_epoch</c>). Default 0.</summary>
    public int InitialEpoch { get; init; }

    /// <summary>Samples per optimizer step; at most the trainer's <see cref="ITrainer.MaxBatchSize"/>. The last batch of an epoch may be smaller. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Whether to visit the training samples in a new random order each epoch. Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// The shuffling seed. Epoch <c>e</c> shuffles with its own stream, <see cref="Fitter.EpochSeed"/>(Seed, e), so a run
    /// resumed at epoch <c>e</c> sees the same orders as an uninterrupted one. Default 0.
    /// </summary>
    public int Seed { get; init; }

    /// <summary>Data to compute <c>val_loss</c> and <c>val_accuracy</c> on after each epoch. Exclusive with <see cref="ValidationFraction"/>.</summary>
    public Dataset? ValidationData { get; init; }

    /// <summary>
    /// A fraction in [0, 1) of the training data to hold out for validation, taken from the <em>end</em> of the data
    /// before any shuffling (Keras's <c>validation_split</c>): the first <c>round(n·(1 − fraction))</c> samples train.
    /// Default 0 (none).
    /// </summary>
    public double ValidationFraction { get; init; }

    /// <summary>Samples per <see cref="IModel.Predict(ReadOnlySpan{float}, Span{float}, int)"/> call when validating. Default 256.</summary>
    public int ValidationBatchSize { get; init; } = 256;

    /// <summary>Stop when the monitored metric stops improving; null (default) never stops early.</summary>
    public EarlyStoppingOptions? EarlyStopping { get; init; }

    /// <summary>
    /// Whether to report training accuracy (when the data has classes). It is Keras's running accuracy: each batch is
    /// scored with the weights its optimizer step starts from, as the batch loss is. Generated trainers
    /// (<see cref="IGradientTrainer"/>) hand over the outputs of their own forward pass, which costs nothing; other
    /// trainers are scored with <see cref="IModel.Predict(ReadOnlySpan{float}, Span{float}, int)"/> just before the
    /// step, one extra forward pass per sample. Default true.
    /// </summary>
    public bool TrainAccuracy { get; init; } = true;

    /// <summary>
    /// Called after every batch, synchronously on the training thread. Use <see cref="SynchronousProgress{T}"/>
    /// (or any <see cref="IProgress{T}"/>); <see cref="Progress{T}"/> instead posts to the captured
    /// <see cref="SynchronizationContext"/> (or the thread pool) and allocates per report.
    /// </summary>
    public IProgress<BatchProgress>? BatchProgress { get; init; }

    /// <summary>Called after every epoch (with its validation), synchronously on the training thread; see <see cref="BatchProgress"/>.</summary>
    public IProgress<EpochResult>? EpochProgress { get; init; }

    /// <summary>
    /// Where <c>Fit</c> keeps what it carries between epochs (early stopping's state and best weights), so that a
    /// checkpoint can hold it: pass the same instance to <see cref="Serialization.Checkpoint"/>'s <c>Save</c> and
    /// <c>Load</c>, and a run resumed at <see cref="InitialEpoch"/> continues bit for bit, early stopping included.
    /// A run from epoch 0 clears it. Null (default): none is kept, and a resumed run starts early stopping afresh.
    /// </summary>
    public FitState? State { get; init; }

    /// <summary>Checked before every batch and every epoch; cancellation throws <see cref="OperationCanceledException"/> and leaves the model as trained so far.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// A step-wise learning-rate schedule: before every batch Fit sets the trainer's learning rate to
    /// <c>schedule.Rate(trainer.Step)</c>. Needs an <see cref="IGradientTrainer"/> (every generated trainer is one). Null
    /// keeps the rate as it is (the optimizer attribute's, or what a callback sets).
    /// </summary>
    public LearningRateSchedule? LearningRateSchedule { get; init; }

    /// <summary>
    /// Evaluate the validation data after each epoch with every metric <see cref="Evaluator.Evaluate(IModel, Dataset, EvaluationOptions, CancellationToken)"/>
    /// reports (ROC AUC and average precision for classifiers, MAE, RMSE and R² for regression, the confusion matrix), into
    /// <see cref="EpochResult.Validation"/>. Needs validation data. It keeps every validation output for the epoch's
    /// ranking metrics, so each epoch allocates a result; the loss and accuracy are the same numbers as without it.
    /// </summary>
    public bool ValidationMetrics { get; init; }

    /// <summary>With <see cref="ValidationMetrics"/>: also the validation top-k accuracy for this k (multi-class models).</summary>
    public int? ValidationTopK { get; init; }

    /// <summary>
    /// Random changes to each training batch (<see cref="RandomFlip"/>, <see cref="RandomTranslation"/>), made on Fit's
    /// own copy of the batch before the step; validation and evaluation see the data unchanged. Null: none.
    /// </summary>
    public Augmentation? Augmentation { get; init; }

    /// <summary>Callbacks, called in this order (see <see cref="FitCallback"/>). Null or empty: none.</summary>
    public IReadOnlyList<FitCallback>? Callbacks { get; init; }
}

/// <summary>The metric early stopping watches.</summary>
public enum EarlyStoppingMonitor
{
    /// <summary><see cref="ValidationLoss"/> when there is validation data, else <see cref="Loss"/>.</summary>
    Auto = 0,

    /// <summary>The epoch's training loss (lower is better).</summary>
    Loss,

    /// <summary>The loss on the validation data (lower is better).</summary>
    ValidationLoss,

    /// <summary>The epoch's training accuracy (higher is better).</summary>
    Accuracy,

    /// <summary>The accuracy on the validation data (higher is better).</summary>
    ValidationAccuracy,
}

/// <summary>Keras's <c>EarlyStopping</c> callback.</summary>
/// <remarks>
/// After each epoch the monitored value counts as an improvement when it beats the best so far by more than
/// <see cref="MinDelta"/>; training stops once <see cref="Patience"/> epochs in a row brought none.
/// </remarks>
public sealed record EarlyStoppingOptions
{
    /// <summary>Creates the options.</summary>
    /// <param name="patience">Epochs without improvement after which training stops.</param>
    public EarlyStoppingOptions(int patience)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        Patience = patience;
    }

    /// <summary>Epochs without improvement after which training stops (Keras: <c>patience</c>; 0 stops at the first epoch without improvement).</summary>
    public int Patience { get; }

    /// <summary>The metric to watch. Default <see cref="EarlyStoppingMonitor.Auto"/>: <c>val_loss</c>, or <c>loss</c> without validation data.</summary>
    public EarlyStoppingMonitor Monitor { get; init; }

    /// <summary>The smallest change that counts as an improvement (non-negative). Default 0.</summary>
    public double MinDelta { get; init; }

    /// <summary>
    /// Whether to put back the parameters of the best epoch when training ends — on an early stop, and also when the
    /// epochs run out after the best one. A copy of <see cref="IModel.Parameters"/> is kept in one buffer allocated
    /// when training starts. The optimizer state and step count are not restored. Default false.
    /// </summary>
    public bool RestoreBestWeights { get; init; }
}
