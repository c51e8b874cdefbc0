using System.Buffers.Binary;
using NetGen.Serialization;
using Xunit.Abstractions;

namespace NetGen.Interop.Tests;

/// <summary>
/// NetGen ↔ PyTorch through safetensors: the same weights must give the same outputs (within 1e-5) in both, and
/// PyTorch's own state dict must come back bit-identical.
/// </summary>
public class TorchInteropTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    private static ITrainableModel Create(string network, int seed) => network switch
    {
        nameof(FashionMlp) => new FashionMlp(seed),
        nameof(MixedNet) => new MixedNet(seed),
        nameof(RegressionNet) => new RegressionNet(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(network), network, null),
    };

    private static SafeTensorsOptions Options(string naming) => new()
    {
        Naming = naming == "layer-index" ? SafeTensorsNaming.LayerIndex : SafeTensorsNaming.SequentialWithActivations,
    };

    private static void WriteFloats(string path, float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        File.WriteAllBytes(path, bytes);
    }

    private static float[] ReadFloats(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
        return values;
    }

    /// <summary>Asserts |netgen − torch| ≤ 1e-5·max(1, |torch|) everywhere; returns the largest absolute difference.</summary>
    private double AssertClose(float[] netgen, float[] torch, string what)
    {
        Assert.Equal(netgen.Length, torch.Length);
        double worst = 0;
        for (int i = 0; i < netgen.Length; i++)
        {
            Assert.True(float.IsFinite(netgen[i]) && float.IsFinite(torch[i]), $"{what}: non-finite output at {i}");
            double difference = Math.Abs((double)netgen[i] - torch[i]);
            worst = Math.Max(worst, difference);
            if (difference > Tolerance * Math.Max(1, Math.Abs(torch[i])))
                Assert.Fail($"{what}: output {i} is {netgen[i]:R} in NetGen and {torch[i]:R} in PyTorch (difference {difference:E2})");
        }
        output.WriteLine($"{what}: {netgen.Length} outputs, largest |NetGen − PyTorch| = {worst:E2}");
        return worst;
    }

    [RequiresTorchTheory]
    [InlineData(nameof(FashionMlp), "layer-index")]
    [InlineData(nameof(MixedNet), "sequential-with-activations")]
    [InlineData(nameof(RegressionNet), "layer-index")]
    public void A_netgen_model_exported_as_safetensors_runs_identically_in_pytorch(string network, string naming)
    {
        using var directory = new TempDirectory();
        ITrainableModel model = Create(network, seed: 21);
        TestData.TrainAFewSteps(model, steps: 6, seed: 21); // biases no longer zero, weights off their initial values
        string file = directory.File("netgen.safetensors");
        SafeTensors.Export(model, file, Options(naming));

        const int count = 40;
        float[] inputs = TestData.Inputs(count, model.InputSize, seed: 22);
        WriteFloats(directory.File("inputs.f32"), inputs);
        string facts = TorchPython.RunScript("forward", file, naming, directory.File("inputs.f32"), count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            directory.File("outputs.f32"), directory.File("resaved.safetensors"));
        output.WriteLine(facts.Trim());

        AssertClose(TestData.Predict(model, inputs), ReadFloats(directory.File("outputs.f32")), $"{network} → PyTorch");

        // PyTorch's state dict, written back by PyTorch, imports bit-identically.
        ITrainableModel back = Create(network, seed: 23);
        SafeTensors.Import(back, directory.File("resaved.safetensors"), Options(naming));
        Bits.Equal(model.Parameters, back.Parameters, "parameters after NetGen → PyTorch → NetGen");
    }

    [RequiresTorchTheory]
    [InlineData(nameof(FashionMlp), "layer-index", 7)]
    [InlineData(nameof(MixedNet), "sequential-with-activations", 8)]
    [InlineData(nameof(RegressionNet), "layer-index", 9)]
    public void A_pytorch_initialized_model_imports_into_netgen_with_the_same_outputs(string network, string naming, int seed)
    {
        using var directory = new TempDirectory();
        ITrainableModel model = Create(network, seed: 0);
        const int count = 40;
        float[] inputs = TestData.Inputs(count, model.InputSize, seed: seed);
        WriteFloats(directory.File("inputs.f32"), inputs);
        string file = directory.File("torch.safetensors");
        string facts = TorchPython.RunScript("init", model.Architecture, seed.ToString(System.Globalization.CultureInfo.InvariantCulture), naming, file,
            directory.File("inputs.f32"), count.ToString(System.Globalization.CultureInfo.InvariantCulture), directory.File("outputs.f32"));
        output.WriteLine(facts.Trim());

        float[] before = model.Parameters.ToArray();
        SafeTensors.Import(model, file, Options(naming));
        Assert.False(before.AsSpan().SequenceEqual(model.Parameters), "the import changed nothing");

        // PyTorch's default nn.Linear initialization: weights and biases uniform in ±1/√fan_in.
        foreach (ParameterBlock block in model.ParameterBlocks)
        {
            int fanIn = block.Kind == "weight" ? block.Shape[0] : model.ParameterBlocks.First(b => b.Layer == block.Layer && b.Kind == "weight").Shape[0];
            float bound = 1f / MathF.Sqrt(fanIn);
            foreach (float w in model.Parameters.Slice(block.Offset, block.Length).ToArray())
                Assert.True(Math.Abs(w) <= bound * (1 + 1e-6f), $"{block.Name}: {w} outside ±{bound}");
        }

        AssertClose(TestData.Predict(model, inputs), ReadFloats(directory.File("outputs.f32")), $"PyTorch → {network}");

        // And NetGen exports it back to the very same bytes of tensor data.
        using var stream = new MemoryStream();
        SafeTensors.Export(model, stream, Options(naming));
        (var exportedHeader, byte[] exportedData) = SafeTensorsFile.Parse(stream.ToArray());
        (var torchHeader, byte[] torchData) = SafeTensorsFile.Parse(File.ReadAllBytes(file));
        Assert.Equal(torchData, exportedData);
        Assert.Equal(torchHeader.Where(p => p.Key != "__metadata__").Select(p => p.Value!.ToJsonString()),
            exportedHeader.Where(p => p.Key != "__metadata__").Select(p => p.Value!.ToJsonString()));
    }

    [Fact]
    public void The_skip_reason_is_stated_when_torch_is_missing()
    {
        // On this machine torch is expected; the attribute must then not skip. Either way the reason, if any, says what to install.
        if (TorchPython.SkipReason is { } reason)
        {
            Assert.Contains("python3-torch", reason);
            output.WriteLine($"PyTorch interop tests skipped: {reason}");
        }
        else
        {
            Assert.Null(new RequiresTorchFactAttribute().Skip);
        }
    }
}
