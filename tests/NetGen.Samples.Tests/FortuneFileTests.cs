using System.Text;
using NetGen.Samples.LanguageId;

namespace NetGen.Samples.Tests;

/// <summary>The fortune-file reader of samples/LanguageId, on texts made here (no package needed).</summary>
public sealed class FortuneFileTests
{
    [Fact]
    public void Split_CutsAtLinesHoldingOnlyAPercentSign()
    {
        IReadOnlyList<string> fortunes = FortuneFile.Split("First one,\n  on two lines.\n%\nSecond 100% sure.\n%\n%\n   \n%\nThird\r\n%\r\nFourth, no ending");

        Assert.Equal(new[] { "First one, on two lines.", "Second 100% sure.", "Third", "Fourth, no ending" }, fortunes);
    }

    [Fact]
    public void Clean_ResolvesOverstrikingAndDropsEscapesAndControlCharacters()
    {
        // Underlined "friends" as fortune files write it, bold "I", an ANSI colour and a lone ESC, tabs.
        Assert.Equal("the notion of *friends*: I see", FortuneFile.Clean("the notion of *_______\b\b\b\b\b\b\bfriends*:\t_\bI\bI see"));
        Assert.Equal("red text and more", FortuneFile.Clean("\u001b[31mred\u001b[0m text\u001b and\u0007 more"));
        Assert.Equal("a b", FortuneFile.Clean("\n\n  a\n\n\tb  \n"));
        Assert.Equal("", FortuneFile.Clean(" \n\t "));
    }

    [Fact]
    public void Decode_ReadsUtf8_AndFallsBackToLatin1WhenTheBytesAreNotUtf8()
    {
        byte[] utf8 = Encoding.UTF8.GetBytes("Grüße, señor");
        Assert.Equal(("Grüße, señor", FortuneEncoding.Utf8), FortuneFile.Decode(utf8));
        Assert.Equal(("Grüße", FortuneEncoding.Utf8), FortuneFile.Decode([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("Grüße")]));

        byte[] latin1 = Encoding.Latin1.GetBytes("Grüße, señor");
        Assert.Equal(("Grüße, señor", FortuneEncoding.Latin1), FortuneFile.Decode(latin1));
    }

    [Fact]
    public void Read_DecodesAndSplitsAFile()
    {
        string dir = SampleRunner.TempDirectory();
        try
        {
            string path = Path.Combine(dir, "citations");
            File.WriteAllBytes(path, Encoding.Latin1.GetBytes("Ça ira.\n%\nÀ bientôt.\n%\n"));
            FortuneFileContent content = FortuneFile.Read(path);

            Assert.Equal(FortuneEncoding.Latin1, content.Encoding);
            Assert.Equal(new[] { "Ça ira.", "À bientôt." }, content.Fortunes);
            Assert.Throws<FileNotFoundException>(() => FortuneFile.Read(Path.Combine(dir, "missing")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
