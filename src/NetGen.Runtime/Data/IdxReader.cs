using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace NetGen.Data;

/// <summary>The element types of the IDX format (third byte of the magic number).</summary>
public enum IdxDataType : byte
{
    /// <summary>0x08: unsigned byte (the MNIST family).</summary>
    UnsignedByte = 0x08,
    /// <summary>0x09: signed byte.</summary>
    SignedByte = 0x09,
    /// <summary>0x0B: 16-bit big-endian integer.</summary>
    Int16 = 0x0B,
    /// <summary>0x0C: 32-bit big-endian integer.</summary>
    Int32 = 0x0C,
    /// <summary>0x0D: 32-bit big-endian IEEE float.</summary>
    Single = 0x0D,
    /// <summary>0x0E: 64-bit big-endian IEEE float.</summary>
    Double = 0x0E,
}

/// <summary>One IDX file: its element type, its dimensions and its elements exactly as stored.</summary>
public sealed class IdxTensor
{
    private readonly int[] _dimensions;

    internal IdxTensor(IdxDataType dataType, int[] dimensions, byte[] rawData, int elementCount)
    {
        DataType = dataType;
        _dimensions = dimensions;
        RawData = rawData;
        ElementCount = elementCount;
    }

    /// <summary>The element type.</summary>
    public IdxDataType DataType { get; }

    /// <summary>The dimensions, outermost first (e.g. [60000, 28, 28]).</summary>
    public ReadOnlySpan<int> Dimensions => _dimensions;

    /// <summary>The number of elements (the product of the dimensions).</summary>
    public int ElementCount { get; }

    /// <summary>
    /// The elements as stored in the file (big-endian for multi-byte types). For
    /// <see cref="IdxDataType.UnsignedByte"/> these are the values themselves, e.g. pixels 0..255.
    /// </summary>
    public byte[] RawData { get; }

    /// <summary>The size of one element in bytes.</summary>
    public static int ElementSize(IdxDataType type) => type switch
    {
        IdxDataType.UnsignedByte or IdxDataType.SignedByte => 1,
        IdxDataType.Int16 => 2,
        IdxDataType.Int32 or IdxDataType.Single => 4,
        IdxDataType.Double => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an IDX element type."),
    };

    /// <summary>The elements converted to floats (unsigned bytes become 0..255).</summary>
    public float[] ToSingleArray()
    {
        var result = new float[ElementCount];
        ReadOnlySpan<byte> raw = RawData;
        switch (DataType)
        {
            case IdxDataType.UnsignedByte:
                for (int i = 0; i < result.Length; i++) result[i] = raw[i];
                break;
            case IdxDataType.SignedByte:
                for (int i = 0; i < result.Length; i++) result[i] = (sbyte)raw[i];
                break;
            case IdxDataType.Int16:
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt16BigEndian(raw.Slice(2 * i));
                break;
            case IdxDataType.Int32:
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt32BigEndian(raw.Slice(4 * i));
                break;
            case IdxDataType.Single:
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadSingleBigEndian(raw.Slice(4 * i));
                break;
            case IdxDataType.Double:
                for (int i = 0; i < result.Length; i++) result[i] = (float)BinaryPrimitives.ReadDoubleBigEndian(raw.Slice(8 * i));
                break;
        }
        return result;
    }

    /// <summary>The elements as integers; only for the integer element types.</summary>
    /// <exception cref="InvalidOperationException">The elements are floats.</exception>
    public int[] ToInt32Array()
    {
        var result = new int[ElementCount];
        ReadOnlySpan<byte> raw = RawData;
        switch (DataType)
        {
            case IdxDataType.UnsignedByte:
                for (int i = 0; i < result.Length; i++) result[i] = raw[i];
                break;
            case IdxDataType.SignedByte:
                for (int i = 0; i < result.Length; i++) result[i] = (sbyte)raw[i];
                break;
            case IdxDataType.Int16:
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt16BigEndian(raw.Slice(2 * i));
                break;
            case IdxDataType.Int32:
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt32BigEndian(raw.Slice(4 * i));
                break;
            default:
                throw new InvalidOperationException($"IDX elements of type {DataType} are not integers.");
        }
        return result;
    }
}

/// <summary>Settings of <see cref="IdxReader"/>.</summary>
public sealed record IdxReadOptions
{
    /// <summary>The default <see cref="MaxDataBytes"/>: 1 GiB.</summary>
    public const long DefaultMaxDataBytes = 1L << 30;

    /// <summary>The defaults.</summary>
    public static IdxReadOptions Default { get; } = new();

    /// <summary>
    /// The most bytes of element data a file may declare (its dimensions' product times the element size, after
    /// decompression), checked against the header before anything is allocated. Fashion-MNIST's training images are
    /// 47 MB. <see cref="IdxReader.LoadDataset(string, string, IReadOnlyList{string}?, IdxReadOptions?)"/> needs 4 bytes
    /// per element on top, for the floats. Default <see cref="DefaultMaxDataBytes"/> (1 GiB).
    /// </summary>
    public long MaxDataBytes { get; init; } = DefaultMaxDataBytes;
}

/// <summary>
/// Reads IDX files (the format of MNIST and Fashion-MNIST), gzip-compressed (detected by the
/// 0x1f 0x8b magic, not by the extension) or raw. Every inconsistency (bad magic, zero or oversized
/// dimensions, truncated data, trailing bytes, a damaged gzip stream, image/label count mismatch)
/// is a <see cref="InvalidDataException"/> whose message starts with the file path; nothing is
/// ever loaded partially. A header that declares more data than <see cref="IdxReadOptions.MaxDataBytes"/> (1 GiB by
/// default) is refused before anything is allocated, and gzip is decompressed as it is read, never buffered whole.
/// </summary>
public static class IdxReader
{
    private const int InitialChunk = 1 << 20;

    /// <summary>Reads any IDX file.</summary>
    public static IdxTensor Read(string path, IdxReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path, options);
    }

    /// <summary>Reads any IDX file from a stream (left open); <paramref name="sourceName"/> names it in errors.</summary>
    public static IdxTensor Read(Stream stream, string sourceName = "<stream>", IdxReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        if (!stream.CanRead) throw new ArgumentException("The stream cannot be read.", nameof(stream));
        long maxDataBytes = (options ?? IdxReadOptions.Default).MaxDataBytes;
        if (maxDataBytes < 0) throw new ArgumentOutOfRangeException(nameof(options), maxDataBytes, "IdxReadOptions.MaxDataBytes must not be negative.");

        Span<byte> magic = stackalloc byte[2];
        int got = ReadAtMost(stream, magic, sourceName);
        if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
            return ReadGzip(stream, sourceName, maxDataBytes);
        long remaining = -1;
        if (stream.CanSeek)
        {
            try { remaining = stream.Length - stream.Position + got; }
            catch (NotSupportedException) { remaining = -1; }
        }
        return ReadIdx(new PrefixStream(magic.Slice(0, got).ToArray(), stream), sourceName, gzip: false, rawRemaining: remaining, maxDataBytes);
    }

    /// <summary>
    /// Reads an image file: unsigned bytes with at least two dimensions, the first being the number of
    /// images (e.g. [60000, 28, 28]).
    /// </summary>
    public static IdxTensor ReadImages(string path, IdxReadOptions? options = null)
    {
        var tensor = Read(path, options);
        CheckImages(tensor, path);
        return tensor;
    }

    /// <inheritdoc cref="ReadImages(string, IdxReadOptions?)"/>
    public static IdxTensor ReadImages(Stream stream, string sourceName = "<stream>", IdxReadOptions? options = null)
    {
        var tensor = Read(stream, sourceName, options);
        CheckImages(tensor, sourceName);
        return tensor;
    }

    /// <summary>Reads a label file: one dimension of an integer type (unsigned bytes for MNIST).</summary>
    public static int[] ReadLabels(string path, IdxReadOptions? options = null) => ToLabels(Read(path, options), path);

    /// <inheritdoc cref="ReadLabels(string, IdxReadOptions?)"/>
    public static int[] ReadLabels(Stream stream, string sourceName = "<stream>", IdxReadOptions? options = null) => ToLabels(Read(stream, sourceName, options), sourceName);

    /// <summary>
    /// Loads an image file and its label file as a dataset: raw pixel values as floats (0..255 for
    /// unsigned bytes), sample shape = the image dimensions after the first (e.g. [28, 28]).
    /// </summary>
    /// <param name="imagesPath">The image file.</param>
    /// <param name="labelsPath">The label file.</param>
    /// <param name="classNames">Optional class names; every label must then be below their count.</param>
    /// <param name="options">Settings (the size limit); null means <see cref="IdxReadOptions.Default"/>.</param>
    public static Dataset LoadDataset(string imagesPath, string labelsPath, IReadOnlyList<string>? classNames = null, IdxReadOptions? options = null)
    {
        var images = ReadImages(imagesPath, options);
        var labels = ReadLabels(labelsPath, options);
        return ToDataset(images, imagesPath, labels, labelsPath, classNames);
    }

    /// <inheritdoc cref="LoadDataset(string, string, IReadOnlyList{string}?, IdxReadOptions?)"/>
    public static Dataset LoadDataset(Stream images, Stream labels, IReadOnlyList<string>? classNames = null,
        string imagesName = "<images>", string labelsName = "<labels>", IdxReadOptions? options = null)
    {
        var imageTensor = ReadImages(images, imagesName, options);
        var labelArray = ReadLabels(labels, labelsName, options);
        return ToDataset(imageTensor, imagesName, labelArray, labelsName, classNames);
    }

    private static Dataset ToDataset(IdxTensor images, string imagesName, int[] labels, string labelsName, IReadOnlyList<string>? classNames)
    {
        int count = images.Dimensions[0];
        if (labels.Length != count)
            throw DataErrors.Create(labelsName, $"has {labels.Length} labels but {imagesName} has {count} images");
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0)
                throw DataErrors.Create(labelsName, $"label {i} is {labels[i]}; class labels must not be negative");
            if (classNames is not null && labels[i] >= classNames.Count)
                throw DataErrors.Create(labelsName, $"label {i} is {labels[i]} but there are only {classNames.Count} class names");
        }
        int[] sampleShape = images.Dimensions.Slice(1).ToArray();
        return new Dataset(images.ToSingleArray(), sampleShape, labels, classNames);
    }

    private static void CheckImages(IdxTensor tensor, string sourceName)
    {
        if (tensor.DataType != IdxDataType.UnsignedByte)
            throw DataErrors.Create(sourceName, $"holds {tensor.DataType} elements; an image file holds unsigned bytes (type code 0x08)");
        if (tensor.Dimensions.Length < 2)
            throw DataErrors.Create(sourceName, $"has {tensor.Dimensions.Length} dimension; an image file has at least 2 (count, then the image's own dimensions)");
    }

    private static int[] ToLabels(IdxTensor tensor, string sourceName)
    {
        if (tensor.Dimensions.Length != 1)
            throw DataErrors.Create(sourceName, $"has {tensor.Dimensions.Length} dimensions ({DescribeDims(tensor.Dimensions)}); a label file has 1");
        if (tensor.DataType is IdxDataType.Single or IdxDataType.Double)
            throw DataErrors.Create(sourceName, $"holds {tensor.DataType} elements; a label file holds integers");
        return tensor.ToInt32Array();
    }

    private static IdxTensor ReadGzip(Stream stream, string sourceName, long maxDataBytes)
    {
        // GZipStream quietly accepts a stream cut inside its 8-byte trailer and ignores bytes after it,
        // so the trailer's ISIZE (uncompressed length mod 2^32, little-endian) is checked here: the last 4 bytes of the
        // compressed stream, which a seekable stream shows up front and any other stream once it has been read through.
        // Either way the data is decompressed as it is read, never buffered whole.
        uint? isize = null;
        long start = 0;
        if (stream.CanSeek)
        {
            start = stream.Position - 2;
            long length = stream.Length - start;
            if (length < 18)
                throw DataErrors.Create(sourceName, $"truncated gzip stream: {length} bytes, less than an empty gzip member (18)");
            Span<byte> trailer = stackalloc byte[4];
            stream.Position = start + length - 4;
            stream.ReadExactly(trailer);
            stream.Position = start + 2;
            isize = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        }

        var compressed = new GzipSource(stream);
        IdxTensor tensor;
        long decompressed;
        using (var gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true))
        {
            var counting = new CountingStream(gzip);
            tensor = ReadIdx(counting, sourceName, gzip: true, rawRemaining: -1, maxDataBytes);
            decompressed = counting.BytesRead;
        }
        if (isize is null)
        {
            // Whatever GZipStream left unread (bytes after the member) still counts: drain it to see the stream's end.
            Span<byte> rest = stackalloc byte[4096];
            while (ReadAtMost(compressed, rest, sourceName) > 0) { }
            if (compressed.Length < 18)
                throw DataErrors.Create(sourceName, $"truncated gzip stream: {compressed.Length} bytes, less than an empty gzip member (18)");
            isize = compressed.LastFour;
        }
        if ((uint)decompressed != isize)
            throw DataErrors.Create(sourceName,
                $"damaged gzip stream: its trailer says {isize} bytes uncompressed (mod 2^32) but it decompressed to {decompressed} " +
                "(the file is truncated, has bytes after the gzip stream, or holds several gzip members, which is not supported)");
        return tensor;
    }

    private static IdxTensor ReadIdx(Stream s, string sourceName, bool gzip, long rawRemaining, long maxDataBytes)
    {
        string what = gzip ? "decompressed data" : "file";
        Span<byte> magic = stackalloc byte[4];
        int got = ReadAtMost(s, magic, sourceName);
        if (got < 4)
            throw DataErrors.Create(sourceName, $"truncated: the {what} has {got} bytes, less than the 4-byte IDX magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw DataErrors.Create(sourceName,
                $"not an IDX file: magic number {magic[0]:X2} {magic[1]:X2} {magic[2]:X2} {magic[3]:X2} does not start with 00 00");
        var type = (IdxDataType)magic[2];
        if (type is not (IdxDataType.UnsignedByte or IdxDataType.SignedByte or IdxDataType.Int16 or IdxDataType.Int32 or IdxDataType.Single or IdxDataType.Double))
            throw DataErrors.Create(sourceName,
                $"unknown IDX element type code 0x{magic[2]:X2} (expected 0x08 unsigned byte, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)");
        int rank = magic[3];
        if (rank == 0)
            throw DataErrors.Create(sourceName, "the IDX header declares 0 dimensions");

        var header = new byte[4 * rank];
        got = ReadAtMost(s, header, sourceName);
        if (got < header.Length)
            throw DataErrors.Create(sourceName,
                $"truncated: the header declares {rank} dimensions ({4 + header.Length} header bytes) but the {what} ends after {4 + got} bytes");
        var dims = new int[rank];
        int elementSize = IdxTensor.ElementSize(type);
        long total = elementSize;
        bool tooLarge = false;
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4 * i));
            if (d == 0)
                throw DataErrors.Create(sourceName, $"dimension {i + 1} of {rank} is 0; every dimension must be positive");
            if (d > int.MaxValue)
                throw DataErrors.Create(sourceName, $"dimension {i + 1} of {rank} is {d}, larger than {int.MaxValue}");
            dims[i] = (int)d;
            if (!tooLarge)
            {
                // total stays below 2^31 * 2^31 before each multiplication, so this never overflows a long.
                total *= d;
                if (total > Array.MaxLength) tooLarge = true;
            }
        }
        string shape = DescribeDims(dims);
        if (!tooLarge && total > maxDataBytes)
            throw DataErrors.Create(sourceName,
                $"the header declares {shape} elements of {elementSize} byte(s) = {total} bytes of data, over the limit of {maxDataBytes} bytes " +
                "(IdxReadOptions.MaxDataBytes; raise it to read a larger file)");
        if (tooLarge)
            throw DataErrors.Create(sourceName,
                $"the header declares {shape} elements of {elementSize} byte(s), more than the {Array.MaxLength} bytes an array can hold");
        int dataBytes = (int)total;
        string expected = elementSize == 1
            ? $"header says {shape} = {dataBytes} bytes of data"
            : $"header says {shape} elements × {elementSize} = {dataBytes} bytes of data";

        if (rawRemaining >= 0)
        {
            long available = rawRemaining - 4 - header.Length;
            if (available < dataBytes)
                throw DataErrors.Create(sourceName, $"truncated: {expected}, the file has {Math.Max(available, 0)}");
        }

        // Grow the buffer as data arrives so a lying header cannot make us allocate gigabytes for a small stream.
        byte[] data = new byte[Math.Min(dataBytes, InitialChunk)];
        int filled = 0;
        while (true)
        {
            int n = ReadAtMost(s, data.AsSpan(filled), sourceName);
            filled += n;
            if (filled < data.Length)
                throw DataErrors.Create(sourceName, $"truncated: {expected}, the {what} has {filled}");
            if (filled == dataBytes) break;
            Array.Resize(ref data, (int)Math.Min(dataBytes, 2L * data.Length));
        }

        Span<byte> probe = stackalloc byte[4096];
        long trailing = 0;
        while (true)
        {
            int n = ReadAtMost(s, probe, sourceName);
            if (n == 0) break;
            trailing += n;
        }
        if (trailing > 0)
            throw DataErrors.Create(sourceName, $"{trailing} trailing byte(s): {expected}, the {what} has {dataBytes + trailing}");

        return new IdxTensor(type, dims, data, dataBytes / elementSize);
    }

    private static string DescribeDims(ReadOnlySpan<int> dims)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0) sb.Append('×');
            sb.Append(dims[i]);
        }
        return sb.ToString();
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; wraps decompression errors.</summary>
    private static int ReadAtMost(Stream s, Span<byte> buffer, string sourceName)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int n = s.Read(buffer.Slice(total));
                if (n == 0) break;
                total += n;
            }
        }
        catch (InvalidDataException e) when (!e.Data.Contains(DataErrorKeys.SourceName))
        {
            throw DataErrors.Create(sourceName, $"damaged gzip stream: {e.Message}", innerException: e);
        }
        return total;
    }

    /// <summary>Replays a few already-read bytes, then the rest of the inner stream.</summary>
    private sealed class PrefixStream(byte[] prefix, Stream inner) : Stream
    {
        private int _prefixPos;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            if (_prefixPos < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _prefixPos);
                prefix.AsSpan(_prefixPos, n).CopyTo(buffer);
                _prefixPos += n;
                return n;
            }
            return inner.Read(buffer);
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>
    /// The compressed bytes after the two magic bytes already read, replayed first: counts them and keeps the last
    /// four (the gzip trailer's ISIZE, once the stream has been read to its end).
    /// </summary>
    private sealed class GzipSource(Stream inner) : Stream
    {
        private readonly byte[] _last = new byte[4];
        private int _prefixLeft = 2;

        /// <summary>Bytes read so far, the two magic bytes included.</summary>
        public override long Length => Count;

        public long Count { get; private set; }

        public uint LastFour => BinaryPrimitives.ReadUInt32LittleEndian(_last);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty) return 0;
            int n;
            if (_prefixLeft > 0)
            {
                n = Math.Min(buffer.Length, _prefixLeft);
                for (int i = 0; i < n; i++) buffer[i] = (2 - _prefixLeft + i) == 0 ? (byte)0x1f : (byte)0x8b;
                _prefixLeft -= n;
            }
            else
            {
                n = inner.Read(buffer);
            }
            if (n >= 4)
            {
                buffer.Slice(n - 4, 4).CopyTo(_last);
            }
            else if (n > 0)
            {
                _last.AsSpan(n).CopyTo(_last);
                buffer.Slice(0, n).CopyTo(_last.AsSpan(4 - n));
            }
            Count += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Counts the bytes read through it (the decompressed length, for the gzip trailer check).</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            BytesRead += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
