using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NetGen.Data;

namespace NetGen.Samples.Tests;

/// <summary>LeNet-5 (<c>--model lenet</c>) through the same pipeline as the seed network.</summary>
public sealed class LeNetTests
{
    [Fact]
    public void LoadData_ForLeNet_KeepsTheImagesAsHeightWidthChannels()
    {
        LoadedData data = FashionMnistJob.LoadData(new SampleOptions { Subset = true, Model = ModelKind.LeNet });

        Assert.Equal(new[] { 28, 28, 1 }, data.Train.SampleShape.ToArray());
        Assert.Equal(new[] { 28, 28, 1 }, data.Test.SampleShape.ToArray());
        Assert.Equal(LeNet5.InputSize, data.Train.FeatureSize);

        // The same floats as the MLP's [784] rows: only the shape differs.
        LoadedData flat = FashionMnistJob.LoadData(new SampleOptions { Subset = true });
        Assert.True(flat.Train.Features.AsSpan().SequenceEqual(data.Train.Features));
    }

    /// <summary>
    /// Two epochs of LeNet-5 on the 6,000-image subset. How long it takes here (2 shared cores, AVX-512), with the
    /// kernels of commit 73d3ee0: about 1 s on a quiet machine (0.3–0.4 s per epoch) and 6–8 s while other jobs load
    /// it; on CI's portable run (DOTNET_EnableHWIntrinsic=0) 2 s quiet, about 20 s loaded. Test accuracy measured after
    /// 2 epochs, seed 0, every core: 0.806 (0.808 with one thread, and with a faster kernel version in progress), so
    /// 0.75 leaves room for other summation orders (threads, ISA paths, kernel changes).
    /// </summary>
    [Fact]
    public void Subset_TwoEpochs_TrainsAndReportsLeNet()
    {
        long started = Stopwatch.GetTimestamp();
        var run = SampleRunner.Run("--model", "lenet", "--subset", "--epochs", "2", "--json", "--no-plots");
        TimeSpan took = Stopwatch.GetElapsedTime(started);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        using JsonDocument json = JsonDocument.Parse(run.Lines[^1]);
        JsonElement root = json.RootElement;
        Assert.Equal("lenet", root.GetProperty("model").GetString());
        Assert.Equal(LeNet5.ParameterCount, root.GetProperty("parameters").GetInt32());
        Assert.Equal(2, root.GetProperty("epochs").GetInt32());
        Assert.Equal(0, root.GetProperty("threads").GetInt32());
        Assert.Equal("subset", root.GetProperty("data").GetString());
        Assert.Equal(6_000, root.GetProperty("train_samples").GetInt32());
        Assert.Equal(1_000, root.GetProperty("test_samples").GetInt32());

        JsonElement history = root.GetProperty("history");
        Assert.Equal(2, history.GetArrayLength());
        Assert.True(history[1].GetProperty("loss").GetDouble() < history[0].GetProperty("loss").GetDouble(), "the training loss went down");
        double accuracy = root.GetProperty("test_accuracy").GetDouble();
        Assert.True(accuracy >= 0.75,
            string.Create(CultureInfo.InvariantCulture, $"LeNet-5 test accuracy {accuracy:F4} on the subset after 2 epochs ({took.TotalSeconds:F1}s)"));
        Assert.Contains(run.Lines, l => l.StartsWith("Model: Input(28,28,1) Conv2D", StringComparison.Ordinal));
    }

    [Fact]
    public void OneThread_IsRecordedAndTrains()
    {
        JobResult result = FashionMnistJob.Run(new SampleOptions { Subset = true, Model = ModelKind.LeNet, Epochs = 1, Threads = 1 });

        Assert.IsType<LeNet5>(result.Model);
        Assert.Equal(ModelKind.LeNet, result.Network.Kind);
        Assert.Single(result.History.Epochs);
        Assert.True(result.TestAccuracy >= 0.6, $"test accuracy {result.TestAccuracy:F4} after one epoch");
        Assert.Contains("\"threads\":1", JsonReport.From(result).ToJson());
    }

    [Fact]
    public void SameSeed_SameLeNet_BitForBit()
    {
        var options = new SampleOptions { Subset = true, Model = ModelKind.LeNet, Epochs = 1, Seed = 5 };
        LoadedData data = FashionMnistJob.LoadData(options);
        JobResult first = FashionMnistJob.Train(data, options);
        JobResult second = FashionMnistJob.Train(data, options);

        Assert.Equal(BitConverter.DoubleToInt64Bits(first.History.Epochs[0].Loss), BitConverter.DoubleToInt64Bits(second.History.Epochs[0].Loss));
        Assert.True(first.Model.Parameters.SequenceEqual(second.Model.Parameters), "the trained parameters are identical");
    }

    /// <summary>
    /// The bar for LeNet-5: at least 0.90 test accuracy within 10 epochs (Keras's fit, batch 32, Adam 1e-3,
    /// seed 0, every core) on the full set. "Within" is taken literally: the test set is evaluated after each epoch
    /// (by resuming a checkpoint one epoch at a time, which ends bit for bit as one uninterrupted run does; see
    /// ModelFileTests.Checkpoint_TwoPlusTwoEpochs_EqualsFourUninterrupted) and the test passes at the first epoch that
    /// reaches 0.90. Runs only with the full data and NETGEN_SLOW_TESTS=1: ten full epochs take minutes while the
    /// convolution kernels are slow. Measured values are in docs/sample-fashion-mnist.md.
    /// </summary>
    [RequiresSlowTestsFact]
    public void FullData_WithinTenEpochs_ReachesNinetyPercent()
    {
        string dir = SampleRunner.TempDirectory();
        try
        {
            var options = new SampleOptions { Model = ModelKind.LeNet, BatchSize = 32, Seed = 0, CheckpointPath = Path.Combine(dir, "lenet.ngck") };
            LoadedData data = FashionMnistJob.LoadData(options);
            Assert.Equal(DataKind.Full, data.Kind);

            long started = Stopwatch.GetTimestamp();
            var accuracies = new List<double>();
            for (int epoch = 1; epoch <= 10 && !(accuracies.Count > 0 && accuracies[^1] >= 0.90); epoch++)
            {
                JobResult result = FashionMnistJob.Train(data, options with { Epochs = epoch });
                Assert.Equal(epoch - 1, result.InitialEpoch);
                Assert.Equal(60_000, result.History.TrainSamples);
                Assert.Equal(10_000, result.Evaluation.Count);
                accuracies.Add(result.TestAccuracy);
            }
            TimeSpan took = Stopwatch.GetElapsedTime(started);

            string measured = string.Join(", ", accuracies.Select(a => a.ToString("F4", CultureInfo.InvariantCulture)));
            Assert.True(accuracies.Max() >= 0.90,
                string.Create(CultureInfo.InvariantCulture, $"LeNet-5 test accuracy after epochs 1–{accuracies.Count}: {measured} ({took.TotalMinutes:F1} min); none reached 0.90"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
