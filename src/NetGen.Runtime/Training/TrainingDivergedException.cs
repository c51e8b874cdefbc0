using System;
using System.Globalization;

namespace NetGen.Training;

/// <summary>Thrown by <see cref="Fitter.Fit"/> when a batch's loss is NaN or infinite.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for batch <paramref name="batch"/> of epoch <paramref name="epoch"/> (both 1-based).</summary>
    public TrainingDivergedException(int epoch, int batch, float loss)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"Training diverged: the loss of batch {batch} in epoch {epoch} is {loss}. Lower the learning rate, scale the inputs, or look for NaN or infinite values in the data."))
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
    }

    /// <summary>The epoch, counted from 1.</summary>
    public int Epoch { get; }

    /// <summary>The batch within the epoch, counted from 1.</summary>
    public int Batch { get; }

    /// <summary>The loss the trainer returned.</summary>
    public float Loss { get; }
}
