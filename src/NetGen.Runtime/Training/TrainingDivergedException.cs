using System;
using System.Globalization;

namespace NetGen.Training;

/// <summary>
/// Thrown by <see cref="Fitter.Fit"/> when a batch's loss is NaN or infinite, or when a parameter is NaN or infinite
/// after an epoch (checked once per epoch, before its validation and its <see cref="FitOptions.EpochProgress"/>
/// report, so no callback sees the diverged model).
/// </summary>
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

    /// <summary>
    /// Creates the exception for a parameter found non-finite at the end of epoch <paramref name="epoch"/>, whose last
    /// batch was <paramref name="batch"/> (both 1-based).
    /// </summary>
    /// <param name="epoch">The epoch, counted from 1.</param>
    /// <param name="batch">The epoch's last batch, counted from 1: the parameter turned non-finite in this epoch, at or before it.</param>
    /// <param name="loss">The loss of that last batch (finite: the losses are checked batch by batch).</param>
    /// <param name="parameterIndex">The first non-finite parameter's index in <see cref="IModel.Parameters"/>.</param>
    /// <param name="parameterValue">Its value.</param>
    /// <param name="location">Where it lies, e.g. <c>tensor '0.weight', element 5</c>; may be empty.</param>
    public TrainingDivergedException(int epoch, int batch, float loss, int parameterIndex, float parameterValue, string location)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"Training diverged: after epoch {epoch} (its last batch is {batch}, loss {loss}), parameter {parameterIndex}{(string.IsNullOrEmpty(location) ? "" : $" ({location})")} is {parameterValue}. Lower the learning rate, scale the inputs, or look for NaN or infinite values in the data."))
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
        ParameterIndex = parameterIndex;
        ParameterValue = parameterValue;
    }

    /// <summary>The epoch, counted from 1.</summary>
    public int Epoch { get; }

    /// <summary>The batch within the epoch, counted from 1 (for a non-finite parameter: the epoch's last batch).</summary>
    public int Batch { get; }

    /// <summary>The loss the trainer returned for <see cref="Batch"/>.</summary>
    public float Loss { get; }

    /// <summary>The index in <see cref="IModel.Parameters"/> of the first non-finite parameter, or null when the loss diverged.</summary>
    public int? ParameterIndex { get; }

    /// <summary>The value of that parameter (NaN or an infinity), or null when the loss diverged.</summary>
    public float? ParameterValue { get; }
}
