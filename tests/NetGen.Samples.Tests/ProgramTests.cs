using System.Buffers.Binary;
using System.Text.Json;

namespace NetGen.Samples.Tests;

/// <summary>The sample's command line, called in-process through <see cref="Program.Run"/>.</summary>
public sealed class ProgramTests
{
    private static readonly string[] RequiredKeys =
    {
        "model", "parameters", "test_loss", "test_accuracy", "per_class", "epoch_seconds", "epochs", "batch_size", "seed", "threads", "data",
        "train_samples", "test_samples",
    };

    [Fact]
    public void Json_LastLineIsOneObjectWithTheKeys()
    {
        var run = SampleRunner.Run("--subset", "--json", "--epochs", "2", "--batch-size", "64", "--seed", "3", "--no-plots");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        string last = run.Lines[^1];
        using JsonDocument json = JsonDocument.Parse(last);
        JsonElement root = json.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        foreach (string key in RequiredKeys)
            Assert.True(root.TryGetProperty(key, out _), $"missing key {key} in {last}");

        Assert.Equal("subset", root.GetProperty("data").GetString());
        Assert.Equal("mlp", root.GetProperty("model").GetString());
        Assert.Equal(FashionMlp.ParameterCount, root.GetProperty("parameters").GetInt32());
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        Assert.False(root.TryGetProperty("loaded_from", out _));
        Assert.False(root.TryGetProperty("initial_epoch", out _));
        Assert.Equal(2, root.GetProperty("epochs").GetInt32());
        Assert.Equal(64, root.GetProperty("batch_size").GetInt32());
        Assert.Equal(3, root.GetProperty("seed").GetInt32());
        Assert.Equal(6_000, root.GetProperty("train_samples").GetInt32());
        Assert.Equal(1_000, root.GetProperty("test_samples").GetInt32());
        Assert.InRange(root.GetProperty("test_accuracy").GetDouble(), 0.5, 1.0);
        Assert.True(root.GetProperty("test_loss").GetDouble() > 0);

        JsonElement seconds = root.GetProperty("epoch_seconds");
        Assert.Equal(2, seconds.GetArrayLength());
        Assert.All(seconds.EnumerateArray(), s => Assert.True(s.GetDouble() > 0));

        JsonElement perClass = root.GetProperty("per_class");
        Assert.Equal(10, perClass.GetArrayLength());
        JsonElement first = perClass[0];
        Assert.Equal("T-shirt/top", first.GetProperty("name").GetString());
        foreach (string key in new[] { "precision", "recall", "f1" })
            Assert.InRange(first.GetProperty(key).GetDouble(), 0.0, 1.0);
        Assert.Equal(100, first.GetProperty("support").GetInt32());
        Assert.Equal("Ankle boot", perClass[9].GetProperty("name").GetString());

        // No progress bar: every line before the JSON is plain text (no ANSI escapes, no carriage returns).
        Assert.DoesNotContain('\u001b', run.Output);
        Assert.Contains(run.Lines, l => l.StartsWith("Epoch 2/2 - ", StringComparison.Ordinal));
    }

    [Fact]
    public void Json_MatchesTheJobResult()
    {
        var options = new SampleOptions { Subset = true, Epochs = 1 };
        JobResult result = FashionMnistJob.Run(options);
        var run = SampleRunner.Run("--subset", "--json", "--epochs", "1", "--no-plots");

        Assert.Equal(0, run.ExitCode);
        using JsonDocument json = JsonDocument.Parse(run.Lines[^1]);
        Assert.Equal(result.TestAccuracy, json.RootElement.GetProperty("test_accuracy").GetDouble());
        Assert.Equal(result.Evaluation.Loss, json.RootElement.GetProperty("test_loss").GetDouble());
        Assert.Equal(JsonReport.From(result).ToJson().Split("\"epoch_seconds\"")[0], run.Lines[^1].Split("\"epoch_seconds\"")[0]);
    }

    [Fact]
    public void Json_WithValidationSplit_HasValidationHistory()
    {
        var run = SampleRunner.Run("--subset", "--json", "--epochs", "1", "--validation-split", "0.25", "--no-plots");

        Assert.Equal(0, run.ExitCode);
        using JsonDocument json = JsonDocument.Parse(run.Lines[^1]);
        JsonElement root = json.RootElement;
        Assert.Equal(4_500, root.GetProperty("train_samples").GetInt32());
        Assert.Equal(1_500, root.GetProperty("validation_samples").GetInt32());
        JsonElement epoch = root.GetProperty("history")[0];
        Assert.True(epoch.TryGetProperty("val_loss", out _));
        Assert.True(epoch.TryGetProperty("val_accuracy", out _));
    }

    [Fact]
    public void Json_WithValidateOnTest_ReportsTheTestSetAfterEveryEpoch()
    {
        var run = SampleRunner.Run("--subset", "--json", "--epochs", "2", "--validate-on-test", "--no-plots");

        Assert.Equal(0, run.ExitCode);
        using JsonDocument json = JsonDocument.Parse(run.Lines[^1]);
        JsonElement root = json.RootElement;
        Assert.Equal(6_000, root.GetProperty("train_samples").GetInt32()); // nothing held out of training
        JsonElement history = root.GetProperty("history");
        Assert.Equal(2, history.GetArrayLength());
        foreach (JsonElement epoch in history.EnumerateArray())
        {
            double accuracy = epoch.GetProperty("val_accuracy").GetDouble();
            Assert.InRange(accuracy, 0.3, 1.0);
        }
        // the last epoch's validation is the final evaluation of the same test set
        Assert.Equal(root.GetProperty("test_accuracy").GetDouble(), history[1].GetProperty("val_accuracy").GetDouble(), 6);
        Assert.Equal(root.GetProperty("test_loss").GetDouble(), history[1].GetProperty("val_loss").GetDouble(), 4);
    }

    [Theory]
    [InlineData("--validate-on-test", "--validation-split", "0.1")]
    [InlineData("--bogus")]
    [InlineData("extra")]
    [InlineData("--epochs")]
    [InlineData("--epochs", "0")]
    [InlineData("--epochs", "ten")]
    [InlineData("--epochs", "--json")]
    [InlineData("--batch-size", "-3")]
    [InlineData("--batch-size=")]
    [InlineData("--seed", "1.5")]
    [InlineData("--validation-split", "1")]
    [InlineData("--validation-split", "-0.1")]
    [InlineData("--validation-split", "x")]
    [InlineData("--json=yes")]
    [InlineData("--subset", "--data", "/tmp")]
    [InlineData("--data", "/nonexistent/fashion-mnist")]
    [InlineData("--model", "cnn")]
    [InlineData("--model")]
    [InlineData("--threads", "-1")]
    [InlineData("--threads", "257")]
    [InlineData("--load", "a.ngmf", "--import-safetensors", "b.safetensors")]
    [InlineData("--checkpoint", "c.ngck", "--load", "a.ngmf")]
    [InlineData("--checkpoint", "c.ngck", "--import-safetensors", "b.safetensors")]
    [InlineData("--save")]
    [InlineData("--lr-schedule", "linear")]
    [InlineData("--augment", "rotate")]
    [InlineData("--learning-rate", "0")]
    [InlineData("--learning-rate", "fast")]
    [InlineData("--subset", "--augment", "flip")]                  // the MLP takes vectors, not images
    [InlineData("--subset", "--model", "lstm", "--augment", "flip")]
    public void BadOptions_ExitCodeTwo_WithAMessage(params string[] args)
    {
        var run = SampleRunner.Run(args);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void Main_BadOption_ReturnsTwo()
    {
        // The real entry point, as `dotnet run` calls it (it writes the message to the process's standard error).
        Assert.Equal(2, Program.Main(new[] { "--no-such-option" }));
    }

    [Fact]
    public void Help_PrintsUsage_ExitZero()
    {
        var run = SampleRunner.Run("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--validation-split", run.Output);
        Assert.Contains("--no-plots", run.Output);
        foreach (string option in new[] { "--model mlp|lenet", "--threads", "--save", "--load", "--export-safetensors", "--import-safetensors", "--checkpoint" })
            Assert.Contains(option, run.Output);
    }

    [Fact]
    public void Options_DefaultsAreKerasExample()
    {
        Assert.True(SampleOptions.TryParse(Array.Empty<string>(), out SampleOptions? options, out _));
        Assert.Equal(10, options.Epochs);
        Assert.Equal(32, options.BatchSize);
        Assert.Equal(0, options.Seed);
        Assert.Equal(0, options.ValidationSplit);
        Assert.Equal("out", options.OutputDirectory);
        Assert.True(options.Plots);
        Assert.False(options.Json);
        Assert.False(options.Subset);
        Assert.Null(options.DataDirectory);
        Assert.Equal(ModelKind.Mlp, options.Model);
        Assert.Equal(1, options.Threads);
        Assert.False(options.EpochsGiven);
        Assert.True(options.Trains);
        Assert.Null(options.SavePath);
        Assert.Null(options.LoadPath);
        Assert.Null(options.ExportSafeTensorsPath);
        Assert.Null(options.ImportSafeTensorsPath);
        Assert.Null(options.CheckpointPath);
    }

    [Fact]
    public void Options_ModelThreadsAndFiles()
    {
        Assert.True(SampleOptions.TryParse(new[] { "--model=lenet", "--threads", "0", "--save", "a.ngmf", "--checkpoint=c.ngck", "--export-safetensors", "e.safetensors" },
            out SampleOptions? options, out string? error), error);
        Assert.Equal(ModelKind.LeNet, options.Model);
        Assert.Equal(0, options.Threads);
        Assert.Equal("a.ngmf", options.SavePath);
        Assert.Equal("c.ngck", options.CheckpointPath);
        Assert.Equal("e.safetensors", options.ExportSafeTensorsPath);
        Assert.True(options.Trains);

        // Loaded weights are evaluated only, unless --epochs asks for training.
        Assert.True(SampleOptions.TryParse(new[] { "--load", "a.ngmf" }, out options, out error), error);
        Assert.Equal(ModelKind.Mlp, options.Model);
        Assert.False(options.EpochsGiven);
        Assert.False(options.Trains);
        Assert.True(SampleOptions.TryParse(new[] { "--import-safetensors", "a.safetensors", "--epochs", "10" }, out options, out error), error);
        Assert.True(options.EpochsGiven);
        Assert.True(options.Trains);
        Assert.True((options with { Seed = 1 }).Trains); // `with` keeps it
        Assert.False(new SampleOptions { LoadPath = "a.ngmf" }.Trains);
        Assert.True(new SampleOptions { LoadPath = "a.ngmf", Epochs = 10 }.Trains);
    }

    [Fact]
    public void Options_ScheduleAugmentationAndLearningRate()
    {
        Assert.True(SampleOptions.TryParse(new[] { "--model", "resnet", "--lr-schedule", "cosine", "--augment=flip-shift", "--learning-rate", "0.003" }, out SampleOptions? options, out string? error), error);
        Assert.True(options.CosineSchedule);
        Assert.Equal("flip-shift", options.Augment);
        Assert.Equal(0.003f, options.LearningRate);
        Assert.True(SampleOptions.TryParse(Array.Empty<string>(), out options, out _));
        Assert.False(options.CosineSchedule);
        Assert.Equal("none", options.Augment);
        Assert.Null(options.LearningRate);
    }

    [Fact]
    public void LeNet_trains_with_a_cosine_schedule_and_flips()
    {
        var run = SampleRunner.Run("--subset", "--json", "--model", "lenet", "--epochs", "2", "--limit", "600", "--lr-schedule", "cosine", "--augment", "flip", "--learning-rate", "0.002", "--no-plots");
        Assert.Equal(0, run.ExitCode);
        using JsonDocument json = JsonDocument.Parse(run.Lines[^1]);
        Assert.Equal(2, json.RootElement.GetProperty("history").GetArrayLength());
        Assert.True(json.RootElement.GetProperty("test_accuracy").GetDouble() > 0.3, run.Lines[^1]);
    }

    [Fact]
    public void Options_BothSpellingsOfValues()
    {
        Assert.True(SampleOptions.TryParse(new[] { "--epochs=3", "--batch-size", "128", "--seed", "-5", "--out=plots", "--validation-split", "0.2", "--json", "--no-plots", "--data", "d" },
            out SampleOptions? options, out string? error), error);
        Assert.Equal(3, options.Epochs);
        Assert.Equal(128, options.BatchSize);
        Assert.Equal(-5, options.Seed);
        Assert.Equal("plots", options.OutputDirectory);
        Assert.Equal(0.2, options.ValidationSplit);
        Assert.True(options.Json);
        Assert.False(options.Plots);
        Assert.Equal("d", options.DataDirectory);
    }

    [Fact]
    public void ConsoleReport_HasEpochTableEvaluationAndPlots()
    {
        string dir = SampleRunner.TempDirectory();
        try
        {
            string outDir = Path.Combine(dir, "nested", "out"); // created on demand
            var run = SampleRunner.Run("--subset", "--epochs", "2", "--out", outDir);

            Assert.Equal(0, run.ExitCode);
            Assert.Equal("", run.Error);
            Assert.Contains("fit: per epoch", run.Output);
            Assert.Contains("2/2", run.Output);
            Assert.Contains("evaluate(x_test, y_test)", run.Output);
            Assert.Contains("Confusion matrix", run.Output);
            Assert.Contains("Ankle boot", run.Output);
            Assert.Contains("Test accuracy:", run.Output);

            AssertPng(Path.Combine(outDir, Plots.TrainingCurvesFile), 1400, 560);
            AssertPng(Path.Combine(outDir, Plots.ConfusionMatrixFile), 1000, 860);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void NoPlots_WritesNothing()
    {
        string dir = SampleRunner.TempDirectory();
        try
        {
            var run = SampleRunner.Run("--subset", "--epochs", "1", "--no-plots", "--out", dir);

            Assert.Equal(0, run.ExitCode);
            Assert.Empty(Directory.GetFileSystemEntries(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Plots_WithValidation_AreWritten()
    {
        string dir = SampleRunner.TempDirectory();
        try
        {
            JobResult result = FashionMnistJob.Run(new SampleOptions { Subset = true, Epochs = 2, ValidationSplit = 0.1 });
            IReadOnlyList<string> paths = Plots.WriteAll(result, dir);

            Assert.Equal(2, paths.Count);
            AssertPng(paths[0], 1400, 560);
            AssertPng(paths[1], 1000, 860);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The file is a PNG of the given size (signature and IHDR chunk).</summary>
    private static void AssertPng(string path, int width, int height)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 10_000, $"{path} is only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }
}
