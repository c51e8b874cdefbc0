using System.Globalization;
using NetGen.Data;
using NetGen.Training;

namespace NetGen.Samples.Tests;

/// <summary>The sample's pipeline (<see cref="FashionMnistJob"/>) trains the seed network as Keras's example does.</summary>
public sealed class TrainingTests
{
    [Fact]
    public void Subset_TenEpochs_ReachesEightyPercent()
    {
        JobResult result = FashionMnistJob.Run(new SampleOptions { Subset = true, Epochs = 10, BatchSize = 32, Seed = 0 });

        Assert.Equal(DataKind.Subset, result.Data.Kind);
        Assert.Null(result.Data.Note); // asked for, so no fallback note
        Assert.Equal(6_000, result.Data.Train.Count);
        Assert.Equal(1_000, result.Data.Test.Count);
        Assert.Equal(10, result.History.Epochs.Count);
        Assert.Equal(6_000, result.History.TrainSamples);
        Assert.Equal(0, result.History.ValidationSamples); // Keras's protocol: no validation split by default
        Assert.True(result.TestAccuracy >= 0.80, $"test accuracy {result.TestAccuracy:F4} on the subset after 10 epochs");
        Assert.True(result.History.Epochs[^1].Loss < result.History.Epochs[0].Loss, "the training loss went down");
        Assert.Equal(1_000, result.ConfusionMatrix.Total);
    }

    [RequiresFashionMnistFact]
    public void FullData_KerasSettings_ReachesKerasAccuracy()
    {
        // fit(x_train, y_train, epochs=10, batch_size=32) with Adam(1e-3); evaluate(x_test, y_test) — for seeds 0, 1, 2.
        // One seed's accuracy is a draw from a spread about 0.02 wide (seeds 0–9 measured 0.866–0.884, mean 0.877), and
        // any change in a kernel's summation order (another tiling, the AVX2 or portable path) moves a given seed
        // inside it: seed 0 measured 0.8762 before k-blocking (686a785) and 0.8747 after; the portable path gives 0.8814.
        // So the Keras-level bound (0.875) is on the mean of three seeds, and each seed must still train properly.
        var options = new SampleOptions { Epochs = 10, BatchSize = 32 };
        LoadedData data = FashionMnistJob.LoadData(options);
        Assert.Equal(DataKind.Full, data.Kind);

        var accuracies = new List<double>();
        foreach (int seed in new[] { 0, 1, 2 })
        {
            JobResult result = FashionMnistJob.Train(data, options with { Seed = seed });
            Assert.Equal(60_000, result.History.TrainSamples);
            Assert.Equal(10_000, result.Evaluation.Count);
            accuracies.Add(result.TestAccuracy);
        }

        string measured = string.Join(", ", accuracies.Select(a => a.ToString("F4", CultureInfo.InvariantCulture)));
        Assert.True(accuracies.Average() >= 0.875, $"mean test accuracy {accuracies.Average():F4} over seeds 0, 1, 2 ({measured}) after 10 epochs");
        Assert.True(accuracies.Min() >= 0.865, $"a seed trained badly: test accuracies {measured}");
    }

    [Fact]
    public void SameSeed_SameHistory_BitForBit()
    {
        var options = new SampleOptions { Subset = true, Epochs = 3, Seed = 7 };
        LoadedData data = FashionMnistJob.LoadData(options);
        JobResult first = FashionMnistJob.Train(data, options);
        JobResult second = FashionMnistJob.Run(options); // loads again: reading and scaling are deterministic too

        Assert.Equal(first.History.Epochs.Count, second.History.Epochs.Count);
        for (int i = 0; i < first.History.Epochs.Count; i++)
        {
            EpochResult a = first.History.Epochs[i], b = second.History.Epochs[i];
            Assert.Equal(BitConverter.DoubleToInt64Bits(a.Loss), BitConverter.DoubleToInt64Bits(b.Loss));
            Assert.Equal(BitConverter.DoubleToInt64Bits(a.Accuracy!.Value), BitConverter.DoubleToInt64Bits(b.Accuracy!.Value));
        }
        Assert.Equal(BitConverter.DoubleToInt64Bits(first.Evaluation.Loss), BitConverter.DoubleToInt64Bits(second.Evaluation.Loss));
        Assert.True(first.Model.Parameters.SequenceEqual(second.Model.Parameters), "the trained parameters are identical");
    }

    [Fact]
    public void DifferentSeed_DifferentHistory()
    {
        var options = new SampleOptions { Subset = true, Epochs = 1, Seed = 0 };
        LoadedData data = FashionMnistJob.LoadData(options);
        JobResult a = FashionMnistJob.Train(data, options);
        JobResult b = FashionMnistJob.Train(data, options with { Seed = 1 });

        Assert.NotEqual(a.History.Epochs[0].Loss, b.History.Epochs[0].Loss);
    }

    [Fact]
    public void ValidationSplit_HoldsOutTheTail_AndReportsValidationMetrics()
    {
        JobResult result = FashionMnistJob.Run(new SampleOptions { Subset = true, Epochs = 2, ValidationSplit = 0.1 });

        Assert.Equal(5_400, result.History.TrainSamples);
        Assert.Equal(600, result.History.ValidationSamples);
        Assert.All(result.History.Epochs, e =>
        {
            Assert.NotNull(e.ValidationLoss);
            Assert.NotNull(e.ValidationAccuracy);
        });
    }

    [Fact]
    public void LoadData_ScalesPixelsToUnitRange_AndFlattens()
    {
        LoadedData data = FashionMnistJob.LoadData(new SampleOptions { Subset = true });

        Assert.Equal(FashionMlp.InputSize, data.Train.FeatureSize);
        Assert.Equal(new[] { 784 }, data.Train.SampleShape.ToArray());
        Assert.Equal(new[] { 784 }, data.Test.SampleShape.ToArray());
        Assert.All(data.Train.Features, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(1f, data.Train.Features.Max());
        Assert.Equal(FashionMnist.ClassNames, data.Train.ClassNames);
    }

    [Fact]
    public void LoadData_WithoutTheFullSet_FallsBackToTheSubsetWithANote()
    {
        LoadedData data = FashionMnistJob.LoadData(new SampleOptions(), fullDataDirectory: "/nonexistent/fashion-mnist");

        Assert.Equal(DataKind.Subset, data.Kind);
        Assert.Equal(FashionMnistJob.SubsetFallbackNote, data.Note);
        Assert.Contains("data/fashion-mnist-subset", data.Note);
        Assert.Equal(Path.GetFullPath(FashionMnist.FindSubsetDirectory()!), Path.GetFullPath(data.Directory));
        Assert.Equal(6_000, data.Train.Count);
    }

    [RequiresFashionMnistFact]
    public void LoadData_ByDefault_TakesTheInstalledFullSet()
    {
        LoadedData data = FashionMnistJob.LoadData(new SampleOptions());

        Assert.Equal(DataKind.Full, data.Kind);
        Assert.Null(data.Note);
        Assert.Equal(FashionMnist.DefaultDirectory, data.Directory);
        Assert.Equal(60_000, data.Train.Count);
        Assert.Equal(10_000, data.Test.Count);
    }

    [Fact]
    public void LoadData_DataDirectoryWithoutTheFiles_IsReported()
    {
        string empty = SampleRunner.TempDirectory();
        try
        {
            var e = Assert.Throws<DataNotFoundException>(() => FashionMnistJob.LoadData(new SampleOptions { DataDirectory = empty }));
            Assert.Contains(empty, e.Message);
            Assert.Contains(FashionMnist.TrainImages, e.Message);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public void LoadData_DataDirectory_IsUsedAsGiven()
    {
        // A copy of the subset elsewhere counts as "full" data (it is not the repository's subset)...
        string subset = FashionMnist.FindSubsetDirectory()!;
        string copy = SampleRunner.TempDirectory();
        try
        {
            foreach (string file in Directory.GetFiles(subset, "*.gz"))
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            LoadedData data = FashionMnistJob.LoadData(new SampleOptions { DataDirectory = copy });
            Assert.Equal(DataKind.Full, data.Kind);
            Assert.Equal(Path.GetFullPath(copy), data.Directory);
            Assert.Null(data.Note);
            Assert.Equal(6_000, data.Train.Count);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }

        // ...while --data naming the subset itself is reported as the subset.
        Assert.Equal(DataKind.Subset, FashionMnistJob.LoadData(new SampleOptions { DataDirectory = subset }).Kind);
    }
}
