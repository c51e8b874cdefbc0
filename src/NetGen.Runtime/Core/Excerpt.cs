using System;
using System.Globalization;
using System.Text;

namespace NetGen;

/// <summary>
/// Quotes a piece of untrusted input (a CSV field, a tensor name, a JSON value) in an error message, cut to a bounded
/// prefix so that a 100 MB field makes a short message, with control characters escaped so that it cannot break
/// the message's lines or hide a NUL.
/// </summary>
public static class Excerpt
{
    /// <summary>The most characters of the input a quote shows (64).</summary>
    public const int DefaultMaxLength = 64;

    /// <summary>
    /// <paramref name="text"/> between two <paramref name="quote"/> characters (double quotes by default), at most <paramref name="maxLength"/> of its characters (then
    /// <c>…</c> and its full length), control characters written as <c>\u0000</c> (or <c>\t</c>, <c>\r</c>, <c>\n</c>).
    /// </summary>
    public static string Quote(ReadOnlySpan<char> text, int maxLength = DefaultMaxLength, char quote = '"') =>
        Format(text, maxLength, quote);

    /// <summary>As <see cref="Quote"/>, without the quotes: for values that messages show bare, such as a number's text.</summary>
    public static string Of(ReadOnlySpan<char> text, int maxLength = DefaultMaxLength) => Format(text, maxLength, null);

    private static string Format(ReadOnlySpan<char> text, int maxLength, char? quote)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        int shown = Math.Min(text.Length, maxLength);
        // Never cut a surrogate pair in half.
        if (shown > 0 && shown < text.Length && char.IsHighSurrogate(text[shown - 1])) shown--;
        var sb = new StringBuilder(shown + 32);
        if (quote is char open) sb.Append(open);
        foreach (char c in text.Slice(0, shown))
        {
            switch (c)
            {
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                case '\n': sb.Append("\\n"); break;
                default:
                    if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        if (quote is char close) sb.Append(close);
        if (shown < text.Length)
            sb.Append(CultureInfo.InvariantCulture, $"… ({text.Length} characters)");
        return sb.ToString();
    }
}
