using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using NetGen.Serialization;

namespace NetGen.Interop.Tests;

/// <summary>Builds and takes apart safetensors files by hand, independently of the code under test.</summary>
internal static class SafeTensorsFile
{
    public static (JsonObject Header, byte[] Data) Parse(byte[] file)
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        var header = (JsonObject)JsonNode.Parse(file.AsSpan(8, (int)n))!;
        return (header, file[(8 + (int)n)..]);
    }

    /// <summary>8-byte length, the JSON as given, the data as given.</summary>
    public static byte[] Raw(string json, byte[] data) => Raw(Encoding.UTF8.GetBytes(json), data);

    public static byte[] Raw(byte[] json, byte[] data)
    {
        var file = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        data.CopyTo(file, 8 + json.Length);
        return file;
    }

    public static byte[] Raw(JsonObject header, byte[] data) => Raw(header.ToJsonString(), data);

    /// <summary>A well-formed file holding <paramref name="tensors"/> back to back, in order.</summary>
    public static byte[] Build(params (string Name, string Dtype, long[] Shape, byte[] Bytes)[] tensors)
    {
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        var data = new MemoryStream();
        foreach (var (name, dtype, shape, bytes) in tensors)
        {
            long begin = data.Length;
            data.Write(bytes);
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(shape.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(JsonValue.Create(begin), JsonValue.Create(data.Length)),
            };
        }
        return Raw(header, data.ToArray());
    }

    public static byte[] Floats(int count, float start = 0.5f)
    {
        var bytes = new byte[4 * count];
        for (int i = 0; i < count; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), start + i * 0.25f);
        return bytes;
    }

    /// <summary>The four tensors of <see cref="TinyNet"/> in PyTorch's layout, with distinct values.</summary>
    public static (string, string, long[], byte[])[] TinyTensors() =>
    [
        ("0.weight", "F32", [7, 5], Floats(35, 1f)),
        ("0.bias", "F32", [7], Floats(7, 2f)),
        ("1.weight", "F32", [3, 7], Floats(21, 3f)),
        ("1.bias", "F32", [3], Floats(3, 4f)),
    ];
}

public class SafeTensorsTests
{
    private static byte[] Exported(IModel model, SafeTensorsOptions? options = null)
    {
        using var stream = new MemoryStream();
        SafeTensors.Export(model, stream, options);
        return stream.ToArray();
    }

    /// <summary>Imports into a scrambled <see cref="TinyNet"/>, expecting rejection with <paramref name="error"/> and no change to the model.</summary>
    private static ModelFormatException Rejected(byte[] file, ModelFormatError error, SafeTensorsOptions? options = null, TempDirectory? directory = null)
    {
        var target = new TinyNet();
        float[] before = TestData.Scramble(target, 99);
        ModelFormatException e;
        if (directory is not null)
        {
            string path = directory.File("bad.safetensors");
            File.WriteAllBytes(path, file);
            e = Assert.Throws<ModelFormatException>(() => SafeTensors.Import(target, path, options));
        }
        else
        {
            e = Assert.Throws<ModelFormatException>(() => SafeTensors.Import(target, new MemoryStream(file), options));
        }
        Assert.True(e.Error == error, $"expected {error}, got {e.Error}: {e.Message}");
        Bits.Equal(before, target.Parameters, "parameters after a rejected import");
        return e;
    }

    [Fact]
    public void Export_then_import_is_bit_identical()
    {
        using var directory = new TempDirectory();
        var model = new FashionMlp(seed: 4);
        TestData.TrainAFewSteps(model, 4, seed: 4);
        float[] inputs = TestData.Inputs(32, 784, seed: 8);
        foreach (SafeTensorsOptions options in new[]
        {
            SafeTensorsOptions.Default,
            new SafeTensorsOptions { Naming = SafeTensorsNaming.SequentialWithActivations },
            new SafeTensorsOptions { Prefix = "net." },
        })
        {
            string path = directory.File("fashion.safetensors");
            SafeTensors.Export(model, path, options);
            var loaded = new FashionMlp(seed: 5);
            SafeTensors.Import(loaded, path, options);
            Bits.Equal(model.Parameters, loaded.Parameters, $"parameters ({options})");
            Bits.Equal(TestData.Predict(model, inputs), TestData.Predict(loaded, inputs), "predictions");

            var fromStream = new MixedNet(seed: 1);
            TestData.TrainAFewSteps(fromStream, 2, seed: 3);
            var copy = new MixedNet(seed: 2);
            SafeTensors.Import(copy, new ForwardOnlyStream(Exported(fromStream, options)), options);
            Bits.Equal(fromStream.Parameters, copy.Parameters);
        }
        Assert.Equal(["fashion.safetensors"], directory.FileNames());
    }

    [Fact]
    public void Export_writes_pytorch_names_shapes_and_transposed_weights()
    {
        var model = new TinyNet(seed: 6);
        TestData.TrainAFewSteps(model, 3, seed: 6);
        byte[] file = Exported(model);
        (JsonObject header, byte[] data) = SafeTensorsFile.Parse(file);

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0ul, (8 + headerLength) % 8); // data 8-byte aligned, as the reference writer pads
        JsonObject metadata = header["__metadata__"]!.AsObject();
        Assert.Equal("pt", (string?)metadata["format"]);
        Assert.Equal(TinyNet.Architecture, (string?)metadata["netgen.architecture"]);
        Assert.Equal("layer-index", (string?)metadata["netgen.layout"]);
        Assert.Equal(["__metadata__", "0.weight", "0.bias", "1.weight", "1.bias"], header.Select(p => p.Key));

        long expectedBegin = 0;
        foreach (ParameterBlock block in ((IModel)model).ParameterBlocks)
        {
            JsonObject tensor = header[block.Name]!.AsObject();
            Assert.Equal("F32", (string?)tensor["dtype"]);
            long[] shape = tensor["shape"]!.AsArray().Select(d => (long)d!).ToArray();
            long[] offsets = tensor["data_offsets"]!.AsArray().Select(d => (long)d!).ToArray();
            Assert.Equal(expectedBegin, offsets[0]);
            Assert.Equal(expectedBegin + 4 * block.Length, offsets[1]);
            expectedBegin = offsets[1];
            ReadOnlySpan<float> values = model.Parameters.Slice(block.Offset, block.Length);
            float At(long index) => BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan((int)(offsets[0] + 4 * index)));
            if (block.Kind == "weight")
            {
                int inputs = block.Shape[0], outputs = block.Shape[1];
                Assert.Equal([outputs, inputs], shape); // nn.Linear: [out_features, in_features]
                for (int i = 0; i < inputs; i++)
                    for (int o = 0; o < outputs; o++)
                        Assert.Equal(values[i * outputs + o], At(o * inputs + i));
            }
            else
            {
                Assert.Equal([block.Shape[0]], shape);
                for (int o = 0; o < block.Length; o++) Assert.Equal(values[o], At(o));
            }
        }
        Assert.Equal(expectedBegin, data.Length);
    }

    [Fact]
    public void Naming_options_choose_the_pytorch_module_layout()
    {
        var model = new MixedNet(seed: 1);
        var interleaved = SafeTensorsFile.Parse(Exported(model, new SafeTensorsOptions { Naming = SafeTensorsNaming.SequentialWithActivations, Prefix = "net." })).Header;
        Assert.Equal(
            ["__metadata__", "net.0.weight", "net.0.bias", "net.2.weight", "net.2.bias", "net.4.weight", "net.4.bias", "net.6.weight", "net.6.bias", "net.8.weight", "net.8.bias"],
            interleaved.Select(p => p.Key));
        Assert.Equal("sequential-with-activations", (string?)interleaved["__metadata__"]!["netgen.layout"]);

        var extra = SafeTensorsFile.Parse(Exported(model, new SafeTensorsOptions { Metadata = new Dictionary<string, string> { ["epoch"] = "7", ["format"] = "netgen" } })).Header;
        Assert.Equal("7", (string?)extra["__metadata__"]!["epoch"]);
        Assert.Equal("netgen", (string?)extra["__metadata__"]!["format"]);

        // Importing with the wrong naming names the tensor it misses and suggests the other naming.
        byte[] file = Exported(new TinyNet(seed: 1), new SafeTensorsOptions { Naming = SafeTensorsNaming.SequentialWithActivations });
        ModelFormatException e = Rejected(file, ModelFormatError.MissingTensor);
        Assert.Contains("'1.weight'", e.Message);
        Assert.Contains("SequentialWithActivations", e.Message);
    }

    [Fact]
    public void A_hand_built_pytorch_layout_file_imports_with_transposition()
    {
        var model = new TinyNet();
        SafeTensors.Import(model, new MemoryStream(SafeTensorsFile.Build(SafeTensorsFile.TinyTensors())));
        // PyTorch's 0.weight[o, i] = 1 + 0.25·(o·5 + i) lands at NetGen's [i, o].
        Assert.Equal(1f + 0.25f * (2 * 5 + 3), model.Dense1Weights[3 * 7 + 2]);
        Assert.Equal(2f + 0.25f * 6, model.Dense1Biases[6]);
        Assert.Equal(3f + 0.25f * (1 * 7 + 4), model.Dense2Weights[4 * 3 + 1]);
        Assert.Equal(4f, model.Dense2Biases[0]);
    }

    [Fact]
    public void Dtypes_other_than_F32_are_rejected_clearly()
    {
        foreach (var (dtype, size) in new[] { ("F64", 8), ("F16", 2), ("BF16", 2), ("I64", 8), ("U8", 1) })
        {
            var tensors = SafeTensorsFile.TinyTensors();
            tensors[1] = ("0.bias", dtype, [7], new byte[7 * size]);
            ModelFormatException e = Rejected(SafeTensorsFile.Build(tensors), ModelFormatError.UnsupportedDtype);
            Assert.Contains($"'0.bias' has dtype {dtype}", e.Message);
            Assert.Contains("F32 only", e.Message);
        }
        var unknown = SafeTensorsFile.TinyTensors();
        unknown[1] = ("0.bias", "F33", [7], new byte[28]);
        Assert.Contains("unknown dtype 'F33'", Rejected(SafeTensorsFile.Build(unknown), ModelFormatError.InvalidHeader).Message);
    }

    [Fact]
    public void Wrong_shapes_are_rejected()
    {
        var transposed = SafeTensorsFile.TinyTensors();
        transposed[2] = ("1.weight", "F32", [7, 3], SafeTensorsFile.Floats(21));
        ModelFormatException e = Rejected(SafeTensorsFile.Build(transposed), ModelFormatError.ShapeMismatch);
        Assert.Contains("'1.weight' has shape [7, 3]", e.Message);
        Assert.Contains("needs [3, 7]", e.Message);
        Assert.Contains("[out_features, in_features]", e.Message);
        Assert.Contains(TinyNet.Architecture, e.Message);

        var wider = SafeTensorsFile.TinyTensors();
        wider[0] = ("0.weight", "F32", [8, 5], SafeTensorsFile.Floats(40));
        Rejected(SafeTensorsFile.Build(wider), ModelFormatError.ShapeMismatch);

        var flat = SafeTensorsFile.TinyTensors();
        flat[0] = ("0.weight", "F32", [35], SafeTensorsFile.Floats(35));
        Rejected(SafeTensorsFile.Build(flat), ModelFormatError.ShapeMismatch);

        // A file from a bigger network.
        using var stream = new MemoryStream();
        SafeTensors.Export(new WiderTinyNet(), stream);
        Rejected(stream.ToArray(), ModelFormatError.ShapeMismatch);
    }

    [Fact]
    public void Missing_and_unexpected_tensors_are_rejected_unless_extras_are_allowed()
    {
        ModelFormatException e = Rejected(SafeTensorsFile.Build(SafeTensorsFile.TinyTensors()[..3]), ModelFormatError.MissingTensor);
        Assert.Contains("no tensor '1.bias'", e.Message);
        Assert.Contains("'0.weight', '0.bias', '1.weight'", e.Message);

        byte[] withExtra = SafeTensorsFile.Build([.. SafeTensorsFile.TinyTensors(), ("2.running_mean", "F64", [4], new byte[32])]);
        e = Rejected(withExtra, ModelFormatError.UnexpectedTensor);
        Assert.Contains("'2.running_mean'", e.Message);
        Assert.Contains("IgnoreUnexpectedTensors", e.Message);

        var model = new TinyNet();
        SafeTensors.Import(model, new MemoryStream(withExtra), new SafeTensorsOptions { IgnoreUnexpectedTensors = true });
        Assert.Equal(4f + 0.25f * 2, model.Dense2Biases[2]);

        // An extra in the middle of the data is skipped over correctly, too.
        var tensors = SafeTensorsFile.TinyTensors().ToList();
        tensors.Insert(1, ("extra", "I8", [3], new byte[] { 1, 2, 3 }));
        var middle = new TinyNet();
        SafeTensors.Import(middle, new ForwardOnlyStream(SafeTensorsFile.Build([.. tensors])), new SafeTensorsOptions { IgnoreUnexpectedTensors = true });
        Assert.Equal(4f + 0.25f * 2, middle.Dense2Biases[2]);
        Assert.Equal(2f, middle.Dense1Biases[0]);
    }

    [Fact]
    public void Overlapping_gapped_and_inconsistent_offsets_are_rejected()
    {
        (JsonObject header, byte[] data) = SafeTensorsFile.Parse(SafeTensorsFile.Build(SafeTensorsFile.TinyTensors()));
        byte[] With(string name, long begin, long end)
        {
            var copy = (JsonObject)header.DeepClone();
            copy[name]!["data_offsets"] = new JsonArray(JsonValue.Create(begin), JsonValue.Create(end));
            return SafeTensorsFile.Raw(copy, data);
        }

        // 0.weight [0,140) 0.bias [140,168) 1.weight [168,252) 1.bias [252,264)
        Assert.Contains("overlapping", Rejected(With("0.bias", 136, 164), ModelFormatError.InvalidOffsets).Message);
        Assert.Contains("overlapping", Rejected(With("1.bias", 0, 12), ModelFormatError.InvalidOffsets).Message);
        Assert.Contains("hole", Rejected(With("1.bias", 256, 268), ModelFormatError.InvalidOffsets).Message);
        Assert.Contains("end before they begin", Rejected(With("1.bias", 264, 252), ModelFormatError.InvalidOffsets).Message);
        Assert.Contains("takes 12 bytes", Rejected(With("1.bias", 252, 260), ModelFormatError.InvalidOffsets).Message);
        // Offsets past the end of the data: the file is too short for its header.
        byte[] shortData = SafeTensorsFile.Raw(header, data[..^4]);
        Assert.Contains("truncated", Rejected(shortData, ModelFormatError.Truncated).Message);
        using var directory = new TempDirectory();
        Assert.Contains("need 264 bytes of data, but only 260", Rejected(shortData, ModelFormatError.Truncated, directory: directory).Message);
        Rejected(With("1.bias", long.MaxValue - 12, long.MaxValue), ModelFormatError.InvalidOffsets, directory: directory);
        // Data beyond the last tensor.
        Assert.Contains("after its last tensor", Rejected(SafeTensorsFile.Raw(header, [.. data, 0, 0, 0, 0]), ModelFormatError.InvalidOffsets, directory: directory).Message);
    }

    [Fact]
    public void Header_lengths_that_cannot_be_right_are_rejected_before_reading()
    {
        using var directory = new TempDirectory();
        byte[] good = SafeTensorsFile.Build(SafeTensorsFile.TinyTensors());
        foreach (ulong length in new[] { ulong.MaxValue, 1ul << 63, (ulong)SafeTensors.MaxHeaderLength + 1 })
        {
            byte[] bad = (byte[])good.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(bad, length);
            Assert.Contains("limit", Rejected(bad, ModelFormatError.InvalidHeader).Message);
            Rejected(bad, ModelFormatError.InvalidHeader, directory: directory);
        }
        byte[] longer = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(longer, (ulong)good.Length);
        Assert.Contains("only", Rejected(longer, ModelFormatError.Truncated, directory: directory).Message);
        Rejected(longer, ModelFormatError.Truncated);
        BinaryPrimitives.WriteUInt64LittleEndian(longer, 0);
        Rejected(longer, ModelFormatError.InvalidHeader);
    }

    [Fact]
    public void Truncation_at_every_offset_is_rejected()
    {
        using var directory = new TempDirectory();
        byte[] good = Exported(new TinyNet(seed: 1));
        for (int length = 0; length < good.Length; length++)
        {
            Rejected(good[..length], ModelFormatError.Truncated);
            Rejected(good[..length], ModelFormatError.Truncated, directory: directory);
        }
    }

    [Fact]
    public void Malformed_headers_are_rejected()
    {
        byte[] data = SafeTensorsFile.Floats(66);
        string tiny = SafeTensorsFile.Parse(SafeTensorsFile.Build(SafeTensorsFile.TinyTensors())).Header.ToJsonString();
        var cases = new (string Json, string Expect)[]
        {
            (tiny[..^1] + " ", "not valid JSON"),
            (tiny + "x", "not valid JSON"),
            (tiny.Replace("\"0.bias\":{", "\"0.bias\":{,", StringComparison.Ordinal), "not valid JSON"),
            ("[1, 2]", "not an object"),
            ("\"text\"", "not an object"),
            (tiny.Replace("\"1.bias\"", "\"0.bias\"", StringComparison.Ordinal), "twice"),
            (tiny.Replace("\"format\":\"pt\"", "\"format\":7", StringComparison.Ordinal), "not a string"),
            (tiny.Replace("\"format\":\"pt\"", "\"format\":\"pt\",\"format\":\"pt\"", StringComparison.Ordinal), "twice"),
            (tiny.Replace("\"__metadata__\":{\"format\":\"pt\"}", "\"__metadata__\":[]", StringComparison.Ordinal), "not an object of strings"),
            (tiny.Replace("\"shape\":[3]", "\"shape\":[-3]", StringComparison.Ordinal), "non-negative integer"),
            (tiny.Replace("\"shape\":[3]", "\"shape\":[3.0]", StringComparison.Ordinal), "non-negative integer"),
            (tiny.Replace("\"shape\":[3]", "\"shape\":[\"3\"]", StringComparison.Ordinal), "non-negative integer"),
            (tiny.Replace("\"shape\":[3]", "\"shape\":3", StringComparison.Ordinal), "not an array"),
            (tiny.Replace("\"data_offsets\":[252,264]", "\"data_offsets\":[252,264,264]", StringComparison.Ordinal), "3 data_offsets"),
            (tiny.Replace("\"data_offsets\":[252,264]", "\"data_offsets\":[252,1e3]", StringComparison.Ordinal), "non-negative integer"),
            (tiny.Replace("\"dtype\":\"F32\",\"shape\":[3]", "\"dtype\":\"F32\",\"layout\":\"C\",\"shape\":[3]", StringComparison.Ordinal), "unknown field 'layout'"),
            (tiny.Replace("\"dtype\":\"F32\",\"shape\":[3]", "\"shape\":[3]", StringComparison.Ordinal), "no dtype"),
            (tiny.Replace("\"dtype\":\"F32\",\"shape\":[3]", "\"dtype\":\"F32\"", StringComparison.Ordinal), "no shape"),
            (tiny.Replace(",\"data_offsets\":[252,264]", "", StringComparison.Ordinal), "no data_offsets"),
            (tiny.Replace("\"dtype\":\"F32\",\"shape\":[3]", "\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[3]", StringComparison.Ordinal), "two dtype"),
            (tiny.Replace("\"dtype\":\"F32\",\"shape\":[3]", "\"dtype\":32,\"shape\":[3]", StringComparison.Ordinal), "not a string"),
            (tiny.Replace("\"1.bias\":{", "\"1.bias\":[{", StringComparison.Ordinal)[..^1] + "]}", "not an object with dtype"),
            ("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":{}}}}}}}}}}", "not valid JSON"),
        };
        foreach (var (json, expect) in cases)
        {
            Assert.NotEqual(tiny, json);
            ModelFormatException e;
            try
            {
                e = Rejected(SafeTensorsFile.Raw(json, data), ModelFormatError.InvalidHeader);
            }
            catch (Exception failure) when (failure is not ModelFormatException)
            {
                throw new Xunit.Sdk.XunitException($"for {json}: {failure.Message}");
            }
            Assert.True(e.Message.Contains(expect, StringComparison.Ordinal), $"for {json}: expected '{expect}' in: {e.Message}");
        }

        // Bytes that are not UTF-8.
        byte[] invalid = Encoding.UTF8.GetBytes(tiny);
        int at = Array.IndexOf(invalid, (byte)'p');
        invalid[at] = 0xFF;
        Rejected(SafeTensorsFile.Raw(invalid, data), ModelFormatError.InvalidHeader);
    }

    [Fact]
    public void Tensors_without_a_pytorch_mapping_are_refused_on_export_and_import()
    {
        var model = new FakeModel(new ParameterBlock("0.weight", 0, [3, 3, 1, 2], 0, "weight"), new ParameterBlock("0.bias", 18, [2], 0, "bias"));
        Assert.Throws<NotSupportedException>(() => SafeTensors.Export(model, new MemoryStream()));
        Assert.Throws<NotSupportedException>(() => SafeTensors.Import(model, new MemoryStream(SafeTensorsFile.Build(SafeTensorsFile.TinyTensors()))));
        using var directory = new TempDirectory();
        Assert.Throws<NotSupportedException>(() => SafeTensors.Export(model, directory.File("x.safetensors")));
        Assert.Empty(directory.FileNames());
    }

    [Fact]
    public void A_model_file_is_not_safetensors()
    {
        using var stream = new MemoryStream();
        ModelFile.Save(new TinyNet(), stream);
        Rejected(stream.ToArray(), ModelFormatError.InvalidHeader);
    }

    /// <summary>An <see cref="IModel"/> with arbitrary parameter blocks, e.g. a convolution kernel.</summary>
    private sealed class FakeModel(params ParameterBlock[] blocks) : IModel
    {
        private readonly float[] _parameters = new float[blocks.Sum(b => b.Length)];
        public int InputSize => 1;
        public int OutputSize => 1;
        public int ParameterCount => _parameters.Length;
        public LossKind Loss => LossKind.MeanSquaredError;
        public string Architecture => "Fake";
        public Span<float> Parameters => _parameters;
        public IReadOnlyList<ParameterBlock> ParameterBlocks => blocks;
        public void Predict(ReadOnlySpan<float> input, Span<float> output) => throw new NotSupportedException();
        public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batch) => throw new NotSupportedException();
        public int Classify(ReadOnlySpan<float> input) => throw new NotSupportedException();
    }
}
