using System;
using System.IO;
using NetGen.Training;

namespace NetGen.Serialization;

/// <summary>
/// Saves and restores everything needed to resume training: the parameters, the optimizer state
/// (<see cref="ITrainer.OptimizerState"/>), the step count (<see cref="ITrainer.Step"/>), the epoch to resume from,
/// the learning rate when the trainer is an <see cref="IGradientTrainer"/>, and, when given a
/// <see cref="FitState"/>, <c>Fit</c>'s own state (early stopping's best value, best epoch, patience counter and best
/// weights). Same container, checks and atomic writes as <see cref="ModelFile"/> (<c>.ngck</c> by convention); a
/// checkpoint with a fit state is format version 2, one without stays version 1, and both load.
/// </summary>
/// <example>
/// Resume a seeded run bit-identically, early stopping included:
/// <code>
/// var trainer = model.CreateTrainer(32);
/// var state = new FitState();
/// var options = new FitOptions { Epochs = 10, Seed = 1, EarlyStopping = new EarlyStoppingOptions(3), State = state };
/// int start = File.Exists(path) ? Checkpoint.Load(trainer, path, state) : 0;
/// trainer.Fit(train, options with
/// {
///     InitialEpoch = start,
///     EpochProgress = new SynchronousProgress&lt;EpochResult&gt;(r =&gt; Checkpoint.Save(trainer, r.Epoch + 1, path, state)),
/// });
/// </code>
/// </example>
public static class Checkpoint
{
    /// <summary>
    /// Saves <paramref name="trainer"/>'s model and optimizer to <paramref name="path"/>, atomically.
    /// </summary>
    /// <param name="trainer">The trainer; call between batches, never during one.</param>
    /// <param name="epoch">The epoch to resume from: the number of epochs completed, i.e. the next epoch's index
    /// (<see cref="Training.FitOptions.InitialEpoch"/> for the resumed run).</param>
    /// <param name="path">The checkpoint file to create or replace.</param>
    /// <param name="state"><c>Fit</c>'s state (<see cref="Training.FitOptions.State"/>) to save with it, or null;
    /// its <see cref="FitState.Epoch"/> must equal <paramref name="epoch"/>.</param>
    public static void Save(ITrainer trainer, int epoch, string path, FitState? state = null) => Save(trainer, epoch, path, state, openTemporary: null);

    /// <summary>Writes a checkpoint to <paramref name="stream"/> at its position. See <see cref="Save(ITrainer, int, string, FitState?)"/>.</summary>
    public static void Save(ITrainer trainer, int epoch, Stream stream, FitState? state = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        IModel model = ModelOf(trainer);
        if (trainer.Step < 0) throw new ArgumentException($"The trainer's Step is {trainer.Step}; it must not be negative.", nameof(trainer));
        CheckState(state, epoch);
        float? learningRate = trainer is IGradientTrainer gradientTrainer ? gradientTrainer.LearningRate : null;
        ModelContainer.Write(stream, ModelFileKind.Checkpoint, model.Architecture, model.Parameters, trainer.OptimizerState,
            trainer.Step, epoch, learningRate, state);
    }

    /// <summary>Test seam: <paramref name="openTemporary"/> opens the temporary file.</summary>
    internal static void Save(ITrainer trainer, int epoch, string path, Func<string, Stream>? openTemporary) =>
        Save(trainer, epoch, path, null, openTemporary);

    /// <summary>Test seam: <paramref name="openTemporary"/> opens the temporary file.</summary>
    internal static void Save(ITrainer trainer, int epoch, string path, FitState? state, Func<string, Stream>? openTemporary)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        CheckState(state, epoch);
        AtomicFile.Write(path, stream => Save(trainer, epoch, stream, state), openTemporary);
    }

    private static void CheckState(FitState? state, int epoch)
    {
        if (state is not null && state.Epoch != epoch)
            throw new ArgumentException(
                $"The fit state leads into epoch {state.Epoch}, but the checkpoint is for epoch {epoch}: save the state Fit updated for this epoch (FitOptions.State), from its EpochProgress callback.",
                nameof(state));
    }

    /// <summary>
    /// Restores a checkpoint saved by <see cref="Save(ITrainer, int, string, FitState?)"/> into <paramref name="trainer"/> and its
    /// model: parameters, optimizer state, step, the learning rate (when both the file and the trainer have one), and
    /// <c>Fit</c>'s state into <paramref name="state"/> when given.
    /// </summary>
    /// <param name="trainer">The trainer to restore.</param>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="state">Receives <c>Fit</c>'s state (pass it on as <see cref="Training.FitOptions.State"/>); a
    /// checkpoint saved without one (any version-1 checkpoint) leaves it fresh at the checkpoint's epoch, and early
    /// stopping then starts afresh. Null: not read.</param>
    /// <param name="options">Settings; null means <see cref="ModelFileOptions.Default"/> (non-finite values refused).</param>
    /// <returns>The epoch to resume from, for <see cref="Training.FitOptions.InitialEpoch"/>.</returns>
    /// <exception cref="ModelFormatException">The file is not a checkpoint (e.g. a model file), has another format
    /// version or architecture, an optimizer state of another size, is truncated or corrupt, or holds a NaN or infinite
    /// parameter, optimizer-state value or best weight (unless <see cref="ModelFileOptions.AllowNonFiniteValues"/>).
    /// Nothing is changed.</exception>
    public static int Load(ITrainer trainer, string path, FitState? state = null, ModelFileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = ModelFile.OpenRead(path);
        return Load(trainer, stream, $"'{path}'", stream.Length, state, options ?? ModelFileOptions.Default);
    }

    /// <summary>Restores a checkpoint from <paramref name="stream"/> (exactly its bytes are read). See <see cref="Load(ITrainer, string, FitState?, ModelFileOptions?)"/>.</summary>
    public static int Load(ITrainer trainer, Stream stream, FitState? state = null, ModelFileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(stream);
        return Load(trainer, stream, "The stream", null, state, options ?? ModelFileOptions.Default);
    }

    private static int Load(ITrainer trainer, Stream stream, string source, long? knownLength, FitState? fitState, ModelFileOptions options)
    {
        IModel model = ModelOf(trainer);
        Span<float> parameters = model.Parameters;
        Span<float> state = trainer.OptimizerState;
        if (parameters.Length != model.ParameterCount)
            throw new ArgumentException($"The model's Parameters span has {parameters.Length} floats but its ParameterCount is {model.ParameterCount}.", nameof(trainer));

        ModelContainer.Contents contents = ModelContainer.Read(stream, source, knownLength,
            new ModelContainer.Expectation(model.Architecture, model.ParameterCount, KeepParameters: true, state.Length, KeepState: true));
        ModelFileInfo info = contents.Info;
        if (info.Kind != ModelFileKind.Checkpoint)
            throw new ModelFormatException(ModelFormatError.WrongKind,
                $"{source} is a model file, not a checkpoint: it holds parameters only, no optimizer state or step. Load it with ModelFile.Load to use the weights, and start training from epoch 0.");
        if (info.OptimizerStateCount != state.Length)
            throw new ModelFormatException(ModelFormatError.OptimizerStateMismatch,
                $"{source} holds {info.OptimizerStateCount} optimizer-state values, but the trainer keeps {state.Length}: it was saved from a trainer with other optimizer settings (e.g. SGD with and without momentum).",
                model.Architecture, info.Architecture);

        if (!options.AllowNonFiniteValues)
        {
            ModelContainer.RefuseNonFinite(contents.Parameters, source, "parameter", model.ParameterBlocks, "ModelFileOptions.AllowNonFiniteValues");
            ModelContainer.RefuseNonFinite(contents.State, source, "optimizer-state value", null, "ModelFileOptions.AllowNonFiniteValues");
            if (contents.Fit?.BestWeightsArray is { } best)
                ModelContainer.RefuseNonFinite(best, source, "best weight (early stopping)", model.ParameterBlocks, "ModelFileOptions.AllowNonFiniteValues");
        }

        // Everything is verified: now change the trainer, all at once.
        contents.Parameters.AsSpan().CopyTo(parameters);
        contents.State.AsSpan().CopyTo(state);
        trainer.Step = info.Step;
        if (info.LearningRate is { } rate && trainer is IGradientTrainer gradientTrainer) gradientTrainer.LearningRate = rate;
        if (fitState is not null)
        {
            fitState.Clear();
            fitState.Epoch = info.Epoch;
            if (contents.Fit is { } fit)
            {
                fitState.HasEarlyStopping = fit.HasEarlyStopping;
                fitState.Monitor = fit.Monitor;
                fitState.BestEpoch = fit.BestEpoch;
                fitState.BestValue = fit.BestValue;
                fitState.Wait = fit.Wait;
                fitState.StoppedEarly = fit.StoppedEarly;
                fitState.BestWeightsArray = fit.BestWeightsArray;
            }
        }
        return info.Epoch;
    }

    private static IModel ModelOf(ITrainer trainer) =>
        trainer.Model ?? throw new ArgumentException("The trainer's Model is null.", nameof(trainer));
}
