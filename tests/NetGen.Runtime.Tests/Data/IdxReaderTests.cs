using System.Buffers.Binary;
using NetGen.Data;
using static NetGen.Runtime.Tests.Data.TestData;

namespace NetGen.Runtime.Tests.Data;

public sealed class IdxReaderTests
{
    private static InvalidDataException ReadFails(byte[] bytes, string name, bool seekable = true)
    {
        using Stream s = seekable ? new MemoryStream(bytes) : new TrickleStream(bytes);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.Read(s, name));
        Assert.StartsWith(name + ": ", e.Message);
        Assert.Equal(name, e.Data[DataErrorKeys.SourceName]);
        return e;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoundTripOfWrittenFiles(bool gzip)
    {
        using var dir = new TempDirectory();
        var (images, labels, pixels, labelValues) = ImagesAndLabels(n: 12, rows: 5, cols: 3);
        string ext = gzip ? ".gz" : "";
        string imagesPath = dir.Write("images-idx3-ubyte" + ext, gzip ? Gzip(images) : images);
        string labelsPath = dir.Write("labels-idx1-ubyte" + ext, gzip ? Gzip(labels) : labels);

        var tensor = IdxReader.ReadImages(imagesPath);
        Assert.Equal(IdxDataType.UnsignedByte, tensor.DataType);
        Assert.Equal([12, 5, 3], tensor.Dimensions.ToArray());
        Assert.Equal(pixels, tensor.RawData);
        Assert.Equal(labelValues.Select(b => (int)b), IdxReader.ReadLabels(labelsPath));

        var names = Enumerable.Range(0, 10).Select(i => "c" + i).ToArray();
        var data = IdxReader.LoadDataset(imagesPath, labelsPath, names);
        Assert.Equal(12, data.Count);
        Assert.Equal([5, 3], data.SampleShape.ToArray());
        Assert.Equal(15, data.FeatureSize);
        Assert.Equal(pixels.Select(b => (float)b), data.Features);
        Assert.Equal(labelValues.Select(b => (int)b), data.Labels!);
        Assert.Same(names, data.ClassNames);
        Assert.True(data.Features.Max() <= 255f);
    }

    [Fact]
    public void GzipIsDetectedByMagicNotByExtension()
    {
        using var dir = new TempDirectory();
        var (images, _, pixels, _) = ImagesAndLabels(4, 2, 2);
        string gzipWithoutExtension = dir.Write("images.idx", Gzip(images));
        string rawWithGzExtension = dir.Write("images.idx.gz", images);
        Assert.Equal(pixels, IdxReader.Read(gzipWithoutExtension).RawData);
        Assert.Equal(pixels, IdxReader.Read(rawWithGzExtension).RawData);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StreamsThatCannotSeekAndReturnFewBytes(bool gzip)
    {
        var (images, _, pixels, _) = ImagesAndLabels(3000, 28, 28); // 2.35 MB: more than the reader's first chunk
        byte[] bytes = gzip ? Gzip(images) : images;
        var tensor = IdxReader.Read(new TrickleStream(bytes, maxChunk: 100_003), "<trickle>");
        Assert.Equal(pixels, tensor.RawData);
        Assert.Equal(3000 * 784, tensor.ElementCount);
    }

    [Fact]
    public void OtherElementTypesRoundTrip()
    {
        var shorts = new byte[6];
        short[] shortValues = [-2, 300, 7];
        for (int i = 0; i < 3; i++) BinaryPrimitives.WriteInt16BigEndian(shorts.AsSpan(2 * i), shortValues[i]);
        var t = IdxReader.Read(new MemoryStream(Idx(0x0B, [3], shorts)));
        Assert.Equal(IdxDataType.Int16, t.DataType);
        Assert.Equal([-2, 300, 7], t.ToInt32Array());
        Assert.Equal([-2f, 300f, 7f], t.ToSingleArray());

        var ints = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(ints, -100000);
        BinaryPrimitives.WriteInt32BigEndian(ints.AsSpan(4), 123456);
        Assert.Equal([-100000, 123456], IdxReader.Read(new MemoryStream(Idx(0x0C, [2], ints))).ToInt32Array());

        var floats = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(floats, 1.5f);
        BinaryPrimitives.WriteSingleBigEndian(floats.AsSpan(4), -0.25f);
        var ft = IdxReader.Read(new MemoryStream(Idx(0x0D, [1, 2], floats)));
        Assert.Equal([1.5f, -0.25f], ft.ToSingleArray());
        Assert.Throws<InvalidOperationException>(() => ft.ToInt32Array());

        var doubles = new byte[16];
        BinaryPrimitives.WriteDoubleBigEndian(doubles, 0.125);
        BinaryPrimitives.WriteDoubleBigEndian(doubles.AsSpan(8), 3);
        Assert.Equal([0.125f, 3f], IdxReader.Read(new MemoryStream(Idx(0x0E, [2], doubles))).ToSingleArray());

        var sbytes = new byte[] { 0xFF, 0x05 };
        Assert.Equal([-1, 5], IdxReader.ReadLabels(new MemoryStream(Idx(0x09, [2], sbytes))));
    }

    [Fact]
    public void TruncatedMessageSaysWhatTheHeaderPromised()
    {
        var file = Idx(0x08, [3, 2, 2], Pixels(12));
        var e = ReadFails(file[..21], "train-images-idx3-ubyte");
        Assert.Equal("train-images-idx3-ubyte: truncated: header says 3×2×2 = 12 bytes of data, the file has 5", e.Message);

        using var dir = new TempDirectory();
        string path = dir.Write("train-images-idx3-ubyte.gz", Gzip(file[..21]));
        var fromFile = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Equal($"{path}: truncated: header says 3×2×2 = 12 bytes of data, the decompressed data has 5", fromFile.Message);
    }

    [Fact]
    public void TruncatedAtEveryOffsetThrowsNamingTheSource()
    {
        var file = Idx(0x08, [3, 2, 2], Pixels(12)); // 16 header bytes + 12 data bytes
        for (int cut = 0; cut < file.Length; cut++)
        {
            var part = file[..cut];
            foreach (bool seekable in new[] { true, false })
            {
                var e = ReadFails(part, $"raw-cut-{cut}", seekable);
                Assert.Contains("truncated", e.Message);
            }
            var gz = ReadFails(Gzip(part), $"gzip-content-cut-{cut}");
            Assert.Contains("truncated", gz.Message);
        }

        // The compressed bytes themselves cut anywhere, including inside the gzip header and trailer.
        var compressed = Gzip(file);
        for (int cut = 0; cut < compressed.Length; cut++)
        {
            ReadFails(compressed[..cut], $"gzip-cut-{cut}");
            ReadFails(compressed[..cut], $"gzip-cut-{cut}", seekable: false);
        }
    }

    [Fact]
    public void TruncatedLargeFileAtSomeDataOffsets()
    {
        var (images, _, _, _) = ImagesAndLabels(3000, 28, 28);
        foreach (int cut in new[] { 17, 1000, (1 << 20) + 15, (1 << 21) + 16, images.Length - 1 })
        {
            var e = ReadFails(images[..cut], "big", seekable: false);
            Assert.Contains($"header says 3000×28×28 = {3000 * 784} bytes of data, the file has {cut - 16}", e.Message);
            ReadFails(images[..cut], "big-seekable");
        }
        var gz = Gzip(images);
        foreach (int cut in new[] { gz.Length / 3, gz.Length / 2, gz.Length - 20 })
            ReadFails(gz[..cut], "big-gzip");
    }

    [Theory]
    [InlineData(new byte[] { 0x01, 0x00, 0x08, 0x01 }, "not an IDX file")]
    [InlineData(new byte[] { 0x00, 0x01, 0x08, 0x01 }, "not an IDX file")]
    [InlineData(new byte[] { 0x00, 0x00, 0x07, 0x01 }, "unknown IDX element type code 0x07")]
    [InlineData(new byte[] { 0x00, 0x00, 0x0A, 0x01 }, "unknown IDX element type code 0x0A")]
    [InlineData(new byte[] { 0x00, 0x00, 0x08, 0x00 }, "declares 0 dimensions")]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04 }, "not an IDX file")]
    public void BadMagic(byte[] magic, string expected)
    {
        var bytes = magic.Concat(new byte[] { 0, 0, 0, 1, 42 }).ToArray();
        var e = ReadFails(bytes, "bad.idx");
        Assert.Contains(expected, e.Message);
        var gz = ReadFails(Gzip(bytes), "bad.idx.gz");
        Assert.Contains(expected, gz.Message);
    }

    [Fact]
    public void WrongDimensionCountForImagesAndLabels()
    {
        var labelsAsImages = Idx(0x08, [4], [1, 2, 3, 4]);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(new MemoryStream(labelsAsImages), "x-images"));
        Assert.Contains("x-images", e.Message);
        Assert.Contains("at least 2", e.Message);

        var imagesAsLabels = Idx(0x08, [2, 2, 1], [1, 2, 3, 4]);
        var e2 = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(new MemoryStream(imagesAsLabels), "x-labels"));
        Assert.Equal("x-labels: has 3 dimensions (2×2×1); a label file has 1", e2.Message);

        var floatImages = Idx(0x0D, [1, 1], new byte[4]);
        Assert.Contains("unsigned bytes", Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(new MemoryStream(floatImages), "f")).Message);
        var floatLabels = Idx(0x0D, [1], new byte[4]);
        Assert.Contains("integers", Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(new MemoryStream(floatLabels), "f")).Message);
    }

    [Fact]
    public void ZeroDimension()
    {
        var bytes = IdxHeader(0x08, 10, 0, 28);
        var e = ReadFails(bytes, "zero");
        Assert.Equal("zero: dimension 2 of 3 is 0; every dimension must be positive", e.Message);
    }

    [Fact]
    public void DimensionAboveInt32MaxValue()
    {
        var e = ReadFails(IdxHeader(0x08, 0x8000_0000u, 1), "neg");
        Assert.Contains("dimension 1 of 2 is 2147483648", e.Message);
    }

    [Theory]
    [InlineData(0x08, new uint[] { 65536, 65536, 65536 })]               // 2^48 elements
    [InlineData(0x08, new uint[] { 0x7FFF_FFFF, 0x7FFF_FFFF, 0x7FFF_FFFF, 0x7FFF_FFFF, 0x7FFF_FFFF })] // would overflow a long
    [InlineData(0x08, new uint[] { 0x7FFF_FFFF, 2 })]                     // 4 GB
    [InlineData(0x0E, new uint[] { 0x1000_0000 })]                        // 2^28 doubles = 2 GB
    [InlineData(0x0C, new uint[] { 60000, 28, 28, 28 })]                  // 5.3 GB of ints
    public void HugeDimensionsThrowWithoutAllocating(byte type, uint[] dims)
    {
        var header = IdxHeader(type, dims).Concat(new byte[100]).ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = ReadFails(header, "huge", seekable: false);
        Assert.Contains("more than the", e.Message);
        ReadFails(Gzip(header), "huge.gz");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the reader allocated for a size it could not hold");
    }

    [Fact]
    public void LyingHeaderOnSmallStreamDoesNotAllocateTheClaimedSize()
    {
        // 1 GB claimed (a valid array size, under the default 1 GiB limit), 100 bytes present.
        var bytes = IdxHeader(0x08, 1_000_000, 1000).Concat(Pixels(100)).ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = ReadFails(bytes, "liar", seekable: false);
        Assert.Contains("truncated: header says 1000000×1000 = 1000000000 bytes of data, the file has 100", e.Message);
        ReadFails(bytes, "liar-seekable");
        ReadFails(Gzip(bytes), "liar.gz");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20, "the reader allocated the claimed size");
    }

    [Fact]
    public void TrailingBytes()
    {
        var file = Idx(0x08, [2, 2], [1, 2, 3, 4]);
        var withExtra = file.Concat(new byte[] { 9 }).ToArray();
        Assert.Equal("t: 1 trailing byte(s): header says 2×2 = 4 bytes of data, the file has 5", ReadFails(withExtra, "t").Message);
        ReadFails(withExtra, "t", seekable: false);
        Assert.Contains("the decompressed data has 5", ReadFails(Gzip(withExtra), "t.gz").Message);

        // Bytes after a complete gzip stream (which GZipStream itself ignores).
        var afterGzip = Gzip(file).Concat(new byte[] { 1, 2, 3, 4, 5 }).ToArray();
        Assert.Contains("damaged gzip stream", ReadFails(afterGzip, "after.gz").Message);
        ReadFails(afterGzip, "after.gz", seekable: false);
    }

    [Fact]
    public void CorruptGzipDataNamesTheFile()
    {
        var (images, _, _, _) = ImagesAndLabels(20, 28, 28);
        var gz = Gzip(images);
        int failures = 0;
        for (int i = 10; i < gz.Length - 8; i += 37)
        {
            var bad = (byte[])gz.Clone();
            bad[i] ^= 0x5A;
            try
            {
                var t = IdxReader.Read(new MemoryStream(bad), "corrupt.gz");
                // A flipped bit that still decodes to the same bytes is impossible: the CRC is checked by zlib.
                Assert.Fail($"byte {i} flipped but the file loaded ({t.ElementCount} elements)");
            }
            catch (InvalidDataException e)
            {
                Assert.StartsWith("corrupt.gz: ", e.Message);
                failures++;
            }
        }
        Assert.True(failures > 0);
    }

    [Fact]
    public void LabelAndImageCountMismatch()
    {
        var (images, _, _, _) = ImagesAndLabels(3, 2, 2);
        var labels = Idx(0x08, [4], [0, 1, 2, 3]);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.LoadDataset(new MemoryStream(images), new MemoryStream(labels), null, "imgs", "lbls"));
        Assert.Equal("lbls: has 4 labels but imgs has 3 images", e.Message);

        using var dir = new TempDirectory();
        string ip = dir.Write("i.gz", Gzip(images)), lp = dir.Write("l.gz", Gzip(labels));
        var fromFiles = Assert.Throws<InvalidDataException>(() => IdxReader.LoadDataset(ip, lp));
        Assert.Contains(lp, fromFiles.Message);
        Assert.Contains(ip, fromFiles.Message);
    }

    [Fact]
    public void LabelOutsideClassNames()
    {
        var (images, _, _, _) = ImagesAndLabels(3, 2, 2);
        var labels = Idx(0x08, [3], [0, 5, 1]);
        var e = Assert.Throws<InvalidDataException>(() =>
            IdxReader.LoadDataset(new MemoryStream(images), new MemoryStream(labels), ["a", "b"], "imgs", "lbls"));
        Assert.Equal("lbls: label 1 is 5 but there are only 2 class names", e.Message);

        var negative = Idx(0x09, [3], [0, 0xFF, 1]);
        Assert.Contains("must not be negative",
            Assert.Throws<InvalidDataException>(() => IdxReader.LoadDataset(new MemoryStream(images), new MemoryStream(negative))).Message);
    }

    [Fact]
    public void MissingFileIsFileNotFound()
    {
        using var dir = new TempDirectory();
        Assert.Throws<FileNotFoundException>(() => IdxReader.Read(System.IO.Path.Combine(dir.Path, "nope.gz")));
    }
}
