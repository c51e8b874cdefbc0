using System;
using System.IO;
using System.Text;

namespace NetGen.Data;

/// <summary>
/// Keys of <see cref="Exception.Data"/> entries on the <see cref="InvalidDataException"/>s the data readers throw
/// (<see cref="InvalidDataException"/> is sealed, so there is no derived exception type). The message always
/// starts with the file path (or <c>&lt;stream&gt;</c>) and, for text files, the 1-based line and column, e.g.
/// <c>iris.csv: line 7, column 3 ("petal_length"): "abc" is not a number</c>.
/// </summary>
public static class DataErrorKeys
{
    /// <summary>The file path as the caller gave it, or a name such as <c>&lt;stream&gt;</c> (string).</summary>
    public const string SourceName = "NetGen.Data.SourceName";

    /// <summary>The 1-based line number (int), for text files.</summary>
    public const string Line = "NetGen.Data.Line";

    /// <summary>The 1-based column number (int), for text files.</summary>
    public const string Column = "NetGen.Data.Column";

    /// <summary>What is wrong, without the location (string).</summary>
    public const string Problem = "NetGen.Data.Problem";
}

internal static class DataErrors
{
    public static InvalidDataException Create(string sourceName, string problem, int? line = null, int? column = null,
        string? columnName = null, Exception? innerException = null)
    {
        var sb = new StringBuilder(sourceName);
        sb.Append(": ");
        if (line is int l)
        {
            sb.Append("line ").Append(l);
            if (column is int c)
            {
                sb.Append(", column ").Append(c);
                if (!string.IsNullOrEmpty(columnName)) sb.Append(" (").Append(Excerpt.Quote(columnName)).Append(')');
            }
            sb.Append(": ");
        }
        sb.Append(problem);
        var e = new InvalidDataException(sb.ToString(), innerException);
        e.Data[DataErrorKeys.SourceName] = sourceName;
        e.Data[DataErrorKeys.Problem] = problem;
        if (line is int ln) e.Data[DataErrorKeys.Line] = ln;
        if (column is int cn) e.Data[DataErrorKeys.Column] = cn;
        return e;
    }
}
