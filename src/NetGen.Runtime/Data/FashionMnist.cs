using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;

namespace NetGen.Data;

/// <summary>
/// Fashion-MNIST (Zalando Research, MIT licence): 28×28 grey-scale images of 10 kinds of clothing,
/// 60,000 for training and 10,000 for testing, in the IDX format.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs the full data set.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The subset kept in the repository, relative to the repository root.</summary>
    public const string SubsetRelativePath = "data/fashion-mnist-subset";

    /// <summary>Image height and width.</summary>
    public const int ImageSize = 28;

    /// <summary>Pixels per image (784).</summary>
    public const int PixelCount = ImageSize * ImageSize;

    /// <summary>Number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>Base names (without <c>.gz</c>) of the four files.</summary>
    public const string TrainImages = "train-images-idx3-ubyte", TrainLabels = "train-labels-idx1-ubyte",
        TestImages = "t10k-images-idx3-ubyte", TestLabels = "t10k-labels-idx1-ubyte";

    /// <summary>The class names, index = label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Array.AsReadOnly(new[]
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    });

    /// <summary>
    /// Loads the training and test sets from <paramref name="directory"/>, which holds the four standard files,
    /// each gzip-compressed (<c>.gz</c>) or raw. Features are raw pixels 0..255, sample shape [28, 28].
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing (the message names all missing files).</exception>
    /// <exception cref="InvalidDataException">A file is damaged or the files disagree.</exception>
    public static (Dataset Train, Dataset Test) Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var missing = new List<string>();
        string? trainImages = FindFile(directory, TrainImages, missing);
        string? trainLabels = FindFile(directory, TrainLabels, missing);
        string? testImages = FindFile(directory, TestImages, missing);
        string? testLabels = FindFile(directory, TestLabels, missing);
        if (missing.Count > 0)
            throw new FileNotFoundException(
                $"Fashion-MNIST is not complete in {directory}: missing {string.Join(", ", missing)} (with or without .gz). " +
                "Install the full set with `apt-get install dataset-fashion-mnist` or use FashionMnist.FindSubsetDirectory().",
                Path.Combine(directory, missing[0]));
        var train = IdxReader.LoadDataset(trainImages!, trainLabels!, ClassNames);
        var test = IdxReader.LoadDataset(testImages!, testLabels!, ClassNames);
        return (train, test);
    }

    /// <summary>
    /// Loads the data set when all four files are present in <paramref name="directory"/>; returns false when
    /// the directory or any file is absent. A file that is present but damaged still throws
    /// <see cref="InvalidDataException"/>: a broken data set is not silently treated as a missing one.
    /// </summary>
    public static bool TryLoad(string directory, [NotNullWhen(true)] out Dataset? train, [NotNullWhen(true)] out Dataset? test)
    {
        ArgumentNullException.ThrowIfNull(directory);
        train = test = null;
        if (!IsPresent(directory)) return false;
        (train, test) = Load(directory);
        return true;
    }

    /// <summary>True when <paramref name="directory"/> holds all four files.</summary>
    public static bool IsPresent(string directory)
    {
        if (!Directory.Exists(directory)) return false;
        var missing = new List<string>();
        foreach (string name in new[] { TrainImages, TrainLabels, TestImages, TestLabels })
            FindFile(directory, name, missing);
        return missing.Count == 0;
    }

    /// <summary>
    /// Finds the repository's subset (<c>data/fashion-mnist-subset</c>: 600 training and 100 test images per class)
    /// by walking up from <see cref="AppContext.BaseDirectory"/>, then from the current directory.
    /// Returns null when neither has it above it.
    /// </summary>
    public static string? FindSubsetDirectory()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "data", "fashion-mnist-subset");
                if (IsPresent(candidate)) return candidate;
            }
        }
        return null;
    }

    /// <summary>Loads the repository's subset (6,000 training, 1,000 test images).</summary>
    /// <exception cref="DirectoryNotFoundException">The subset was not found (see <see cref="FindSubsetDirectory"/>).</exception>
    public static (Dataset Train, Dataset Test) LoadSubset()
    {
        string dir = FindSubsetDirectory()
            ?? throw new DirectoryNotFoundException(
                $"Could not find {SubsetRelativePath} above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}.");
        return Load(dir);
    }

    private static string? FindFile(string directory, string baseName, List<string> missing)
    {
        string gz = Path.Combine(directory, baseName + ".gz");
        if (File.Exists(gz)) return gz;
        string raw = Path.Combine(directory, baseName);
        if (File.Exists(raw)) return raw;
        missing.Add(baseName);
        return null;
    }
}
