namespace NetGen.Training;

/// <summary>What <see cref="FitOptions.BatchProgress"/> receives after each batch.</summary>
/// <param name="Epoch">Zero-based epoch index.</param>
/// <param name="Batch">Zero-based batch index within the epoch.</param>
/// <param name="BatchCount">Batches in the epoch.</param>
/// <param name="BatchSize">Samples in this batch (the last batch may be smaller than <see cref="FitOptions.BatchSize"/>).</param>
/// <param name="Loss">This batch's mean loss, as the trainer returned it.</param>
/// <param name="MeanLoss">The epoch's mean loss so far (batch losses weighted by batch size).</param>
/// <param name="MeanAccuracy">The epoch's running accuracy so far, or null when it is not tracked.</param>
public readonly record struct BatchProgress(int Epoch, int Batch, int BatchCount, int BatchSize, float Loss, double MeanLoss, double? MeanAccuracy);
