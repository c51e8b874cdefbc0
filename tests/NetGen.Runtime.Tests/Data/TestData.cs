using System.Buffers.Binary;
using System.IO.Compression;

namespace NetGen.Runtime.Tests.Data;

/// <summary>Builds IDX bytes by hand (independently of the reader) and manages temporary files.</summary>
internal static class TestData
{
    public static byte[] Idx(byte typeCode, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = typeCode;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    public static byte[] IdxHeader(byte typeCode, params uint[] dims)
    {
        var bytes = new byte[4 + 4 * dims.Length];
        bytes[2] = typeCode;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        return bytes;
    }

    public static byte[] Gzip(byte[] content)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(content);
        return ms.ToArray();
    }

    public static byte[] Pixels(int count, int seed = 1)
    {
        var r = new Random(seed);
        var data = new byte[count];
        r.NextBytes(data);
        return data;
    }

    /// <summary>Images [n, rows, cols] with pixel i = (i * 7 + 3) mod 256, and labels i mod classes.</summary>
    public static (byte[] Images, byte[] Labels, byte[] Pixels, byte[] LabelValues) ImagesAndLabels(int n, int rows, int cols, int classes = 10)
    {
        var pixels = new byte[n * rows * cols];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)((i * 7 + 3) % 256);
        var labels = new byte[n];
        for (int i = 0; i < n; i++) labels[i] = (byte)(i % classes);
        return (Idx(0x08, [n, rows, cols], pixels), Idx(0x08, [n], labels), pixels, labels);
    }
}

/// <summary>A temporary directory removed on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netgen-data-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, byte[] bytes)
    {
        string file = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(file, bytes);
        return file;
    }

    public string WriteText(string name, string text)
    {
        string file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>A read-only stream that cannot seek and returns at most a few bytes per read (exercises the reader's loops).</summary>
internal sealed class TrickleStream(byte[] data, int maxChunk = 7) : Stream
{
    private int _pos;
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(buffer.Length, maxChunk), data.Length - _pos);
        data.AsSpan(_pos, n).CopyTo(buffer);
        _pos += n;
        return n;
    }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
