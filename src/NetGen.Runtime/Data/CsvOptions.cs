using System;
using System.Collections.Generic;

namespace NetGen.Data;

/// <summary>What to do with missing values (a missing-value token, NaN) and infinities.</summary>
public enum MissingValuePolicy
{
    /// <summary>Throw, naming the row and column.</summary>
    Reject,

    /// <summary>Leave out every row (sample) that has one.</summary>
    DropRow,

    /// <summary>
    /// Replace it by the mean of the finite values of its column (feature); a column without any finite value
    /// is an error. Missing labels cannot be imputed and are an error under this policy.
    /// </summary>
    ImputeColumnMean,

    /// <summary>
    /// Keep it: missing values and NaN become NaN, infinities stay. For data that a <see cref="Cleaner"/>
    /// fitted on the training split cleans later. Missing labels are an error under this policy.
    /// </summary>
    Keep,
}

/// <summary>How the label column is read.</summary>
public enum CsvLabelKind
{
    /// <summary>Integer class indices 0, 1, 2, … .</summary>
    ClassIndex,

    /// <summary>A float target (regression); the dataset gets targets of size 1.</summary>
    Target,

    /// <summary>Class names, numbered in the order they first appear among the loaded rows.</summary>
    ClassNameInOrderOfAppearance,

    /// <summary>Class names, numbered in ordinal (culture-independent) sort order.</summary>
    ClassNameSorted,
}

/// <summary>Which column holds the label: the last one, none, one by 0-based index, or one by header name.</summary>
public sealed record CsvLabelColumn
{
    private CsvLabelColumn(int? index, string? name, bool none)
    {
        Index = index;
        Name = name;
        IsNone = none;
    }

    /// <summary>The last column (the default).</summary>
    public static CsvLabelColumn Last { get; } = new(-1, null, false);

    /// <summary>No label column: every column is a feature and the dataset has no labels.</summary>
    public static CsvLabelColumn None { get; } = new(null, null, true);

    /// <summary>The column at a 0-based index; negative counts from the end (-1 is the last column).</summary>
    public static CsvLabelColumn At(int index) => new(index, null, false);

    /// <summary>The column with this header name (needs a header).</summary>
    public static CsvLabelColumn Named(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new(null, name, false);
    }

    /// <summary>The 0-based index (negative from the end), or null.</summary>
    public int? Index { get; }

    /// <summary>The header name, or null.</summary>
    public string? Name { get; }

    /// <summary>True for <see cref="None"/>.</summary>
    public bool IsNone { get; }

    /// <summary>Same as <see cref="At(int)"/>.</summary>
    public static implicit operator CsvLabelColumn(int index) => At(index);

    /// <summary>Same as <see cref="Named(string)"/>.</summary>
    public static implicit operator CsvLabelColumn(string name) => Named(name);

    /// <inheritdoc/>
    public override string ToString() => IsNone ? "none" : Name is not null ? $"\"{Name}\"" : Index == -1 ? "last" : $"index {Index}";
}

/// <summary>Options of <see cref="CsvReader"/>. Numbers are always parsed with the invariant culture ('.' decimal point).</summary>
public sealed record CsvOptions
{
    /// <summary>The default missing-value tokens: empty, <c>NA</c>, <c>NaN</c>, <c>?</c>.</summary>
    public static IReadOnlyList<string> DefaultMissingValueTokens { get; } = Array.AsReadOnly(new[] { "", "NA", "NaN", "?" });

    /// <summary>The field separator (default ','). Fields may be quoted as in RFC 4180.</summary>
    public char Delimiter { get; init; } = ',';

    /// <summary>True (the default) when the first record holds the column names.</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>The label column (default: the last one).</summary>
    public CsvLabelColumn LabelColumn { get; init; } = CsvLabelColumn.Last;

    /// <summary>How labels are read (default: integer class indices).</summary>
    public CsvLabelKind LabelKind { get; init; } = CsvLabelKind.ClassIndex;

    /// <summary>
    /// Known class names, index = label. With a class-name <see cref="LabelKind"/> labels are mapped through this
    /// list (an unknown name is an error), so separately loaded splits agree; with <see cref="CsvLabelKind.ClassIndex"/>
    /// every label must be below its count. Ignored when null.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Fields (after trimming spaces and tabs) that mean "missing"; compared case-sensitively.</summary>
    public IReadOnlyList<string> MissingValueTokens { get; init; } = DefaultMissingValueTokens;

    /// <summary>What to do with missing values, NaN and infinities (default: reject).</summary>
    public MissingValuePolicy MissingValues { get; init; } = MissingValuePolicy.Reject;
}
