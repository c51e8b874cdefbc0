using System;

namespace NetGen.Training;

/// <summary>
/// What <see cref="Fitter.Fit"/> carries from one epoch to the next besides the model and the trainer: early
/// stopping's best value, best epoch, patience counter, whether it stopped, and the best weights. Give the same
/// instance to <see cref="FitOptions.State"/> and to <see cref="Serialization.Checkpoint"/>'s <c>Save</c> and
/// <c>Load</c>, and a resumed run continues exactly where the interrupted one was, early stopping included.
/// </summary>
/// <remarks>
/// <para><c>Fit</c> updates the instance after every epoch, before it reports the epoch to
/// <see cref="FitOptions.EpochProgress"/>, so a checkpoint saved from that callback holds the state as of that
/// epoch. A run that starts at <see cref="FitOptions.InitialEpoch"/> 0 clears it; a run that starts later takes it
/// over when its <see cref="Epoch"/> equals <see cref="FitOptions.InitialEpoch"/>, and refuses it otherwise.</para>
/// </remarks>
public sealed class FitState
{
    /// <summary>The epoch this state leads into: the number of epochs completed (0 for a fresh state).</summary>
    public int Epoch { get; internal set; }

    /// <summary>True when it holds early stopping's state (a run with <see cref="FitOptions.EarlyStopping"/> has completed an epoch).</summary>
    public bool HasEarlyStopping { get; internal set; }

    /// <summary>The metric early stopping watched (never <see cref="EarlyStoppingMonitor.Auto"/>).</summary>
    public EarlyStoppingMonitor Monitor { get; internal set; }

    /// <summary>The zero-based epoch with the best monitored value so far, or −1.</summary>
    public int BestEpoch { get; internal set; } = -1;

    /// <summary>The best monitored value so far (meaningful when <see cref="BestEpoch"/> ≥ 0).</summary>
    public double BestValue { get; internal set; }

    /// <summary>Epochs in a row without improvement (early stopping's patience counter).</summary>
    public int Wait { get; internal set; }

    /// <summary>True when early stopping ended the run: a resumed run trains no further epoch.</summary>
    public bool StoppedEarly { get; internal set; }

    /// <summary>The parameters after <see cref="BestEpoch"/>, kept when <see cref="EarlyStoppingOptions.RestoreBestWeights"/> is on; else empty.</summary>
    public ReadOnlySpan<float> BestWeights => BestWeightsArray;

    internal float[]? BestWeightsArray { get; set; }

    /// <summary>Back to a fresh state (epoch 0, no early stopping state).</summary>
    public void Clear()
    {
        Epoch = 0;
        HasEarlyStopping = false;
        Monitor = EarlyStoppingMonitor.Auto;
        BestEpoch = -1;
        BestValue = 0;
        Wait = 0;
        StoppedEarly = false;
        BestWeightsArray = null;
    }
}
