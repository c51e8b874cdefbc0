using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NetGen.Data;
using NetGen.Evaluation;
using NetGen.Serialization;
using NetGen.Training;

namespace NetGen.Samples;

/// <summary>Which Fashion-MNIST the run used.</summary>
public enum DataKind
{
    /// <summary>The full set (60,000 training, 10,000 test images), or whatever <c>--data</c> pointed at other than the subset.</summary>
    Full,

    /// <summary>The repository's subset (6,000 training, 1,000 test images).</summary>
    Subset,
}

/// <summary>The data of a run, loaded and scaled.</summary>
/// <param name="Kind">Full set or the repository's subset.</param>
/// <param name="Directory">Where the IDX files were read from.</param>
/// <param name="Note">Why the subset is used when it was not asked for (the full set is not installed); else null.</param>
/// <param name="Train">Training images, 784 floats in [0, 1] each, with labels 0–9.</param>
/// <param name="Test">Test images, same form.</param>
/// <param name="LoadSeconds">Time to read, decompress and scale both sets.</param>
public sealed record LoadedData(DataKind Kind, string Directory, string? Note, Dataset Train, Dataset Test, double LoadSeconds);

/// <summary>What a run produced.</summary>
/// <param name="Data">The data it trained and evaluated on.</param>
/// <param name="Network">Which network (<c>--model</c>).</param>
/// <param name="Model">The trained (or loaded) network.</param>
/// <param name="History">Keras's <c>History</c>: one entry per epoch trained in this run (none when it only evaluated loaded weights).</param>
/// <param name="Evaluation">Keras's <c>evaluate(x_test, y_test)</c>, with the confusion matrix.</param>
/// <param name="Options">The options it ran with.</param>
/// <param name="LoadedFrom">The model file (<c>--load</c>) or safetensors file (<c>--import-safetensors</c>) the weights came from; null otherwise.</param>
/// <param name="InitialEpoch">The epoch training resumed from (<c>--checkpoint</c>); 0 for a run from the start.</param>
public sealed record JobResult(
    LoadedData Data,
    SampleNetwork Network,
    ITrainableModel Model,
    TrainingHistory History,
    EvaluationResult Evaluation,
    SampleOptions Options,
    string? LoadedFrom = null,
    int InitialEpoch = 0)
{
    /// <summary>The names of the ten classes, index = label.</summary>
    public IReadOnlyList<string> ClassNames => FashionMnist.ClassNames;

    /// <summary>The test accuracy (always present for this classifier).</summary>
    public double TestAccuracy => Evaluation.Accuracy ?? 0;

    /// <summary>The confusion matrix of the test set.</summary>
    public ConfusionMatrix ConfusionMatrix => Evaluation.ConfusionMatrix!;

    /// <summary>Whether this run trained at least one epoch.</summary>
    public bool Trained => History.Epochs.Count > 0;
}

/// <summary>
/// A command line that names something unusable (a data directory without the files, a model file that does not
/// exist, a safetensors file for a network that has no safetensors form, …): a usage error, exit code 2.
/// </summary>
public class SampleUsageException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>A requested data directory that does not hold Fashion-MNIST (a usage error: exit code 2).</summary>
public sealed class DataNotFoundException(string message) : SampleUsageException(message);

/// <summary>A model file, checkpoint or safetensors file could not be written (exit code 1).</summary>
public sealed class ModelOutputException(string message, Exception innerException) : IOException(message, innerException);

/// <summary>
/// The sample's pipeline, step by step as Keras's Fashion-MNIST example, so the console program and the tests run the
/// same code: <see cref="LoadData"/>, then <see cref="Train"/>; <see cref="Run"/> does both. It is the same for every
/// network (<see cref="SampleOptions.Model"/>): the models are used through <see cref="ITrainableModel"/> and
/// <see cref="IGradientTrainer"/>.
/// </summary>
public static class FashionMnistJob
{
    /// <summary>The note printed when the full set is not installed and the subset is used instead.</summary>
    public const string SubsetFallbackNote =
        "The full Fashion-MNIST is not installed in " + FashionMnist.DefaultDirectory +
        " (apt-get install dataset-fashion-mnist, or pass --data DIR): using the repository's subset " +
        "(data/fashion-mnist-subset, 6,000 training and 1,000 test images). Its accuracy is not comparable with the full test set's.";

    /// <summary>Loads the data and trains and evaluates the network on it.</summary>
    public static JobResult Run(SampleOptions options, IProgress<BatchProgress>? batchProgress = null, IProgress<EpochResult>? epochProgress = null)
    {
        CheckFiles(options);
        return Train(LoadData(options), options, batchProgress, epochProgress);
    }

    /// <summary>
    /// Keras: <c>(x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()</c>, then
    /// <c>x_train, x_test = x_train / 255.0, x_test / 255.0</c> and <c>reshape(-1, 784)</c> for the MLP, or
    /// <c>reshape(-1, 28, 28, 1)</c> for LeNet-5.
    /// </summary>
    /// <exception cref="DataNotFoundException"><c>--data</c> names a directory without the four files.</exception>
    /// <exception cref="DirectoryNotFoundException">The subset is needed and not found above the program or the current directory.</exception>
    /// <exception cref="InvalidDataException">A data file is damaged.</exception>
    /// <param name="options">The options: <see cref="SampleOptions.Subset"/> and <see cref="SampleOptions.DataDirectory"/> choose the data, <see cref="SampleOptions.Model"/> its shape.</param>
    /// <param name="fullDataDirectory">Where to look for the full set when neither is given (tests point it elsewhere).</param>
    public static LoadedData LoadData(SampleOptions options, string fullDataDirectory = FashionMnist.DefaultDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fullDataDirectory);
        long started = Stopwatch.GetTimestamp();
        (DataKind kind, string directory, string? note) = Locate(options, fullDataDirectory);

        // (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
        (Dataset train, Dataset test) = FashionMnist.Load(directory);

        // x_train, x_test = x_train / 255.0, x_test / 255.0
        var scale = Scale.DivideBy(255f);
        train = scale.Transform(train);
        test = scale.Transform(test);

        // --limit N: x_train, y_train = x_train[:N], y_train[:N].
        if (options.Limit is int limit && limit < train.Count)
        {
            var first = new int[limit];
            for (int i = 0; i < limit; i++) first[i] = i;
            train = train.Subset(first);
        }

        // x_train = x_train.reshape(-1, 784) for the MLP, whose input is 784 floats; LeNet-5 takes the images as
        // [28, 28, 1] (height, width, channels), the LSTM and the GRU as [28, 28] (28 rows, the steps, of 28 pixels).
        // Either way a view of the same floats, nothing is copied.
        int[] shape = SampleNetwork.For(options.Model).SampleShape.ToArray();
        train = train.Reshape(shape);
        test = test.Reshape(shape);

        return new LoadedData(kind, directory, note, train, test, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>
    /// Checks, before any data is loaded or any epoch trained, that the files the options name can be used: the
    /// network has a safetensors form when one is asked for; the model file, safetensors file or checkpoint to start
    /// from exists and loads into this network (it is read and verified into a scratch model, and read again by
    /// <see cref="Train"/>); the folders of the files to write exist.
    /// </summary>
    /// <exception cref="SampleUsageException">A file is missing, a folder does not exist, the network has no safetensors
    /// form, or a checkpoint is past <see cref="SampleOptions.Epochs"/> (exit code 2).</exception>
    /// <exception cref="ModelFormatException">A file to start from is damaged or was saved from another network (exit code 1).</exception>
    public static void CheckFiles(SampleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        SampleNetwork network = SampleNetwork.For(options.Model);
        string? safeTensorsOption = options.ExportSafeTensorsPath is not null ? "--export-safetensors"
            : options.ImportSafeTensorsPath is not null ? "--import-safetensors" : null;
        if (safeTensorsOption is not null && !network.SupportsSafeTensors(out string? reason))
            throw new SampleUsageException(
                $"{safeTensorsOption}: the {network.Name} network has no safetensors form: {reason} " +
                "Use --save/--load (NetGen's model file), which keeps every layer.");

        if (options.LoadPath is { } load) MustExist("--load", load);
        if (options.ImportSafeTensorsPath is { } import) MustExist("--import-safetensors", import);
        if (options.SavePath is { } save) FolderMustExist("--save", save);
        if (options.ExportSafeTensorsPath is { } export) FolderMustExist("--export-safetensors", export);
        if (options.CheckpointPath is { } checkpoint)
        {
            if (Directory.Exists(checkpoint)) throw new SampleUsageException($"--checkpoint {checkpoint}: that is a directory; name a file.");
            FolderMustExist("--checkpoint", checkpoint);
        }

        // Load what the run will start from into a scratch model now, so that a damaged file or one saved from the
        // other network fails before the data is loaded, not after.
        string? resume = options.CheckpointPath is { } path && File.Exists(path) ? path : null;
        if (options.LoadPath is null && options.ImportSafeTensorsPath is null && resume is null) return;
        ITrainableModel scratch = network.Create(0);
        if (options.LoadPath is { } loadPath) Reading("--load", loadPath, () => ModelFile.Load(scratch, loadPath));
        if (options.ImportSafeTensorsPath is { } importPath) Reading("--import-safetensors", importPath, () => SafeTensors.Import(scratch, importPath));
        if (resume is not null)
        {
            IGradientTrainer trainer = scratch.CreateTrainer(options.BatchSize, degreeOfParallelism: 1);
            try
            {
                int epoch = 0;
                Reading("--checkpoint", resume, () => epoch = Checkpoint.Load(trainer, resume));
                CheckResumable(resume, epoch, options.Epochs);
            }
            finally
            {
                (trainer as IDisposable)?.Dispose();
            }
        }

        static void MustExist(string option, string path)
        {
            if (!File.Exists(path))
                throw new SampleUsageException(Directory.Exists(path)
                    ? $"{option} {path}: that is a directory; name a file."
                    : $"{option} {path}: there is no such file ({Path.GetFullPath(path)}).");
        }

        static void FolderMustExist(string option, string path)
        {
            if (Directory.Exists(path)) throw new SampleUsageException($"{option} {path}: that is a directory; name a file.");
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null && !Directory.Exists(folder))
                throw new SampleUsageException($"{option} {path}: the folder {folder} does not exist.");
        }
    }

    /// <summary>
    /// Builds, trains and evaluates the network <see cref="SampleOptions.Model"/> on <paramref name="data"/>.
    /// Deterministic: the same seed, data and <see cref="SampleOptions.Threads"/> give the same history and the same
    /// evaluation, bit for bit.
    /// </summary>
    /// <remarks>
    /// The steps, each only when its option is given: start from a model file (<c>--load</c>) or a safetensors file
    /// (<c>--import-safetensors</c>) or resume a checkpoint (<c>--checkpoint</c>); train (unless the weights were loaded
    /// and no epochs were asked for: <see cref="SampleOptions.Trains"/>), saving the checkpoint after every epoch; save
    /// the model file (<c>--save</c>) and the safetensors file (<c>--export-safetensors</c>); evaluate on the test set.
    /// </remarks>
    /// <exception cref="SampleUsageException">A file to start from is missing, or a checkpoint is past <see cref="SampleOptions.Epochs"/>.</exception>
    /// <exception cref="ModelFormatException">A file to start from is damaged or was saved from another network.</exception>
    /// <exception cref="ModelOutputException">A model file, checkpoint or safetensors file could not be written.</exception>
    public static JobResult Train(LoadedData data, SampleOptions options, IProgress<BatchProgress>? batchProgress = null, IProgress<EpochResult>? epochProgress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        SampleNetwork network = SampleNetwork.For(options.Model);
        Dataset train = ShapedFor(network, data.Train), test = ShapedFor(network, data.Test);

        // model = keras.Sequential([...]): the layers are the attributes on FashionMlp, LeNet5, FashionLstm or FashionGru; the generator wrote
        // the code. Weights start as Keras's defaults (Glorot-uniform kernels, zero biases), from the seed.
        ITrainableModel model = network.Create(options.Seed);

        // model = keras.models.load_model(path) / model.load_weights(path): replaces every weight, or changes none.
        string? loadedFrom = null;
        if (options.LoadPath is { } load)
        {
            Reading("--load", load, () => ModelFile.Load(model, load));
            loadedFrom = load;
        }
        else if (options.ImportSafeTensorsPath is { } import)
        {
            Reading("--import-safetensors", import, () => SafeTensors.Import(model, import));
            loadedFrom = import;
        }

        // model.compile(optimizer=Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"]):
        // the trainer owns every training buffer (activations, gradients, Adam's moments) for batches up to batch_size,
        // and its workers (--threads: 0 = every core, 1 = this thread only); disposing it stops them.
        IGradientTrainer trainer = model.CreateTrainer(options.BatchSize, options.Threads);
        if (options.LearningRate is float rate) trainer.LearningRate = rate;
        TrainingHistory history;
        int initialEpoch = 0;
        try
        {
            // A checkpoint restores the weights, Adam's moments and step, and the epoch to go on from.
            if (options.CheckpointPath is { } checkpoint && File.Exists(checkpoint))
            {
                Reading("--checkpoint", checkpoint, () => initialEpoch = Checkpoint.Load(trainer, checkpoint));
                CheckResumable(checkpoint, initialEpoch, options.Epochs);
            }

            if (options.Trains)
            {
                IProgress<EpochResult>? onEpoch = epochProgress;
                if (options.CheckpointPath is { } path)
                {
                    // Saved between epochs, on the training thread, before the epoch is reported.
                    onEpoch = new SynchronousProgress<EpochResult>(e =>
                    {
                        Writing("--checkpoint", path, () => Checkpoint.Save(trainer, e.Epoch + 1, path));
                        epochProgress?.Report(e);
                    });
                }

                // history = model.fit(x_train, y_train, epochs=10, batch_size=32[, validation_split=F | validation_data=(x_test, y_test)])
                history = trainer.Fit(train, new FitOptions
                {
                    Epochs = options.Epochs,
                    InitialEpoch = initialEpoch,
                    BatchSize = options.BatchSize,
                    Seed = options.Seed,
                    ValidationFraction = options.ValidationSplit,
                    ValidationData = options.ValidateOnTest ? test : null,
                    BatchProgress = batchProgress,
                    EpochProgress = onEpoch,
                    LearningRateSchedule = options.CosineSchedule ? CosineOverTheRun(trainer, train.Count, options) : null,
                    Augmentation = AugmentationFor(options.Augment, network),
                });
            }
            else
            {
                history = new TrainingHistory([], 0, 0, monitor: null, stoppedEarly: false, bestEpoch: null, bestValue: null, restoredBestWeights: false);
            }
        }
        finally
        {
            (trainer as IDisposable)?.Dispose();
        }

        // model.save(path): NetGen's model file; and the same weights as safetensors for PyTorch.
        if (options.SavePath is { } save) Writing("--save", save, () => ModelFile.Save(model, save));
        if (options.ExportSafeTensorsPath is { } export) Writing("--export-safetensors", export, () => SafeTensors.Export(model, export));

        // test_loss, test_acc = model.evaluate(x_test, y_test)
        EvaluationResult evaluation = Evaluator.Evaluate(model, test);

        return new JobResult(data, network, model, history, evaluation, options, loadedFrom, initialEpoch);
    }

    /// <summary>
    /// Cosine decay from the optimizer's learning rate to 0 over every step of the run's epochs (Keras:
    /// <c>CosineDecay(lr, decay_steps=epochs · steps_per_epoch)</c>); a resumed run goes on along the same curve, since the
    /// schedule reads the trainer's step, which the checkpoint restores.
    /// </summary>
    private static CosineDecay CosineOverTheRun(IGradientTrainer trainer, int samples, SampleOptions options)
    {
        int trained = options.ValidationSplit > 0 ? (int)Math.Round(samples * (1.0 - options.ValidationSplit), MidpointRounding.ToEven) : samples;
        long stepsPerEpoch = (trained + options.BatchSize - 1) / options.BatchSize;
        return new CosineDecay(trainer.LearningRate, Math.Max(1, stepsPerEpoch * options.Epochs));
    }

    /// <summary>
    /// <c>--augment</c>: flips (and shifts) of the 28×28×1 images, for the models that take images.
    /// </summary>
    private static Augmentation? AugmentationFor(string augment, SampleNetwork network)
    {
        if (augment == "none") return null;
        if (network.SampleShape.Length != 3) // SampleOptions refuses it for the other models
            throw new SampleUsageException($"--augment {augment} is for the models that take images (lenet, resnet); --model {network.Name} does not.");
        Augmentation flip = new RandomFlip();
        return augment == "flip" ? flip : new Chained(flip, new RandomTranslation(2));
    }

    /// <summary>Two augmentations, one after the other.</summary>
    private sealed class Chained(Augmentation first, Augmentation second) : Augmentation
    {
        public override void Check(ReadOnlySpan<int> sampleShape)
        {
            first.Check(sampleShape);
            second.Check(sampleShape);
        }

        public override void Apply(Span<float> inputs, int batch, ReadOnlySpan<int> sampleShape, ref SeededRandom random)
        {
            first.Apply(inputs, batch, sampleShape, ref random);
            second.Apply(inputs, batch, sampleShape, ref random);
        }
    }

    /// <summary>The data as the network takes it (a view when the shape differs, e.g. data loaded for the other model).</summary>
    private static Dataset ShapedFor(SampleNetwork network, Dataset data)
        => data.SampleShape.SequenceEqual(network.SampleShape) ? data : data.Reshape(network.SampleShape.ToArray());

    private static void CheckResumable(string checkpoint, int epochsDone, int epochs)
    {
        if (epochsDone > epochs)
            throw new SampleUsageException(
                $"--checkpoint {checkpoint} has {epochsDone} epochs done, more than --epochs {epochs}: pass --epochs {epochsDone} or more to go on from it, or another --checkpoint file to start afresh.");
    }

    /// <summary>A file that vanished since <see cref="CheckFiles"/> is a usage error; a damaged one throws <see cref="ModelFormatException"/> as it is.</summary>
    private static void Reading(string option, string path, Action read)
    {
        try
        {
            read();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SampleUsageException($"{option} {path}: there is no such file ({Path.GetFullPath(path)}).", e);
        }
    }

    private static void Writing(string option, string path, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelOutputException($"{option}: could not write {path}: {e.Message}", e);
        }
    }

/// <summary>Chooses the data directory: <c>--subset</c>, else <c>--data DIR</c>, else the installed full set, else the subset with a note.</summary>
    private static (DataKind Kind, string Directory, string? Note) Locate(SampleOptions options, string fullDataDirectory)
    {
        if (options.Subset) return (DataKind.Subset, FindSubset(), null);

        if (options.DataDirectory is { } requested)
        {
            string full = Path.GetFullPath(requested);
            if (!FashionMnist.IsPresent(full))
                throw new DataNotFoundException(
                    $"--data {requested}: {full} does not hold the four Fashion-MNIST files ({FashionMnist.TrainImages}, {FashionMnist.TrainLabels}, " +
                    $"{FashionMnist.TestImages}, {FashionMnist.TestLabels}, each with or without .gz).");
            string? subset = FashionMnist.FindSubsetDirectory();
            bool isSubset = subset is not null && string.Equals(Path.GetFullPath(subset).TrimEnd(Path.DirectorySeparatorChar), full.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);
            return (isSubset ? DataKind.Subset : DataKind.Full, full, null);
        }

        if (FashionMnist.IsPresent(fullDataDirectory)) return (DataKind.Full, fullDataDirectory, null);

        return (DataKind.Subset, FindSubset(), SubsetFallbackNote);
    }

    private static string FindSubset()
        => FashionMnist.FindSubsetDirectory()
           ?? throw new DirectoryNotFoundException(
               $"Could not find {FashionMnist.SubsetRelativePath} above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}; " +
               "run from the repository, install the full set (apt-get install dataset-fashion-mnist) or pass --data DIR.");
}
