using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NetGen.Serialization;

namespace NetGen.Interop.Tests;

public class ModelFileTests
{
    private static byte[] Saved(IModel model)
    {
        using var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        return stream.ToArray();
    }

    private static int DataOffset(IModel model) => (80 + Encoding.UTF8.GetByteCount(model.Architecture) + 7) & ~7;

    /// <summary>Loads <paramref name="bytes"/> into a scrambled model, expects a <see cref="ModelFormatException"/>, and checks the model is unchanged.</summary>
    private static ModelFormatException Rejected(byte[] bytes, IModel target, bool viaFile = false, TempDirectory? directory = null)
    {
        float[] before = TestData.Scramble(target, 4242);
        ModelFormatException e;
        if (viaFile)
        {
            string path = directory!.File("bad.ngmf");
            File.WriteAllBytes(path, bytes);
            e = Assert.Throws<ModelFormatException>(() => ModelFile.Load(target, path));
        }
        else
        {
            e = Assert.Throws<ModelFormatException>(() => ModelFile.Load(target, new MemoryStream(bytes)));
        }
        Bits.Equal(before, target.Parameters, "parameters after a rejected load");
        return e;
    }

    [Fact]
    public void Save_then_load_gives_bit_identical_parameters_and_predictions()
    {
        using var directory = new TempDirectory();
        var model = new FashionMlp(seed: 3);
        TestData.TrainAFewSteps(model, steps: 5, seed: 1);
        string path = directory.File("fashion.ngmf");

        ModelFile.Save(model, path);
        var loaded = new FashionMlp(seed: 99);
        ModelFile.Load(loaded, path);

        Bits.Equal(model.Parameters, loaded.Parameters, "parameters");
        float[] inputs = TestData.Inputs(64, 784, seed: 5);
        Bits.Equal(TestData.Predict(model, inputs), TestData.Predict(loaded, inputs), "predictions");
        Assert.Equal(["fashion.ngmf"], directory.FileNames()); // no temporary file left behind
        Assert.Equal(DataOffset(model) + 4L * FashionMlp.ParameterCount + 32, new FileInfo(path).Length);
    }

    [Fact]
    public void Stream_overloads_round_trip_and_read_exactly_the_saved_bytes()
    {
        var a = new TinyNet(seed: 1);
        var b = new MixedNet(seed: 2);
        TestData.TrainAFewSteps(b, 3, seed: 2);
        using var stream = new MemoryStream();
        ModelFile.Save(a, stream);
        ModelFile.Save(b, stream);
        stream.WriteByte(0xAB);

        // Non-seekable, short reads: the reader must loop and stop at the end of each model.
        var forwardOnly = new ForwardOnlyStream(stream.ToArray());
        var a2 = new TinyNet(seed: 9);
        var b2 = new MixedNet(seed: 9);
        ModelFile.Load(a2, forwardOnly);
        ModelFile.Load(b2, forwardOnly);
        Bits.Equal(a.Parameters, a2.Parameters);
        Bits.Equal(b.Parameters, b2.Parameters);
        Assert.Equal(stream.Length - 1, forwardOnly.Position32);
    }

    [Fact]
    public void The_layout_is_the_documented_one()
    {
        var model = new TinyNet(seed: 5);
        TestData.TrainAFewSteps(model, 2, seed: 3);
        byte[] bytes = Saved(model);
        byte[] text = Encoding.UTF8.GetBytes(TinyNet.Architecture);
        int data = DataOffset(model);

        Assert.Equal("NGMF"u8.ToArray(), bytes[..4]);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));      // version
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6)));      // kind: model
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));     // flags
        Assert.Equal((uint)text.Length, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)));
        Assert.Equal(TinyNet.ParameterCount, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16)));
        Assert.Equal(0, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(24)));      // optimizer state
        Assert.Equal(0, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(32)));      // step
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(40)));      // epoch
        Assert.Equal(0f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(44)));    // learning rate
        Assert.Equal(SHA256.HashData(text), bytes[48..80]);
        Assert.Equal(text, bytes[80..(80 + text.Length)]);
        Assert.All(bytes[(80 + text.Length)..data], b => Assert.Equal(0, b));
        Assert.Equal(0, data % 8);
        for (int i = 0; i < TinyNet.ParameterCount; i++)
            Assert.Equal(model.Parameters[i], BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(data + 4 * i)));
        Assert.Equal(data + 4 * TinyNet.ParameterCount + 32, bytes.Length);
        Assert.Equal(SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)), bytes[^32..]);
    }

    [Fact]
    public void Every_single_byte_flip_in_the_header_is_rejected()
    {
        var model = new TinyNet(seed: 1);
        TestData.TrainAFewSteps(model, 2, seed: 1);
        byte[] good = Saved(model);
        int header = DataOffset(model);
        var target = new TinyNet(seed: 2);
        var errors = new Dictionary<ModelFormatError, int>();
        foreach (byte mask in new byte[] { 0x01, 0x10, 0x80, 0xFF })
        {
            for (int offset = 0; offset < header; offset++)
            {
                byte[] bad = (byte[])good.Clone();
                bad[offset] ^= mask;
                ModelFormatException e = Rejected(bad, target);
                errors[e.Error] = errors.GetValueOrDefault(e.Error) + 1;
                if (offset >= 80 && offset < 80 + TinyNet.Architecture.Length)
                    Assert.True(e.Error == ModelFormatError.Corrupt, $"offset {offset}: a damaged architecture text must read as damage, not as another architecture; got {e.Error}: {e.Message}");
            }
        }
        // Each kind of damage is named for what it is.
        Assert.Contains(ModelFormatError.NotAModelFile, errors.Keys);
        Assert.Contains(ModelFormatError.UnsupportedVersion, errors.Keys);
        Assert.Contains(ModelFormatError.Corrupt, errors.Keys);
        Assert.Contains(ModelFormatError.ChecksumMismatch, errors.Keys);
    }

    [Fact]
    public void Byte_flips_in_the_data_and_checksum_are_rejected_by_the_checksum()
    {
        using var directory = new TempDirectory();
        var model = new FashionMlp(seed: 1);
        byte[] good = Saved(model);
        int header = DataOffset(model);
        var target = new FashionMlp(seed: 2);
        var random = new SeededRandom(77);
        var offsets = new List<int> { header, header + 1, good.Length - 33, good.Length - 32, good.Length - 1 };
        for (int i = 0; i < 60; i++) offsets.Add(header + random.NextInt(good.Length - header));
        foreach (int offset in offsets)
        {
            byte[] bad = (byte[])good.Clone();
            bad[offset] ^= (byte)(1 << random.NextInt(8));
            ModelFormatException e = Rejected(bad, target, viaFile: offset % 2 == 0, directory);
            Assert.Equal(ModelFormatError.ChecksumMismatch, e.Error);
            Assert.Contains("checksum", e.Message);
        }
    }

    [Fact]
    public void Truncation_at_every_offset_is_rejected_from_files_and_streams()
    {
        using var directory = new TempDirectory();
        var model = new TinyNet(seed: 1);
        byte[] good = Saved(model);
        var target = new TinyNet(seed: 2);
        for (int length = 0; length < good.Length; length++)
        {
            byte[] bad = good[..length];
            ModelFormatException fromStream = Rejected(bad, target);
            Assert.Equal(ModelFormatError.Truncated, fromStream.Error);
            Assert.Contains("truncated", fromStream.Message);
            ModelFormatException fromFile = Rejected(bad, target, viaFile: true, directory);
            Assert.Equal(ModelFormatError.Truncated, fromFile.Error);
            Assert.Contains("bad.ngmf", fromFile.Message);
        }
    }

    [Fact]
    public void Trailing_bytes_after_a_file_are_rejected()
    {
        using var directory = new TempDirectory();
        var model = new TinyNet(seed: 1);
        byte[] bad = [.. Saved(model), 0];
        ModelFormatException e = Rejected(bad, new TinyNet(seed: 2), viaFile: true, directory);
        Assert.Equal(ModelFormatError.Corrupt, e.Error);
        Assert.Contains("1 bytes after its checksum", e.Message);
    }

    [Fact]
    public void A_file_of_another_architecture_is_rejected_naming_both()
    {
        using var directory = new TempDirectory();
        string path = directory.File("tiny.ngmf");
        ModelFile.Save(new TinyNet(seed: 1), path);
        var other = new WiderTinyNet(seed: 2);
        float[] before = other.Parameters.ToArray();

        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Load(other, path));

        Assert.Equal(ModelFormatError.ArchitectureMismatch, e.Error);
        Assert.Contains(TinyNet.Architecture, e.Message);
        Assert.Contains(WiderTinyNet.Architecture, e.Message);
        Assert.Contains("tiny.ngmf", e.Message);
        Assert.Equal(TinyNet.Architecture, e.FileArchitecture);
        Assert.Equal(WiderTinyNet.Architecture, e.ExpectedArchitecture);
        Bits.Equal(before, other.Parameters);

        // A bigger network's file into a smaller one, and back.
        string fashion = directory.File("fashion.ngmf");
        ModelFile.Save(new FashionMlp(seed: 1), fashion);
        Assert.Equal(ModelFormatError.ArchitectureMismatch, Assert.Throws<ModelFormatException>(() => ModelFile.Load(new TinyNet(), fashion)).Error);
        Assert.Equal(ModelFormatError.ArchitectureMismatch, Assert.Throws<ModelFormatException>(() => ModelFile.Load(new FashionMlp(), path)).Error);
    }

    [Fact]
    public void Unknown_versions_are_rejected_even_with_a_valid_checksum()
    {
        var model = new TinyNet(seed: 1);
        byte[] good = Saved(model);
        foreach (ushort version in new ushort[] { 0, 3, 0xFFFF }) // 2 is a checkpoint with Fit's state (EarlyStoppingResumeTests)
        {
            byte[] bad = (byte[])good.Clone();
            BinaryPrimitives.WriteUInt16LittleEndian(bad.AsSpan(4), version);
            SHA256.HashData(bad.AsSpan(0, bad.Length - 32), bad.AsSpan(bad.Length - 32));
            ModelFormatException e = Rejected(bad, new TinyNet(seed: 2));
            Assert.Equal(ModelFormatError.UnsupportedVersion, e.Error);
            Assert.Contains($"version {version}", e.Message);
            if (version > 2) Assert.Contains("newer NetGen", e.Message);
        }

        // Version 2 without the fit-state section it stands for is damaged, not new.
        byte[] two = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(two.AsSpan(4), 2);
        SHA256.HashData(two.AsSpan(0, two.Length - 32), two.AsSpan(two.Length - 32));
        Assert.Equal(ModelFormatError.Corrupt, Rejected(two, new TinyNet(seed: 2)).Error);
    }

    [Fact]
    public void Well_checksummed_files_with_impossible_fields_are_rejected()
    {
        var model = new TinyNet(seed: 1);
        byte[] good = Saved(model);
        var cases = new (string Name, Action<byte[]> Damage, ModelFormatError Error)[]
        {
            ("kind 3", b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(6), 3), ModelFormatError.Corrupt),
            ("unknown flag", b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), 2), ModelFormatError.Corrupt),
            ("model with a learning rate", b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), 1), ModelFormatError.Corrupt),
            ("model with a step", b => BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(32), 5), ModelFormatError.Corrupt),
            ("model with an epoch", b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(40), 5), ModelFormatError.Corrupt),
        };
        foreach (var (name, damage, error) in cases)
        {
            byte[] bad = (byte[])good.Clone();
            damage(bad);
            SHA256.HashData(bad.AsSpan(0, bad.Length - 32), bad.AsSpan(bad.Length - 32));
            ModelFormatException e = Rejected(bad, new TinyNet(seed: 2));
            Assert.True(e.Error == error, $"{name}: {e.Error}: {e.Message}");
        }

        // Non-zero padding after the architecture text (TinyNet's text is exactly 80 bytes: no padding; FashionMlp's has some).
        byte[] fashion = Saved(new FashionMlp(seed: 1));
        int textEnd = 80 + FashionMlp.Architecture.Length;
        Assert.True(DataOffset(new FashionMlp()) > textEnd);
        fashion[textEnd] = 1;
        SHA256.HashData(fashion.AsSpan(0, fashion.Length - 32), fashion.AsSpan(fashion.Length - 32));
        Assert.Contains("padding", Rejected(fashion, new FashionMlp()).Message);
    }

    [Fact]
    public void Foreign_files_are_not_model_files()
    {
        using var directory = new TempDirectory();
        var target = new TinyNet(seed: 2);
        ModelFormatException e = Rejected("hello, world, this is not a model"u8.ToArray(), target);
        Assert.Equal(ModelFormatError.NotAModelFile, e.Error);
        Assert.Contains("NGMF", e.Message);

        string safetensors = directory.File("tiny.safetensors");
        SafeTensors.Export(new TinyNet(seed: 1), safetensors);
        e = Rejected(File.ReadAllBytes(safetensors), target);
        Assert.Equal(ModelFormatError.NotAModelFile, e.Error);
        Assert.Contains("SafeTensors.Import", e.Message);

        Assert.Throws<FileNotFoundException>(() => ModelFile.Load(target, directory.File("missing.ngmf")));
    }

    [Fact]
    public void ReadInfo_describes_model_files_and_checkpoints()
    {
        using var directory = new TempDirectory();
        var model = new TinyNet(seed: 1);
        IGradientTrainer trainer = TestData.TrainAFewSteps(model, 3, seed: 1);
        trainer.LearningRate = 0.0125f;
        ModelFile.Save(model, directory.File("m.ngmf"));
        Checkpoint.Save(trainer, 7, directory.File("c.ngck"));

        ModelFileInfo info = ModelFile.ReadInfo(directory.File("m.ngmf"));
        Assert.Equal(ModelFileKind.Model, info.Kind);
        Assert.Equal(1, info.Version);
        Assert.Equal(TinyNet.Architecture, info.Architecture);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(TinyNet.Architecture))), info.ArchitectureSha256);
        Assert.Equal(TinyNet.ParameterCount, info.ParameterCount);
        Assert.Equal(0, info.OptimizerStateCount);
        Assert.Null(info.LearningRate);
        Assert.Equal(new FileInfo(directory.File("m.ngmf")).Length, info.Length);

        ModelFileInfo checkpoint = ModelFile.ReadInfo(directory.File("c.ngck"));
        Assert.Equal(ModelFileKind.Checkpoint, checkpoint.Kind);
        Assert.Equal(2 * TinyNet.ParameterCount, checkpoint.OptimizerStateCount); // Adam: m and v
        Assert.Equal(3, checkpoint.Step);
        Assert.Equal(7, checkpoint.Epoch);
        Assert.Equal(0.0125f, checkpoint.LearningRate);

        byte[] bad = File.ReadAllBytes(directory.File("c.ngck"));
        bad[^40] ^= 1;
        Assert.Equal(ModelFormatError.ChecksumMismatch, Assert.Throws<ModelFormatException>(() => ModelFile.ReadInfo(new MemoryStream(bad))).Error);
    }

    [Fact]
    public void A_writer_that_dies_mid_save_leaves_the_previous_file_intact()
    {
        using var directory = new TempDirectory();
        string path = directory.File("model.ngmf");
        var old = new FashionMlp(seed: 1);
        ModelFile.Save(old, path);
        byte[] oldBytes = File.ReadAllBytes(path);
        var next = new FashionMlp(seed: 2);

        foreach (long limit in new long[] { 0, 1, 79, 200, 4096, 100_000, oldBytes.Length - 33, oldBytes.Length - 1 })
        {
            string? temporary = null;
            var e = Assert.Throws<IOException>(() => ModelFile.Save(next, path, p =>
            {
                temporary = p;
                return new FailingStream(new FileStream(p, FileMode.CreateNew, FileAccess.Write), limit);
            }));
            Assert.Contains("Simulated failure", e.Message);

            // The temporary file was beside the target, and is gone; the target is the old model, whole.
            Assert.Equal(directory.Path, Path.GetDirectoryName(temporary));
            Assert.False(File.Exists(temporary));
            Assert.Equal(["model.ngmf"], directory.FileNames());
            Assert.Equal(oldBytes, File.ReadAllBytes(path));
            var reloaded = new FashionMlp(seed: 3);
            ModelFile.Load(reloaded, path);
            Bits.Equal(old.Parameters, reloaded.Parameters);
        }

        // And the next save that succeeds replaces it.
        ModelFile.Save(next, path);
        var latest = new FashionMlp(seed: 3);
        ModelFile.Load(latest, path);
        Bits.Equal(next.Parameters, latest.Parameters);
    }

    [Fact]
    public void A_partial_temporary_file_left_by_a_killed_process_harms_nothing()
    {
        using var directory = new TempDirectory();
        string path = directory.File("model.ngmf");
        var old = new TinyNet(seed: 1);
        ModelFile.Save(old, path);
        // What a process killed between writing and renaming leaves: a hidden, partial temporary file.
        byte[] partial = Saved(new TinyNet(seed: 2))[..100];
        string leftover = directory.File(".model.ngmf.abcdefgh.xyz.tmp");
        File.WriteAllBytes(leftover, partial);

        var reloaded = new TinyNet(seed: 3);
        ModelFile.Load(reloaded, path);
        Bits.Equal(old.Parameters, reloaded.Parameters);

        var next = new TinyNet(seed: 4);
        ModelFile.Save(next, path);
        ModelFile.Load(reloaded, path);
        Bits.Equal(next.Parameters, reloaded.Parameters);
        Assert.Equal(partial, File.ReadAllBytes(leftover)); // another writer's file is not ours to delete
    }

    [Fact]
    public void Concurrent_saves_to_one_path_leave_one_whole_model()
    {
        using var directory = new TempDirectory();
        string path = directory.File("model.ngmf");
        var models = Enumerable.Range(1, 4).Select(seed => new FashionMlp(seed)).ToArray();
        Parallel.For(0, 4 * 6, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => ModelFile.Save(models[i % 4], path));

        Assert.Equal(["model.ngmf"], directory.FileNames());
        var loaded = new FashionMlp(seed: 9);
        ModelFile.Load(loaded, path);
        Assert.Contains(models, m => m.Parameters.SequenceEqual(loaded.Parameters));
    }

    [Fact]
    public void Saving_into_a_missing_folder_fails_without_leaving_files()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "missing", "model.ngmf");
        Assert.Throws<DirectoryNotFoundException>(() => ModelFile.Save(new TinyNet(), path));
        Assert.Empty(directory.FileNames());
    }
}
