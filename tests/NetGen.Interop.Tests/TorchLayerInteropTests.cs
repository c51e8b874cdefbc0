using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using NetGen.Serialization;
using Xunit.Abstractions;

namespace NetGen.Interop.Tests;

/// <summary>
/// NetGen ↔ PyTorch through safetensors for every layer kind: Conv2D (nn.Conv2d; HWC inputs permuted to NCHW on the
/// Python side), pooling, Flatten, Dropout, Embedding (nn.Embedding), SimpleRNN/LSTM/GRU (nn.RNN/nn.LSTM/nn.GRU,
/// batch_first), with Embedding's mask_zero reproduced in PyTorch by stepping the recurrent modules and carrying
/// the state over id-0 steps. Layer-index naming: the t-th layer with parameters is child t of the PyTorch container.
/// </summary>
public class TorchLayerInteropTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;
    private const int Count = 40;
    private static readonly SafeTensorsOptions LayerIndex = new() { Naming = SafeTensorsNaming.LayerIndex };

    private static ITrainableModel Create(string network, int seed) => network switch
    {
        nameof(TorchCnn) => new TorchCnn(seed),
        nameof(TorchStridedCnn) => new TorchStridedCnn(seed),
        nameof(TorchLstm) => new TorchLstm(seed),
        nameof(TorchGruSequence) => new TorchGruSequence(seed),
        nameof(TorchRnnRelu) => new TorchRnnRelu(seed),
        nameof(TorchMaskedEmbeddingGruLstm) => new TorchMaskedEmbeddingGruLstm(seed),
        nameof(TorchMaskedEmbeddingRnnSequence) => new TorchMaskedEmbeddingRnnSequence(seed),
        nameof(TorchEmbeddingFlatten) => new TorchEmbeddingFlatten(seed),
        nameof(TorchConv1D) => new TorchConv1D(seed),
        nameof(TorchEmbeddingConv1D) => new TorchEmbeddingConv1D(seed),
        nameof(TorchGlobalMaxCnn) => new TorchGlobalMaxCnn(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(network), network, null),
    };

    /// <summary>The vocabulary of the network's Embedding (its inputs are token ids), or 0 when it takes floats.</summary>
    private static int Vocabulary(IModel model)
    {
        string first = model.Architecture.Split(' ')[1];
        if (!first.StartsWith("Embedding(", StringComparison.Ordinal)) return 0;
        return int.Parse(first["Embedding(".Length..first.IndexOf(',')], CultureInfo.InvariantCulture);
    }

    /// <summary>The kind (Dense, Conv2D, Embedding, SimpleRNN, LSTM, GRU) of each layer with parameters, in order: index t is tensor prefix "t.".</summary>
    private static string[] ParameterizedKinds(string architecture) =>
        architecture.Split(' ').Select(token => token.Split('(')[0])
            .Where(kind => kind is "Dense" or "Conv2D" or "Conv1D" or "Embedding" or "SimpleRNN" or "LSTM" or "GRU").ToArray();

    /// <summary>
    /// Inputs for <paramref name="model"/>: floats in [-1, 1), or for an embedding network integer token ids in
    /// [0, V) held in floats, about a fifth of them 0, and the padding cases spelled out: zeros at the start, in the
    /// middle, at the end, an all-zero sequence, a single token, and a sequence without zeros.
    /// </summary>
    private static float[] Inputs(IModel model, int count, int seed)
    {
        int vocabulary = Vocabulary(model);
        if (vocabulary == 0) return TestData.Inputs(count, model.InputSize, seed);
        int steps = model.InputSize;
        var random = new SeededRandom((ulong)seed * 7919 + 29);
        var ids = new float[count * steps];
        for (int i = 0; i < ids.Length; i++)
            ids[i] = random.NextInt(5) == 0 ? 0 : 1 + random.NextInt(vocabulary - 1);
        Span<float> Row(int s) => ids.AsSpan(s * steps, steps);
        if (count >= 7)
        {
            for (int s = 0; s < 7; s++)
                for (int t = 0; t < steps; t++) Row(s)[t] = 1 + (s * 3 + t * 5) % (vocabulary - 1); // no zeros, then:
            Row(0)[..2].Clear();                       // padding first
            Row(1)[steps / 2] = 0;                      // a hole in the middle
            Row(2)[(steps - 2)..].Clear();              // padding last
            Row(3).Clear();                             // nothing but padding
            Row(4)[..(steps - 1)].Clear();              // one token, at the end
            Row(5)[1..].Clear();                        // one token, at the start
            // Row(6): no padding at all
        }
        return ids;
    }

    /// <summary>A few seeded training steps on <see cref="Inputs"/>, so biases are no longer zero and weights have moved.</summary>
    private static void TrainAFewSteps(ITrainableModel model, int steps, int seed)
    {
        const int batch = 16;
        IGradientTrainer trainer = model.CreateTrainer(batch);
        for (int step = 0; step < steps; step++)
        {
            float[] x = Inputs(model, batch, seed * 1000 + step);
            if (trainer.AcceptsLabels)
            {
                var labels = new int[batch];
                for (int i = 0; i < batch; i++) labels[i] = (i * 7 + step) % model.OutputSize;
                trainer.TrainBatch(x, labels);
            }
            else
            {
                var targets = new float[batch * model.OutputSize];
                for (int i = 0; i < batch; i++) targets[i * model.OutputSize + (i * 7 + step) % model.OutputSize] = 1f;
                trainer.TrainBatch(x, (ReadOnlySpan<float>)targets);
            }
        }
    }

    internal static void WriteFloats(string path, float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        File.WriteAllBytes(path, bytes);
    }

    internal static float[] ReadFloats(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
        return values;
    }

    /// <summary>Every tensor of a safetensors file (all F32 here): name → (shape, values).</summary>
    private static Dictionary<string, (long[] Shape, float[] Values)> ReadTensors(byte[] file)
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        var header = (JsonObject)JsonNode.Parse(file.AsSpan(8, (int)n))!;
        int data = 8 + (int)n;
        var tensors = new Dictionary<string, (long[], float[])>(StringComparer.Ordinal);
        foreach ((string name, JsonNode? node) in header)
        {
            if (name == "__metadata__") continue;
            Assert.Equal("F32", (string?)node!["dtype"]);
            long[] shape = node["shape"]!.AsArray().Select(d => (long)d!).ToArray();
            int begin = (int)node["data_offsets"]![0]!, end = (int)node["data_offsets"]![1]!;
            var values = new float[(end - begin) / 4];
            for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(data + begin + 4 * i));
            tensors[name] = (shape, values);
        }
        return tensors;
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
                Assert.Fail($"{what}: output {i} (sample {i / (netgen.Length / Count)}) is {netgen[i]:R} in NetGen and {torch[i]:R} in PyTorch (difference {difference:E2})");
        }
        output.WriteLine($"{what}: {netgen.Length} outputs, largest |NetGen − PyTorch| = {worst:E2}");
        return worst;
    }

    private static readonly string[] s_networks =
    [
        nameof(TorchCnn),
        nameof(TorchStridedCnn),
        nameof(TorchLstm),
        nameof(TorchGruSequence),
        nameof(TorchRnnRelu),
        nameof(TorchMaskedEmbeddingGruLstm),
        nameof(TorchMaskedEmbeddingRnnSequence),
        nameof(TorchEmbeddingFlatten),
        nameof(TorchConv1D),
        nameof(TorchEmbeddingConv1D),
        nameof(TorchGlobalMaxCnn),
    ];

    public static TheoryData<string> Networks() => new(s_networks);

    [RequiresTorchTheory]
    [MemberData(nameof(Networks))]
    public void A_netgen_model_exported_as_safetensors_runs_identically_in_pytorch(string network)
    {
        using var directory = new TempDirectory();
        ITrainableModel model = Create(network, seed: 31);
        float[] initial = model.Parameters.ToArray();
        TrainAFewSteps(model, steps: 6, seed: 31);
        Assert.False(initial.AsSpan().SequenceEqual(model.Parameters), "training changed nothing");
        string file = directory.File("netgen.safetensors");
        SafeTensors.Export(model, file, LayerIndex);

        // SimpleRNN and LSTM have one bias in NetGen: the second one PyTorch has is exported as zeros.
        Dictionary<string, (long[] Shape, float[] Values)> exported = ReadTensors(File.ReadAllBytes(file));
        string[] kinds = ParameterizedKinds(model.Architecture);
        for (int t = 0; t < kinds.Length; t++)
            if (kinds[t] is "SimpleRNN" or "LSTM")
                Assert.All(exported[$"{t}.bias_hh_l0"].Values, v => Assert.Equal(0, BitConverter.SingleToInt32Bits(v)));

        float[] inputs = Inputs(model, Count, seed: 32);
        WriteFloats(directory.File("inputs.f32"), inputs);
        string facts = TorchPython.RunScript("forward", file, "layer-index", directory.File("inputs.f32"), Count.ToString(CultureInfo.InvariantCulture),
            directory.File("outputs.f32"), directory.File("resaved.safetensors"));
        output.WriteLine(facts.Trim());

        float[] netgenOutputs = TestData.Predict(model, inputs);
        AssertClose(netgenOutputs, ReadFloats(directory.File("outputs.f32")), $"{network} → PyTorch");

        // PyTorch's state dict, written back by PyTorch, imports bit-identically (bias_hh_l0 of SimpleRNN/LSTM is
        // zero, so bias_ih_l0 + bias_hh_l0 is NetGen's bias exactly).
        ITrainableModel back = Create(network, seed: 33);
        SafeTensors.Import(back, directory.File("resaved.safetensors"), LayerIndex);
        Bits.Equal(model.Parameters, back.Parameters, "parameters after NetGen → PyTorch → NetGen");
        Bits.Equal(netgenOutputs, TestData.Predict(back, inputs), "outputs after NetGen → PyTorch → NetGen");
    }

    [RequiresTorchTheory]
    [MemberData(nameof(Networks))]
    public void A_pytorch_initialized_model_imports_into_netgen_with_the_same_outputs(string network)
    {
        using var directory = new TempDirectory();
        ITrainableModel model = Create(network, seed: 0);
        int seed = 40 + Array.IndexOf(s_networks, network);
        float[] inputs = Inputs(model, Count, seed);
        WriteFloats(directory.File("inputs.f32"), inputs);
        string file = directory.File("torch.safetensors");
        string facts = TorchPython.RunScript("init", model.Architecture, seed.ToString(CultureInfo.InvariantCulture), "layer-index", file,
            directory.File("inputs.f32"), Count.ToString(CultureInfo.InvariantCulture), directory.File("outputs.f32"));
        output.WriteLine(facts.Trim());

        float[] before = model.Parameters.ToArray();
        SafeTensors.Import(model, file, LayerIndex);
        Assert.False(before.AsSpan().SequenceEqual(model.Parameters), "the import changed nothing");

        AssertClose(TestData.Predict(model, inputs), ReadFloats(directory.File("outputs.f32")), $"PyTorch → {network}");

        // Exported back: the same tensors, bit for bit, except that SimpleRNN's and LSTM's two PyTorch biases come
        // back summed (in float) in bias_ih_l0, with bias_hh_l0 zero.
        using var stream = new MemoryStream();
        SafeTensors.Export(model, stream, LayerIndex);
        Dictionary<string, (long[] Shape, float[] Values)> torch = ReadTensors(File.ReadAllBytes(file));
        Dictionary<string, (long[] Shape, float[] Values)> exported = ReadTensors(stream.ToArray());
        Assert.Equal(torch.Keys.Order(StringComparer.Ordinal), exported.Keys.Order(StringComparer.Ordinal));
        string[] kinds = ParameterizedKinds(model.Architecture);
        int summed = 0;
        foreach ((string name, (long[] shape, float[] values)) in torch)
        {
            Assert.Equal(shape, exported[name].Shape);
            int t = int.Parse(name[..name.IndexOf('.')], CultureInfo.InvariantCulture);
            float[] expected = values;
            if (kinds[t] is "SimpleRNN" or "LSTM" && name.EndsWith(".bias_ih_l0", StringComparison.Ordinal))
            {
                float[] other = torch[$"{t}.bias_hh_l0"].Values;
                expected = values.Select((v, i) => v + other[i]).ToArray();
                summed++;
            }
            else if (kinds[t] is "SimpleRNN" or "LSTM" && name.EndsWith(".bias_hh_l0", StringComparison.Ordinal))
            {
                expected = new float[values.Length];
            }
            Bits.Equal(expected, exported[name].Values, $"{name} exported after PyTorch → NetGen");
        }
        Assert.Equal(kinds.Count(kind => kind is "SimpleRNN" or "LSTM"), summed);
    }

    /// <summary>
    /// Conv1D (strides, dilations, Same, Causal, no bias) and global pooling backpropagate as PyTorch's nn.Conv1d,
    /// amax and mean do: on shared weights, the mean cross-entropy's gradient of every parameter agrees. PyTorch's
    /// gradients come back as a safetensors file under its own names, which NetGen imports into a scratch model's
    /// parameters (its layout).
    /// </summary>
    [RequiresTorchTheory]
    [InlineData(nameof(TorchConv1D))]
    [InlineData(nameof(TorchEmbeddingConv1D))]
    [InlineData(nameof(TorchGlobalMaxCnn))]
    public void Gradients_agree_with_pytorch_on_shared_weights(string network)
    {
        using var directory = new TempDirectory();
        ITrainableModel model = Create(network, seed: 41);
        TrainAFewSteps(model, steps: 4, seed: 41);
        string file = directory.File("netgen.safetensors");
        SafeTensors.Export(model, file, LayerIndex);
        const int batch = 12;
        float[] inputs = Inputs(model, batch, seed: 42);
        int[] labels = Enumerable.Range(0, batch).Select(i => (i * 5 + 1) % model.OutputSize).ToArray();
        WriteFloats(directory.File("inputs.f32"), inputs);
        var labelBytes = new byte[4 * batch];
        for (int i = 0; i < batch; i++) BinaryPrimitives.WriteInt32LittleEndian(labelBytes.AsSpan(4 * i), labels[i]);
        File.WriteAllBytes(directory.File("labels.i32"), labelBytes);
        string facts = TorchPython.RunScript("gradients", file, "layer-index", directory.File("inputs.f32"), directory.File("labels.i32"),
            batch.ToString(CultureInfo.InvariantCulture), directory.File("gradients.safetensors"));
        output.WriteLine(facts.Trim());
        double torchLoss = JsonNode.Parse(facts.Trim().Split('\n')[^1])!["loss"]!.GetValue<double>();

        IGradientTrainer trainer = model.CreateTrainer(batch);
        float loss = trainer.ComputeGradients(inputs, labels);
        Assert.True(Math.Abs(loss - torchLoss) <= 1e-5 * Math.Max(1, Math.Abs(torchLoss)), $"loss {loss} in NetGen, {torchLoss} in PyTorch");
        ITrainableModel gradients = Create(network, seed: 43);
        SafeTensors.Import(gradients, directory.File("gradients.safetensors"), LayerIndex);
        float[] expected = gradients.Parameters.ToArray(), actual = trainer.Gradients.ToArray();
        double scale = expected.Max(v => Math.Abs((double)v)), worst = 0;
        int at = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]) / scale;
            if (error > worst) (worst, at) = (error, i);
        }
        output.WriteLine($"{network}: {expected.Length} gradients, largest |NetGen − PyTorch| / max |g| = {worst:E2}");
        Assert.True(worst <= 1e-4, $"{network}: parameter {at}: {actual[at]} in NetGen, {expected[at]} in PyTorch (relative {worst:E2})");
    }
}
