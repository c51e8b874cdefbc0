using System.Text;
using NetGen.Data;
using static NetGen.Runtime.Tests.Data.TestData;

namespace NetGen.Runtime.Tests.Data;

/// <summary>Issue 22, item 5: bounded inputs (IDX size limit, streaming gzip, bounded quotes, control characters in CSV).</summary>
public class BoundedInputTests
{
    /// <summary>Non-seekable; counts the bytes taken from it.</summary>
    private sealed class CountingForwardStream(byte[] data) : Stream
    {
        public long Taken { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            int n = (int)Math.Min(buffer.Length, data.Length - Taken);
            data.AsSpan((int)Taken, n).CopyTo(buffer);
            Taken += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void A_header_over_the_default_limit_is_refused_before_reading_its_data()
    {
        // The issue: a 1 MB gzip whose header truthfully declares 1 GiB took Read to 2.1 GB. The limit is checked
        // against the header, so the header alone gets the answer.
        byte[] header = IdxHeader(0x08, 1024, 1024, 1025); // 1 GiB + 1 MiB of unsigned bytes
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.Read(new MemoryStream(header), "big"));
        Assert.StartsWith("big: the header declares 1024×1024×1025 elements", e.Message);
        Assert.Contains($"over the limit of {IdxReadOptions.DefaultMaxDataBytes} bytes", e.Message);
        Assert.Contains("IdxReadOptions.MaxDataBytes", e.Message);
    }

    [Fact]
    public void The_limit_is_an_option_and_applies_to_gzip_files_whose_data_is_really_there()
    {
        byte[] file = Idx(0x08, [64, 1024], new byte[64 * 1024]); // 64 KiB of zeros: a small gzip
        byte[] gz = Gzip(file);
        var small = new IdxReadOptions { MaxDataBytes = 32 * 1024 };
        foreach (Stream s in new Stream[] { new MemoryStream(gz), new CountingForwardStream(gz) })
        {
            var e = Assert.Throws<InvalidDataException>(() => IdxReader.Read(s, "zeros.gz", small));
            Assert.Contains("= 65536 bytes of data, over the limit of 32768 bytes", e.Message);
        }
        Assert.Equal(64 * 1024, IdxReader.Read(new CountingForwardStream(gz), "zeros.gz", new IdxReadOptions { MaxDataBytes = 64 * 1024 }).ElementCount);

        using var dir = new TempDirectory();
        string images = dir.Write("images.gz", gz), labels = dir.Write("labels", Idx(0x08, [64], new byte[64]));
        Assert.Contains("over the limit", Assert.Throws<InvalidDataException>(() => IdxReader.LoadDataset(images, labels, null, small)).Message);
    }

    [Fact]
    public void A_non_seekable_gzip_stream_is_decompressed_as_it_is_read_not_buffered_whole()
    {
        // 4 MiB of incompressible bytes behind a bad IDX magic: the reader must stop at the magic, having taken little
        // of the compressed stream (before: all of it was copied into memory first).
        byte[] content = Pixels(4 << 20, seed: 5);
        content[0] = 0xFF;
        byte[] gz = Gzip(content);
        var source = new CountingForwardStream(gz);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.Read(source, "noise.gz"));
        Assert.Contains("not an IDX file", e.Message);
        Assert.True(source.Taken < 1 << 20, $"took {source.Taken} of {gz.Length} compressed bytes");

        // And a good one still reads, its trailer still checked.
        byte[] good = Gzip(Idx(0x08, [3, 4], Pixels(12)));
        Assert.Equal(Pixels(12), IdxReader.Read(new CountingForwardStream(good), "good.gz").RawData);
        byte[] badTrailer = (byte[])good.Clone();
        badTrailer[^1] ^= 1;
        Assert.Contains("damaged gzip stream", Assert.Throws<InvalidDataException>(() => IdxReader.Read(new CountingForwardStream(badTrailer), "t.gz")).Message);
    }

    [Fact]
    public void A_huge_csv_field_is_quoted_as_a_bounded_prefix()
    {
        // The issue: a 100 MB CSV field produced a 100-million-character message.
        string field = "x" + new string('9', 10_000_000);
        var e = Assert.Throws<InvalidDataException>(() => CsvReader.Read(new StringReader("a,b\n1," + field + "\n"), new CsvOptions { LabelColumn = CsvLabelColumn.None }));
        Assert.True(e.Message.Length < 300, $"message of {e.Message.Length} characters");
        Assert.Contains("\"x999", e.Message);
        Assert.Contains("(10000001 characters)", e.Message);
    }

    [Theory]
    [InlineData("1\0")]
    [InlineData("1\u0001")]
    [InlineData("\u00072")]
    [InlineData("1\u001b")]
    public void A_number_with_a_control_character_is_refused(string value)
    {
        // The issue: "1\0" parsed as 1.
        var e = Assert.Throws<InvalidDataException>(() => CsvReader.Read(new StringReader("a,b\n" + value + ",0\n"), new CsvOptions { LabelColumn = CsvLabelColumn.None }));
        Assert.Contains("control character", e.Message);
        Assert.Contains("\\u00", e.Message); // shown escaped, not raw
        Assert.Equal(2, e.Data[DataErrorKeys.Line]);
        Assert.Equal(1, e.Data[DataErrorKeys.Column]);

        var label = Assert.Throws<InvalidDataException>(() => CsvReader.Read(new StringReader("a,b\n0," + value + "\n")));
        Assert.Contains("control character", label.Message);
    }

    [Fact]
    public void Excerpt_cuts_long_text_and_escapes_control_characters()
    {
        Assert.Equal("\"abc\"", Excerpt.Quote("abc"));
        Assert.Equal("\"1\\u0000\"", Excerpt.Quote("1\0"));
        Assert.Equal("\"a\\tb\\r\\n\"", Excerpt.Quote("a\tb\r\n"));
        string quoted = Excerpt.Quote(new string('y', 1000), 10);
        Assert.Equal("\"yyyyyyyyyy\"… (1000 characters)", quoted);
        // A surrogate pair is never cut in half.
        Assert.Equal("\"a\"… (3 characters)", Excerpt.Quote("a\U0001F600", 2));
    }
}
