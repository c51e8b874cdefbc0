using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace NetGen.Samples.LanguageId;

/// <summary>The text encoding a fortune file was decoded with.</summary>
public enum FortuneEncoding
{
    /// <summary>Valid UTF-8 (ASCII included), the encoding of every file in Debian's packages.</summary>
    Utf8,

    /// <summary>Not valid UTF-8: read as ISO-8859-1 (Latin-1), the encoding of older fortune files.</summary>
    Latin1,
}

/// <summary>The fortunes of one file, cleaned, and how the file was decoded.</summary>
/// <param name="Path">The file.</param>
/// <param name="Encoding">UTF-8, or Latin-1 when the bytes are not valid UTF-8.</param>
/// <param name="Fortunes">The fortunes in file order, cleaned (see <see cref="FortuneFile.Clean"/>); empty ones left out.</param>
public sealed record FortuneFileContent(string Path, FortuneEncoding Encoding, IReadOnlyList<string> Fortunes);

/// <summary>
/// Reads the text files of <c>fortune</c>(6): fortunes separated by lines that hold only <c>%</c>. The binary index
/// next to each file (<c>.dat</c>, made by <c>strfile</c>) is not needed.
/// </summary>
public static class FortuneFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads and cleans the fortunes of <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static FortuneFileContent Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = File.ReadAllBytes(path);
        (string text, FortuneEncoding encoding) = Decode(bytes);
        return new FortuneFileContent(path, encoding, Split(text));
    }

    /// <summary>
    /// Decodes <paramref name="bytes"/> as UTF-8 when they are valid UTF-8 (a byte-order mark is dropped), else as
    /// Latin-1 (every byte is a character there, so it never fails; Latin-1 text is almost never valid UTF-8 by chance,
    /// since its accented letters are single bytes ≥ 0x80 that UTF-8 only allows in multi-byte sequences).
    /// </summary>
    public static (string Text, FortuneEncoding Encoding) Decode(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<byte> body = bytes.StartsWith("\uFEFF"u8) ? bytes[3..] : bytes;
        try
        {
            return (StrictUtf8.GetString(body), FortuneEncoding.Utf8);
        }
        catch (DecoderFallbackException)
        {
            return (Encoding.Latin1.GetString(bytes), FortuneEncoding.Latin1);
        }
    }

    /// <summary>
    /// Splits a fortune file's text at the lines that hold only <c>%</c> (line ends <c>\n</c> or <c>\r\n</c>) and cleans
    /// each fortune (<see cref="Clean"/>); fortunes that are empty after cleaning are left out.
    /// </summary>
    public static IReadOnlyList<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fortunes = new List<string>();
        var current = new StringBuilder();
        foreach (string rawLine in text.Split('\n'))
        {
            string line = rawLine.EndsWith('\r') ? rawLine[..^1] : rawLine;
            if (line == "%")
            {
                Add(current, fortunes);
                continue;
            }
            current.Append(line).Append('\n');
        }
        Add(current, fortunes);
        return fortunes;

        static void Add(StringBuilder current, List<string> fortunes)
        {
            string cleaned = Clean(current.ToString());
            if (cleaned.Length > 0) fortunes.Add(cleaned);
            current.Clear();
        }
    }

    /// <summary>
    /// One fortune as plain running text: overstriking is resolved the way a terminal prints it (<c>_\bI</c> and
    /// <c>I\bI</c>, underlined and bold "I", become <c>I</c>); ANSI escape sequences (<c>ESC [ … letter</c>) and the other
    /// control characters are removed; every run of white space (line breaks and tabs included) becomes one space; and
    /// the ends are trimmed.
    /// </summary>
    public static string Clean(string fortune)
    {
        ArgumentNullException.ThrowIfNull(fortune);
        var result = new StringBuilder(fortune.Length);
        var line = new StringBuilder();
        bool pendingSpace = false;
        foreach (string rawLine in fortune.Split('\n'))
        {
            Overstrike(rawLine, line);
            foreach (char c in line.ToString())
            {
                if (char.IsWhiteSpace(c))
                {
                    pendingSpace = result.Length > 0;
                    continue;
                }
                if (pendingSpace)
                {
                    result.Append(' ');
                    pendingSpace = false;
                }
                result.Append(c);
            }
            pendingSpace = result.Length > 0;
        }
        return result.ToString();
    }

    /// <summary>
    /// The characters of one line as printed: a backspace moves back one column and the next character replaces the one
    /// there; an ANSI escape sequence is dropped; other control characters are dropped, tabs become spaces.
    /// </summary>
    private static void Overstrike(string line, StringBuilder printed)
    {
        printed.Clear();
        int column = 0;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '\b')
            {
                if (column > 0) column--;
                continue;
            }
            if (c == '\u001B')
            {
                // CSI: ESC [ parameters final-letter; a lone ESC is dropped.
                if (i + 1 < line.Length && line[i + 1] == '[')
                {
                    int j = i + 2;
                    while (j < line.Length && !(line[j] >= '@' && line[j] <= '~')) j++;
                    i = j;
                }
                continue;
            }
            if (c == '\t') c = ' ';
            else if (char.IsControl(c)) continue;

            if (column < printed.Length)
            {
                // Overstruck: the underline or the repeated (bold) character gives way to the letter.
                if (printed[column] == '_' || printed[column] == ' ' || printed[column] == c) printed[column] = c;
            }
            else
            {
                printed.Append(c);
            }
            column++;
        }
    }
}
