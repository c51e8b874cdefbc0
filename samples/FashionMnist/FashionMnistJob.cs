using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using NetGen.Data;
using NetGen.Evaluation;
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
/// <param name="Model">The trained network.</param>
/// <param name="History">Keras's <c>History</c>: one entry per epoch.</param>
/// <param name="Evaluation">Keras's <c>evaluate(x_test, y_test)</c>, with the confusion matrix.</param>
/// <param name="Options">The options it ran with.</param>
public sealed record JobResult(LoadedData Data, FashionMlp Model, TrainingHistory History, EvaluationResult Evaluation, SampleOptions Options)
{
    /// <summary>The names of the ten classes, index = label.</summary>
    public IReadOnlyList<string> ClassNames => FashionMnist.ClassNames;

    /// <summary>The test accuracy (always present for this classifier).</summary>
    public double TestAccuracy => Evaluation.Accuracy ?? 0;

    /// <summary>The confusion matrix of the test set.</summary>
    public ConfusionMatrix ConfusionMatrix => Evaluation.ConfusionMatrix!;
}

/// <summary>A requested data directory that does not hold Fashion-MNIST (a usage error: exit code 2).</summary>
public sealed class DataNotFoundException(string message) : Exception(message);

/// <summary>
/// The sample's pipeline, step by step as Keras's Fashion-MNIST example, so the console program and the tests run the
/// same code: <see cref="LoadData"/>, then <see cref="Train"/>; <see cref="Run"/> does both.
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
        => Train(LoadData(options), options, batchProgress, epochProgress);

    /// <summary>
    /// Keras: <c>(x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()</c>, then
    /// <c>x_train, x_test = x_train / 255.0, x_test / 255.0</c> and <c>reshape(-1, 784)</c>.
    /// </summary>
    /// <exception cref="DataNotFoundException"><c>--data</c> names a directory without the four files.</exception>
    /// <exception cref="DirectoryNotFoundException">The subset is needed and not found above the program or the current directory.</exception>
    /// <exception cref="InvalidDataException">A data file is damaged.</exception>
    /// <param name="options">The options: <see cref="SampleOptions.Subset"/> and <see cref="SampleOptions.DataDirectory"/> choose the data.</param>
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

        // x_train = x_train.reshape(-1, 784): the images are [28, 28]; the network's input is 784 floats.
        train = train.Reshape(FashionMlp.InputSize);
        test = test.Reshape(FashionMlp.InputSize);

        return new LoadedData(kind, directory, note, train, test, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>
    /// Builds, trains and evaluates the seed network on <paramref name="data"/>. Deterministic: the same seed and data
    /// give the same history and the same evaluation, bit for bit.
    /// </summary>
    public static JobResult Train(LoadedData data, SampleOptions options, IProgress<BatchProgress>? batchProgress = null, IProgress<EpochResult>? epochProgress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);

        // model = keras.Sequential([...]): the layers are the attributes on FashionMlp; the generator wrote the code.
        // Weights start Glorot-uniform, biases zero, as Keras's defaults, from the seed.
        var model = new FashionMlp(options.Seed);

        // model.compile(optimizer=Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"]):
        // the trainer owns every training buffer (activations, gradients, Adam's moments) for batches up to batch_size.
        FashionMlp.Trainer trainer = model.CreateTrainer(options.BatchSize);

        // history = model.fit(x_train, y_train, epochs=10, batch_size=32[, validation_split=F])
        TrainingHistory history = trainer.Fit(data.Train, new FitOptions
        {
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            Seed = options.Seed,
            ValidationFraction = options.ValidationSplit,
            BatchProgress = batchProgress,
            EpochProgress = epochProgress,
        });

        // test_loss, test_acc = model.evaluate(x_test, y_test)
        EvaluationResult evaluation = Evaluator.Evaluate(model, data.Test);

        return new JobResult(data, model, history, evaluation, options);
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
