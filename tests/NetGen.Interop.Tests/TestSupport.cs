using NetGen.Data;

namespace NetGen.Interop.Tests;

/// <summary>A fresh folder under the temporary directory, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netgen-interop-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The names of the files in the folder, sorted (temporary files of atomic saves included).</summary>
    public string[] FileNames()
    {
        string[] names = Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).Select(n => n!).ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class TestData
{
    /// <summary>Random inputs in [-1, 1), seeded.</summary>
    public static float[] Inputs(int count, int size, int seed)
    {
        var random = new SeededRandom((ulong)seed * 7919 + 17);
        var x = new float[count * size];
        for (int i = 0; i < x.Length; i++) x[i] = random.NextSingle() * 2 - 1;
        return x;
    }

    /// <summary>A learnable classification problem: labels are the argmax of a fixed random linear map of the inputs.</summary>
    public static Dataset Classification(int count, int inputs, int classes, int seed)
    {
        float[] x = Inputs(count, inputs, seed);
        var random = new SeededRandom(12345);
        var w = new float[inputs * classes];
        for (int i = 0; i < w.Length; i++) w[i] = random.NextSingle() * 2 - 1;
        var labels = new int[count];
        for (int s = 0; s < count; s++)
        {
            int best = 0;
            float bestScore = float.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                float score = 0;
                for (int i = 0; i < inputs; i++) score += x[s * inputs + i] * w[i * classes + c];
                if (score > bestScore) (best, bestScore) = (c, score);
            }
            labels[s] = best;
        }
        return new Dataset(x, [inputs], labels);
    }

    /// <summary>Trains <paramref name="model"/> for a few seeded steps so its parameters are no longer the initial ones (and biases are not zero).</summary>
    public static IGradientTrainer TrainAFewSteps(ITrainableModel model, int steps, int seed)
    {
        const int batch = 16;
        IGradientTrainer trainer = model.CreateTrainer(batch);
        for (int step = 0; step < steps; step++)
        {
            float[] x = Inputs(batch, model.InputSize, seed * 1000 + step);
            if (trainer.AcceptsLabels && model.Loss != LossKind.BinaryCrossEntropy)
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
        return trainer;
    }

    /// <summary>Fills a model's parameters with distinct values (a sentinel to check that failed loads change nothing).</summary>
    public static float[] Scramble(IModel model, int seed)
    {
        var random = new SeededRandom((ulong)seed);
        Span<float> p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = random.NextSingle() - 0.5f;
        return p.ToArray();
    }

    /// <summary>Writes raw little-endian float32, as the Python scripts read them.</summary>
    public static void WriteFloats(string path, float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Reads raw little-endian float32, as the Python scripts write them.</summary>
    public static float[] ReadFloats(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
        return values;
    }

    public static float[] Predict(IModel model, float[] inputs)
    {
        int batch = inputs.Length / model.InputSize;
        var outputs = new float[batch * model.OutputSize];
        model.Predict(inputs, outputs, batch);
        return outputs;
    }
}

internal static class Bits
{
    /// <summary>Asserts two float sequences are identical bit for bit (NaNs included).</summary>
    public static void Equal(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what = "values")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            int e = BitConverter.SingleToInt32Bits(expected[i]), a = BitConverter.SingleToInt32Bits(actual[i]);
            if (e != a) Assert.Fail($"{what} differ at {i}: expected {expected[i]:R} (0x{e:x8}), got {actual[i]:R} (0x{a:x8})");
        }
    }
}

/// <summary>A stream that passes writes through until <see cref="Limit"/> bytes, then throws, as a dying disk or process would.</summary>
internal sealed class FailingStream(Stream inner, long limit) : Stream
{
    public long Limit { get; } = limit;
    public long Written { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        long room = Limit - Written;
        if (buffer.Length > room)
        {
            inner.Write(buffer[..(int)Math.Max(0, room)]);
            inner.Flush();
            Written = Limit;
            throw new IOException($"Simulated failure after {Limit} bytes.");
        }
        inner.Write(buffer);
        Written += buffer.Length;
    }

    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>A read-only, non-seekable view of bytes, as a network stream would be.</summary>
internal sealed class ForwardOnlyStream(byte[] bytes) : Stream
{
    private int _position;

    public int Position32 => _position;
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Hand out at most 7 bytes at a time, so readers must loop.
        int n = Math.Min(Math.Min(buffer.Length, 7), bytes.Length - _position);
        bytes.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
