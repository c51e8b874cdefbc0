using System.Text.Json;
using NetGen.Serialization;

namespace NetGen.Samples.Tests;

/// <summary>
/// <c>--save</c>/<c>--load</c> (NetGen's model file), <c>--export-safetensors</c>/<c>--import-safetensors</c> and
/// <c>--checkpoint</c>, through the command line and the job.
/// </summary>
public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = SampleRunner.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Theory]
    [InlineData("mlp")]
    [InlineData("lenet")]
    public void SaveThenLoad_EvaluatesTheSameModel_BitForBit(string model)
    {
        string file = PathOf(model + ".ngmf");
        var trained = SampleRunner.Run("--model", model, "--subset", "--epochs", "1", "--save", file, "--json", "--no-plots");
        Assert.Equal(0, trained.ExitCode);
        Assert.Equal("", trained.Error);
        Assert.True(File.Exists(file));

        var loaded = SampleRunner.Run("--model", model, "--subset", "--load", file, "--json", "--no-plots");
        Assert.Equal(0, loaded.ExitCode);
        Assert.Equal("", loaded.Error);
        Assert.DoesNotContain(loaded.Lines, l => l.StartsWith("Epoch ", StringComparison.Ordinal)); // evaluated only

        using JsonDocument a = JsonDocument.Parse(trained.Lines[^1]);
        using JsonDocument b = JsonDocument.Parse(loaded.Lines[^1]);
        Assert.Equal(a.RootElement.GetProperty("test_accuracy").GetDouble(), b.RootElement.GetProperty("test_accuracy").GetDouble());
        Assert.Equal(a.RootElement.GetProperty("test_loss").GetDouble(), b.RootElement.GetProperty("test_loss").GetDouble());
        Assert.Equal(a.RootElement.GetProperty("per_class").GetRawText(), b.RootElement.GetProperty("per_class").GetRawText());
        Assert.Equal(model, b.RootElement.GetProperty("model").GetString());
        Assert.Equal(0, b.RootElement.GetProperty("epochs").GetInt32());
        Assert.Equal(0, b.RootElement.GetProperty("history").GetArrayLength());
        Assert.Equal(file, b.RootElement.GetProperty("loaded_from").GetString());
    }

    [Fact]
    public void SaveThenLoad_SamePredictions_BitForBit()
    {
        string file = PathOf("mlp.ngmf");
        var options = new SampleOptions { Subset = true, Epochs = 2, Seed = 4 };
        LoadedData data = FashionMnistJob.LoadData(options);
        JobResult trained = FashionMnistJob.Train(data, options with { SavePath = file });
        JobResult loaded = FashionMnistJob.Train(data, new SampleOptions { Subset = true, LoadPath = file });

        Assert.False(loaded.Trained);
        Assert.Equal(file, loaded.LoadedFrom);
        Assert.True(trained.Model.Parameters.SequenceEqual(loaded.Model.Parameters), "the loaded parameters are the saved ones");
        Assert.Equal(BitConverter.DoubleToInt64Bits(trained.Evaluation.Loss), BitConverter.DoubleToInt64Bits(loaded.Evaluation.Loss));
        Assert.Equal(trained.TestAccuracy, loaded.TestAccuracy);

        float[] p = Predict(trained.Model, data), q = Predict(loaded.Model, data);
        Assert.Equal(p.Select(BitConverter.SingleToInt32Bits), q.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void LoadWithEpochs_TrainsOnFromTheLoadedWeights()
    {
        string file = PathOf("start.ngmf");
        var data = FashionMnistJob.LoadData(new SampleOptions { Subset = true });
        JobResult first = FashionMnistJob.Train(data, new SampleOptions { Subset = true, Epochs = 1, SavePath = file });
        JobResult more = FashionMnistJob.Train(data, new SampleOptions { Subset = true, LoadPath = file, Epochs = 1 });

        Assert.True(more.Trained);
        Assert.Single(more.History.Epochs);
        Assert.True(more.History.Epochs[0].Loss < first.History.Epochs[0].Loss, "the second epoch starts from the first one's weights");
        Assert.Contains("\"epochs\":1", JsonReport.From(more).ToJson());
    }

    [Fact]
    public void LoadMlpFileIntoLeNet_FailsNamingBothArchitectures()
    {
        string file = PathOf("mlp.ngmf");
        Assert.Equal(0, SampleRunner.Run("--subset", "--epochs", "1", "--save", file, "--json", "--no-plots").ExitCode);

        var run = SampleRunner.Run("--model", "lenet", "--subset", "--load", file, "--json", "--no-plots");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("different architecture", run.Error);
        Assert.Contains(FashionMlp.Architecture, run.Error);
        Assert.Contains(LeNet5.Architecture, run.Error);
        Assert.Equal("", run.Output); // found before the data is loaded
    }

    [Fact]
    public void LoadCorruptFile_ExitOne_WithTheFormatMessage()
    {
        string file = PathOf("mlp.ngmf");
        Assert.Equal(0, SampleRunner.Run("--subset", "--epochs", "1", "--save", file, "--json", "--no-plots").ExitCode);
        byte[] bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0x40; // one bit in the parameters
        File.WriteAllBytes(file, bytes);

        var run = SampleRunner.Run("--subset", "--load", file, "--json", "--no-plots");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.ReadInfo(file));
        Assert.Equal(ModelFormatError.ChecksumMismatch, e.Error);
        Assert.Contains(e.Message, run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void LoadNotAModelFile_ExitOne()
    {
        string file = PathOf("notes.txt");
        File.WriteAllText(file, "not a model");

        var run = SampleRunner.Run("--subset", "--load", file, "--json", "--no-plots");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--load")]
    [InlineData("--import-safetensors")]
    public void StartFromAMissingFile_ExitTwo_BeforeAnyOutput(string option)
    {
        string missing = PathOf("missing.bin");

        var run = SampleRunner.Run("--subset", option, missing, "--json", "--no-plots");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: {option} {missing}: there is no such file", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Theory]
    [InlineData("--save")]
    [InlineData("--export-safetensors")]
    [InlineData("--checkpoint")]
    public void WriteIntoAMissingFolder_ExitTwo_BeforeTraining(string option)
    {
        string target = Path.Combine(_dir, "no-such-folder", "file");

        var run = SampleRunner.Run("--subset", option, target, "--json", "--no-plots");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("does not exist", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void SafeTensors_ExportThenImport_RoundTrip_Mlp()
    {
        string file = PathOf("mlp.safetensors");
        var options = new SampleOptions { Subset = true, Epochs = 1, Seed = 2 };
        LoadedData data = FashionMnistJob.LoadData(options);
        JobResult trained = FashionMnistJob.Train(data, options with { ExportSafeTensorsPath = file });
        JobResult imported = FashionMnistJob.Train(data, new SampleOptions { Subset = true, ImportSafeTensorsPath = file });

        Assert.False(imported.Trained);
        Assert.True(trained.Model.Parameters.SequenceEqual(imported.Model.Parameters), "the imported parameters are the exported ones");
        Assert.Equal(BitConverter.DoubleToInt64Bits(trained.Evaluation.Loss), BitConverter.DoubleToInt64Bits(imported.Evaluation.Loss));

        // And on the command line: the imported weights evaluate as the exported ones did.
        var run = SampleRunner.Run("--subset", "--import-safetensors", file, "--json", "--no-plots");
        Assert.Equal(0, run.ExitCode);
        using JsonDocument json = JsonDocument.Parse(run.Lines[^1]);
        Assert.Equal(trained.TestAccuracy, json.RootElement.GetProperty("test_accuracy").GetDouble());
        Assert.Equal(file, json.RootElement.GetProperty("loaded_from").GetString());
    }

    [Fact]
    public void SafeTensors_ModelFileConverts_WithoutTraining()
    {
        string model = PathOf("mlp.ngmf"), tensors = PathOf("mlp.safetensors"), back = PathOf("back.ngmf");
        Assert.Equal(0, SampleRunner.Run("--subset", "--epochs", "1", "--save", model, "--json", "--no-plots").ExitCode);
        Assert.Equal(0, SampleRunner.Run("--subset", "--load", model, "--export-safetensors", tensors, "--json", "--no-plots").ExitCode);
        Assert.Equal(0, SampleRunner.Run("--subset", "--import-safetensors", tensors, "--save", back, "--json", "--no-plots").ExitCode);

        // The parameters and their checksum are the same; the files are byte for byte the same.
        Assert.Equal(File.ReadAllBytes(model), File.ReadAllBytes(back));
    }

    [Theory]
    [InlineData(ModelKind.LeNet)]
    [InlineData(ModelKind.Lstm)]
    [InlineData(ModelKind.Gru)]
    public void SafeTensors_ExportThenImport_RoundTrip_ConvolutionalAndRecurrent(ModelKind model)
    {
        string file = PathOf($"{model}.safetensors");
        var options = new SampleOptions { Model = model, Subset = true, Epochs = 1, Seed = 4, Limit = 640 };
        LoadedData data = FashionMnistJob.LoadData(options);
        JobResult trained = FashionMnistJob.Train(data, options with { ExportSafeTensorsPath = file });
        JobResult imported = FashionMnistJob.Train(data, new SampleOptions { Model = model, Subset = true, Limit = 640, ImportSafeTensorsPath = file });

        Assert.False(imported.Trained);
        Assert.True(trained.Model.Parameters.SequenceEqual(imported.Model.Parameters), "the imported parameters are the exported ones");
        Assert.Equal(BitConverter.DoubleToInt64Bits(trained.Evaluation.Loss), BitConverter.DoubleToInt64Bits(imported.Evaluation.Loss));
    }

    [Fact]
    public void Checkpoint_TwoPlusTwoEpochs_EqualsFourUninterrupted()
    {
        string checkpoint = PathOf("run.ngck");
        var options = new SampleOptions { Subset = true, Seed = 3 };
        LoadedData data = FashionMnistJob.LoadData(options);

        JobResult straight = FashionMnistJob.Train(data, options with { Epochs = 4 });
        JobResult firstHalf = FashionMnistJob.Train(data, options with { Epochs = 2, CheckpointPath = checkpoint });
        Assert.Equal(0, firstHalf.InitialEpoch);
        Assert.Equal(2, ModelFile.ReadInfo(checkpoint).Epoch);
        JobResult secondHalf = FashionMnistJob.Train(data, options with { Epochs = 4, CheckpointPath = checkpoint });

        Assert.Equal(2, secondHalf.InitialEpoch);
        Assert.Equal(new[] { 2, 3 }, secondHalf.History.Epochs.Select(e => e.Epoch));
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(straight.History.Epochs[i].Loss), BitConverter.DoubleToInt64Bits(firstHalf.History.Epochs[i].Loss));
            Assert.Equal(BitConverter.DoubleToInt64Bits(straight.History.Epochs[i + 2].Loss), BitConverter.DoubleToInt64Bits(secondHalf.History.Epochs[i].Loss));
        }
        Assert.True(straight.Model.Parameters.SequenceEqual(secondHalf.Model.Parameters), "the resumed run ends with the uninterrupted run's parameters");
        Assert.Equal(BitConverter.DoubleToInt64Bits(straight.Evaluation.Loss), BitConverter.DoubleToInt64Bits(secondHalf.Evaluation.Loss));
        Assert.Equal(4, ModelFile.ReadInfo(checkpoint).Epoch);
    }

    [Fact]
    public void Checkpoint_OnTheCommandLine_ResumesAndReportsTheEpoch()
    {
        string checkpoint = PathOf("run.ngck");
        var first = SampleRunner.Run("--subset", "--epochs", "1", "--checkpoint", checkpoint, "--json", "--no-plots");
        var second = SampleRunner.Run("--subset", "--epochs", "2", "--checkpoint", checkpoint, "--json", "--no-plots");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        using JsonDocument a = JsonDocument.Parse(first.Lines[^1]);
        using JsonDocument b = JsonDocument.Parse(second.Lines[^1]);
        Assert.Equal(0, a.RootElement.GetProperty("initial_epoch").GetInt32());
        Assert.Equal(1, b.RootElement.GetProperty("initial_epoch").GetInt32());
        Assert.Equal(2, b.RootElement.GetProperty("history")[0].GetProperty("epoch").GetInt32());
        Assert.Contains(second.Lines, l => l.StartsWith("Epoch 2/2 - ", StringComparison.Ordinal));
    }

    [Fact]
    public void Checkpoint_PastTheEpochs_ExitTwo()
    {
        string checkpoint = PathOf("run.ngck");
        Assert.Equal(0, SampleRunner.Run("--subset", "--epochs", "2", "--checkpoint", checkpoint, "--json", "--no-plots").ExitCode);

        var run = SampleRunner.Run("--subset", "--epochs", "1", "--checkpoint", checkpoint, "--json", "--no-plots");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("has 2 epochs done, more than --epochs 1", run.Error);
        Assert.Equal("", run.Output);

        // The job checks it too when called directly.
        var options = new SampleOptions { Subset = true, Epochs = 1, CheckpointPath = checkpoint };
        Assert.Throws<SampleUsageException>(() => FashionMnistJob.Train(FashionMnistJob.LoadData(options), options));
    }

    [Fact]
    public void Checkpoint_OfTheOtherNetwork_ExitOne_NamingBothArchitectures()
    {
        string checkpoint = PathOf("run.ngck");
        Assert.Equal(0, SampleRunner.Run("--subset", "--epochs", "1", "--checkpoint", checkpoint, "--json", "--no-plots").ExitCode);

        var run = SampleRunner.Run("--model", "lenet", "--subset", "--epochs", "2", "--checkpoint", checkpoint, "--json", "--no-plots");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(FashionMlp.Architecture, run.Error);
        Assert.Contains(LeNet5.Architecture, run.Error);
        Assert.Equal("", run.Output);

        // The job, called directly, reports it as the runtime's exception.
        var options = new SampleOptions { Subset = true, Model = ModelKind.LeNet, Epochs = 2, CheckpointPath = checkpoint };
        var e = Assert.Throws<ModelFormatException>(() => FashionMnistJob.Train(FashionMnistJob.LoadData(options), options));
        Assert.Equal(ModelFormatError.ArchitectureMismatch, e.Error);
        Assert.Equal(LeNet5.Architecture, e.ExpectedArchitecture);
        Assert.Equal(FashionMlp.Architecture, e.FileArchitecture);
    }

    [Fact]
    public void ConsoleReport_OfLoadedWeights_HasNoEpochTable_AndOnlyTheConfusionMatrix()
    {
        string file = PathOf("mlp.ngmf"), outDir = PathOf("out");
        Assert.Equal(0, SampleRunner.Run("--subset", "--epochs", "1", "--save", file, "--json", "--no-plots").ExitCode);

        var run = SampleRunner.Run("--subset", "--load", file, "--out", outDir);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Contains($"Weights: loaded from {file}; evaluated without training", run.Output);
        Assert.DoesNotContain("fit: per epoch", run.Output);
        Assert.Contains("Test accuracy:", run.Output);
        Assert.Equal(new[] { Plots.ConfusionMatrixFile }, Directory.GetFiles(outDir).Select(Path.GetFileName));
    }

    private static float[] Predict(IModel model, LoadedData data)
    {
        var outputs = new float[data.Test.Count * model.OutputSize];
        model.Predict(data.Test.Features, outputs, data.Test.Count);
        return outputs;
    }
}
