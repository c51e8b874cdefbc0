using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetGen.Training;

/// <summary>The metrics of one epoch.</summary>
/// <param name="Epoch">Zero-based epoch index (Keras prints it as <c>Epoch {Epoch + 1}/{TotalEpochs}</c>).</param>
/// <param name="TotalEpochs">The run's <see cref="FitOptions.Epochs"/>: the epoch index training runs up to.</param>
/// <param name="Loss">Mean of the batch losses the trainer returned, weighted by batch size.</param>
/// <param name="Accuracy">
/// Running training accuracy: each batch predicted just before its step (see <see cref="FitOptions.TrainAccuracy"/>);
/// null when not tracked or when the data has no classes.
/// </param>
/// <param name="ValidationLoss">Mean loss on the validation data after the epoch, or null without validation.</param>
/// <param name="ValidationAccuracy">Accuracy on the validation data after the epoch, or null.</param>
/// <param name="Seconds">Wall-clock time of the epoch, validation included.</param>
/// <param name="Batches">Optimizer steps taken in the epoch.</param>
/// <param name="Samples">Training samples seen in the epoch.</param>
public sealed record EpochResult(
    int Epoch,
    int TotalEpochs,
    double Loss,
    double? Accuracy,
    double? ValidationLoss,
    double? ValidationAccuracy,
    double Seconds,
    int Batches,
    int Samples)
{
    /// <summary>
    /// The learning rate of the epoch's last step (after a schedule or callback set it), or null when the trainer has none
    /// to read (it is not an <see cref="IGradientTrainer"/>).
    /// </summary>
    public double? LearningRate { get; init; }

    /// <summary>
    /// The whole evaluation of the validation data after the epoch (ROC AUC, average precision, top-k, MAE, RMSE, R², the
    /// confusion matrix) when <see cref="FitOptions.ValidationMetrics"/> is on; else null.
    /// </summary>
    public NetGen.Evaluation.EvaluationResult? Validation { get; init; }

    /// <summary>One line in Keras's style: <c>Epoch 3/10 - 1.20s - loss: 0.4321 - accuracy: 0.8765 - val_loss: …</c>.</summary>
    public override string ToString()
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"Epoch {Epoch + 1}/{TotalEpochs} - {Seconds:F2}s - loss: {Loss:F4}");
        if (Accuracy is double a) sb.Append(inv, $" - accuracy: {a:F4}");
        if (ValidationLoss is double vl) sb.Append(inv, $" - val_loss: {vl:F4}");
        if (ValidationAccuracy is double va) sb.Append(inv, $" - val_accuracy: {va:F4}");
        return sb.ToString();
    }
}

/// <summary>What <see cref="Fitter.Fit"/> did, epoch by epoch (Keras's <c>History</c>).</summary>
public sealed class TrainingHistory
{
    /// <summary>Creates a history.</summary>
    public TrainingHistory(
        IReadOnlyList<EpochResult> epochs,
        int trainSamples,
        int validationSamples,
        EarlyStoppingMonitor? monitor,
        bool stoppedEarly,
        int? bestEpoch,
        double? bestValue,
        bool restoredBestWeights)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        Epochs = epochs;
        TrainSamples = trainSamples;
        ValidationSamples = validationSamples;
        Monitor = monitor;
        StoppedEarly = stoppedEarly;
        BestEpoch = bestEpoch;
        BestValue = bestValue;
        RestoredBestWeights = restoredBestWeights;
    }

    /// <summary>One entry per epoch trained, in order.</summary>
    public IReadOnlyList<EpochResult> Epochs { get; }

    /// <summary>Samples trained on per epoch (after any validation split).</summary>
    public int TrainSamples { get; }

    /// <summary>Samples validated on per epoch (0 without validation).</summary>
    public int ValidationSamples { get; }

    /// <summary>The metric early stopping watched (never <see cref="EarlyStoppingMonitor.Auto"/>), or null without early stopping.</summary>
    public EarlyStoppingMonitor? Monitor { get; }

    /// <summary>True when early stopping ended training before <see cref="FitOptions.Epochs"/>.</summary>
    public bool StoppedEarly { get; }

    /// <summary>True when a callback ended training before <see cref="FitOptions.Epochs"/> (<see cref="FitContext.StopTraining"/>).</summary>
    public bool StoppedByCallback { get; init; }

    /// <summary>The zero-based index of the last epoch trained when training stopped early, else null.</summary>
    public int? StoppedEpoch => StoppedEarly && Epochs.Count > 0 ? Epochs[^1].Epoch : null;

    /// <summary>The zero-based epoch with the best monitored value, or null without early stopping.</summary>
    public int? BestEpoch { get; }

    /// <summary>The best monitored value, or null without early stopping.</summary>
    public double? BestValue { get; }

    /// <summary>True when the parameters were put back to those after <see cref="BestEpoch"/>.</summary>
    public bool RestoredBestWeights { get; }

    /// <summary>The last epoch's result, or null when no epoch ran.</summary>
    public EpochResult? Last => Epochs.Count == 0 ? null : Epochs[^1];

    /// <summary>One line per epoch, then how early stopping ended, if it did.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (EpochResult e in Epochs) sb.Append(e.ToString()).Append('\n');
        if (StoppedEarly)
            sb.Append(CultureInfo.InvariantCulture, $"Stopped early after epoch {StoppedEpoch + 1}: best {Monitor} {BestValue:F4} at epoch {BestEpoch + 1}");
        else if (BestEpoch is int best)
            sb.Append(CultureInfo.InvariantCulture, $"Best {Monitor} {BestValue:F4} at epoch {best + 1}");
        if (RestoredBestWeights) sb.Append("; restored its weights");
        if (StoppedByCallback && Epochs.Count > 0)
            sb.Append(CultureInfo.InvariantCulture, $"{(StoppedEarly || BestEpoch is not null ? "\n" : "")}Stopped by a callback after epoch {Epochs[^1].Epoch + 1}");
        if (StoppedEarly || BestEpoch is not null || StoppedByCallback) sb.Append('\n');
        return sb.ToString();
    }
}
