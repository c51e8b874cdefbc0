using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace NetGen.Data;

/// <summary>What <see cref="CsvReader"/> read: the dataset plus where its rows came from.</summary>
public sealed class CsvResult
{
    internal CsvResult(Dataset dataset, IReadOnlyList<string> featureNames, string? labelName,
        IReadOnlyList<int> lineNumbers, IReadOnlyList<int> droppedLineNumbers, IReadOnlyList<float>? columnMeans)
    {
        Dataset = dataset;
        FeatureNames = featureNames;
        LabelName = labelName;
        LineNumbers = lineNumbers;
        DroppedLineNumbers = droppedLineNumbers;
        ColumnMeans = columnMeans;
    }

    /// <summary>The samples: sample shape [feature count]; labels, targets (size 1) or neither, as the options say.</summary>
    public Dataset Dataset { get; }

    /// <summary>The feature columns' names in order (<c>column1</c>, <c>column2</c>, … without a header).</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The label column's name, or null when there is no label column.</summary>
    public string? LabelName { get; }

    /// <summary>The 1-based line on which each sample's record starts.</summary>
    public IReadOnlyList<int> LineNumbers { get; }

    /// <summary>The lines of the records left out under <see cref="MissingValuePolicy.DropRow"/>.</summary>
    public IReadOnlyList<int> DroppedLineNumbers { get; }

    /// <summary>Under <see cref="MissingValuePolicy.ImputeColumnMean"/>: each feature's mean over its finite values; otherwise null.</summary>
    public IReadOnlyList<float>? ColumnMeans { get; }
}

/// <summary>
/// Reads numeric CSV files into a <see cref="Dataset"/>: RFC 4180 quoting (fields in double quotes may hold the
/// delimiter, line breaks and doubled quotes), invariant-culture numbers, a label column, and a
/// <see cref="MissingValuePolicy"/> for missing values, NaN and infinities. Blank lines are skipped.
/// A malformed file throws <see cref="InvalidDataException"/> naming the file (or <c>&lt;stream&gt;</c>),
/// the 1-based line on which the record starts and the 1-based column.
/// </summary>
public static class CsvReader
{
    /// <summary>Reads a CSV file (UTF-8, or as its byte-order mark says).</summary>
    public static CsvResult Read(string path, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, options, path);
    }

    /// <summary>Reads CSV text from a stream (left open).</summary>
    public static CsvResult Read(Stream stream, CsvOptions? options = null, string sourceName = "<stream>")
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: -1, leaveOpen: true);
        return Read(reader, options, sourceName);
    }

    /// <summary>Reads CSV text from a reader (left open).</summary>
    public static CsvResult Read(TextReader reader, CsvOptions? options = null, string sourceName = "<stream>")
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        options ??= new CsvOptions();
        Validate(options);
        return new Parser(reader, options, sourceName).Run();
    }

    /// <summary>Reads a CSV file and returns only the dataset.</summary>
    public static Dataset LoadDataset(string path, CsvOptions? options = null) => Read(path, options).Dataset;

    private static void Validate(CsvOptions options)
    {
        if (options.Delimiter is '"' or '\r' or '\n')
            throw new ArgumentException($"The delimiter cannot be {Describe(options.Delimiter)}.", nameof(options));
        ArgumentNullException.ThrowIfNull(options.LabelColumn, "options.LabelColumn");
        ArgumentNullException.ThrowIfNull(options.MissingValueTokens, "options.MissingValueTokens");
        if (!Enum.IsDefined(options.LabelKind)) throw new ArgumentOutOfRangeException(nameof(options), options.LabelKind, "Unknown label kind.");
        if (!Enum.IsDefined(options.MissingValues)) throw new ArgumentOutOfRangeException(nameof(options), options.MissingValues, "Unknown missing-value policy.");
        if (options.LabelColumn.Name is not null && !options.HasHeader)
            throw new ArgumentException($"The label column {options.LabelColumn} is chosen by name, which needs a header (HasHeader = true).", nameof(options));
        if (options.ClassNames is not null && options.LabelKind == CsvLabelKind.Target)
            throw new ArgumentException("Class names make no sense with float targets (LabelKind.Target).", nameof(options));
        if (options.ClassNames is not null)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string name in options.ClassNames)
                if (!seen.Add(name)) throw new ArgumentException($"Class name \"{name}\" appears twice in options.ClassNames.", nameof(options));
        }
    }

    private static string Describe(char c) => c switch { '\r' => "CR", '\n' => "LF", '\t' => "tab", _ => $"'{c}'" };

    private sealed class Parser
    {
        private readonly CsvOptions _o;
        private readonly string _source;
        private readonly Tokenizer _tokens;
        private readonly HashSet<string> _missingTokens;
        private string[] _names = [];
        private bool _haveNames;
        private int _columns, _labelIndex = -1, _featureCount;

        private readonly List<float> _features = new();
        private readonly List<int> _labels = new();
        private readonly List<float> _targets = new();
        private readonly List<string> _labelNames = new();
        private readonly List<int> _lines = new();
        private readonly List<int> _dropped = new();
        private Dictionary<string, int>? _fixedClasses;

        public Parser(TextReader reader, CsvOptions options, string sourceName)
        {
            _o = options;
            _source = sourceName;
            _tokens = new Tokenizer(reader, options.Delimiter, sourceName);
            _missingTokens = new HashSet<string>(options.MissingValueTokens, StringComparer.Ordinal);
            if (options.ClassNames is not null && options.LabelKind is CsvLabelKind.ClassNameInOrderOfAppearance or CsvLabelKind.ClassNameSorted)
            {
                _fixedClasses = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int i = 0; i < options.ClassNames.Count; i++) _fixedClasses[options.ClassNames[i]] = i;
            }
        }

        private InvalidDataException Error(string problem, int? line = null, int? column = null)
        {
            string? name = column is int c && _haveNames && c - 1 < _names.Length ? _names[c - 1] : null;
            return DataErrors.Create(_source, problem, line, column, name);
        }

        public CsvResult Run()
        {
            var fields = new List<string>();
            bool first = true;
            int firstLine = 0;
            if (_o.HasHeader)
            {
                if (!_tokens.ReadRecord(fields, out firstLine))
                    throw Error("the file is empty; the options say it starts with a header line");
                _names = new string[fields.Count];
                for (int i = 0; i < fields.Count; i++) _names[i] = Trim(fields[i]);
                _haveNames = true;
                Configure(fields.Count, firstLine);
                first = false;
            }

            while (_tokens.ReadRecord(fields, out int line))
            {
                if (first)
                {
                    _names = new string[fields.Count];
                    for (int i = 0; i < fields.Count; i++) _names[i] = "column" + (i + 1).ToString(CultureInfo.InvariantCulture);
                    Configure(fields.Count, line);
                    first = false;
                }
                ReadRow(fields, line);
            }
            if (first)
                throw Error("the file is empty: no records to learn the number of columns from");

            return Finish();
        }

        private void Configure(int columns, int line)
        {
            _columns = columns;
            var label = _o.LabelColumn;
            if (label.IsNone)
            {
                _labelIndex = -1;
            }
            else if (label.Name is not null)
            {
                int found = -1;
                for (int i = 0; i < _names.Length; i++)
                {
                    if (!string.Equals(_names[i], label.Name, StringComparison.Ordinal)) continue;
                    if (found >= 0)
                        throw Error($"the label column {Excerpt.Quote(label.Name)} is ambiguous: columns {found + 1} and {i + 1} have that name", line);
                    found = i;
                }
                if (found < 0)
                    throw Error($"no column is named {Excerpt.Quote(label.Name)}; the header has {Quote(_names)}", line);
                _labelIndex = found;
            }
            else
            {
                int index = label.Index!.Value;
                int resolved = index < 0 ? columns + index : index;
                if (resolved < 0 || resolved >= columns)
                    throw Error($"the label column index {index} is outside the {columns} columns", line);
                _labelIndex = resolved;
            }
            _featureCount = columns - (_labelIndex >= 0 ? 1 : 0);
            if (_featureCount == 0)
                throw Error($"the records have {columns} column(s) and no feature column besides the label", line);
        }

        private void ReadRow(List<string> fields, int line)
        {
            if (fields.Count != _columns)
                throw Error($"expected {_columns} fields (as in {(_o.HasHeader ? "the header" : "the first record")}), found {fields.Count}",
                    line, Math.Min(fields.Count, _columns) + 1);

            bool drop = false;
            int start = _features.Count;
            for (int col = 0; col < _columns; col++)
            {
                if (col == _labelIndex) continue;
                string t = Trim(fields[col]);
                RefuseControlCharacters(t, line, col + 1);
                float v;
                string? problem = null;
                if (_missingTokens.Contains(t))
                {
                    v = float.NaN;
                    problem = $"missing value {Excerpt.Quote(t)}";
                }
                else if (TryParseFloat(t, out v))
                {
                    if (!float.IsFinite(v)) problem = $"non-finite value {Excerpt.Quote(t)}";
                }
                else
                {
                    throw Error($"{Excerpt.Quote(fields[col])} is not a number", line, col + 1);
                }
                if (problem is not null)
                {
                    switch (_o.MissingValues)
                    {
                        case MissingValuePolicy.Reject:
                            throw Error($"{problem} (MissingValuePolicy.Reject; DropRow, ImputeColumnMean or Keep accept it)", line, col + 1);
                        case MissingValuePolicy.DropRow:
                            drop = true;
                            break;
                    }
                }
                _features.Add(v);
            }

            if (_labelIndex >= 0) drop |= ReadLabel(fields[_labelIndex], line, drop);

            if (drop)
            {
                _features.RemoveRange(start, _features.Count - start);
                _dropped.Add(line);
            }
            else
            {
                _lines.Add(line);
            }
        }

        /// <summary>Parses and stores the label (unless the row is dropped); returns true when the row must be dropped.</summary>
        private bool ReadLabel(string field, int line, bool rowDropped)
        {
            int column = _labelIndex + 1;
            string t = Trim(field);
            if (_o.LabelKind is CsvLabelKind.ClassIndex or CsvLabelKind.Target) RefuseControlCharacters(t, line, column);
            bool missing = _missingTokens.Contains(t);
            string problem = $"missing label {Excerpt.Quote(t)}";
            int classIndex = 0;
            float target = 0;
            string? className = null;
            if (!missing)
            {
                switch (_o.LabelKind)
                {
                    case CsvLabelKind.ClassIndex:
                        if (!int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out classIndex))
                            throw Error($"{Excerpt.Quote(field)} is not an integer class label", line, column);
                        if (classIndex < 0)
                            throw Error($"class label {classIndex} is negative", line, column);
                        if (_o.ClassNames is not null && classIndex >= _o.ClassNames.Count)
                            throw Error($"class label {classIndex} is not below the {_o.ClassNames.Count} class names given", line, column);
                        break;
                    case CsvLabelKind.Target:
                        if (!TryParseFloat(t, out target))
                            throw Error($"{Excerpt.Quote(field)} is not a number", line, column);
                        if (!float.IsFinite(target))
                        {
                            missing = true;
                            problem = $"non-finite label {Excerpt.Quote(t)}";
                        }
                        break;
                    default:
                        className = t;
                        if (_fixedClasses is not null && !_fixedClasses.ContainsKey(t))
                            throw Error($"unknown class {Excerpt.Quote(t)}; the classes given are {Quote(_o.ClassNames!)}", line, column);
                        break;
                }
            }
            if (missing)
            {
                switch (_o.MissingValues)
                {
                    case MissingValuePolicy.DropRow:
                        return true;
                    case MissingValuePolicy.Reject:
                        throw Error($"{problem} (MissingValuePolicy.Reject; DropRow accepts it)", line, column);
                    default:
                        throw Error($"{problem}: a label cannot be {(_o.MissingValues == MissingValuePolicy.Keep ? "kept missing" : "imputed")}; use MissingValuePolicy.DropRow", line, column);
                }
            }
            if (rowDropped) return false;
            switch (_o.LabelKind)
            {
                case CsvLabelKind.ClassIndex: _labels.Add(classIndex); break;
                case CsvLabelKind.Target: _targets.Add(target); break;
                default: _labelNames.Add(className!); break;
            }
            return false;
        }

        /// <summary>
        /// A number never holds a control character, but .NET's parser skips trailing NULs ("1\0" parses as 1): refuse
        /// them all, so a field that was cut or padded by a binary tool is not read as a clean number.
        /// </summary>
        private void RefuseControlCharacters(string t, int line, int column)
        {
            foreach (char c in t)
            {
                if (char.IsControl(c))
                    throw Error($"{Excerpt.Quote(t)} holds the control character U+{(int)c:X4}; a number or class index cannot", line, column);
            }
        }

        private CsvResult Finish()
        {
            float[] features = _features.ToArray();
            int rows = _lines.Count;
            float[]? means = null;
            if (_o.MissingValues == MissingValuePolicy.ImputeColumnMean)
            {
                means = new float[_featureCount];
                var sums = new double[_featureCount];
                var counts = new int[_featureCount];
                for (int r = 0; r < rows; r++)
                {
                    for (int f = 0; f < _featureCount; f++)
                    {
                        float v = features[r * _featureCount + f];
                        if (float.IsFinite(v)) { sums[f] += v; counts[f]++; }
                    }
                }
                for (int f = 0; f < _featureCount; f++)
                {
                    if (counts[f] == 0 && rows > 0)
                    {
                        int col = FeatureColumn(f);
                        string name = _haveNames ? $" ({Excerpt.Quote(_names[col])})" : "";
                        throw Error($"column {col + 1}{name} has no finite value, so there is no mean to impute");
                    }
                    means[f] = counts[f] == 0 ? float.NaN : (float)(sums[f] / counts[f]);
                }
                for (int r = 0; r < rows; r++)
                {
                    for (int f = 0; f < _featureCount; f++)
                    {
                        ref float v = ref features[r * _featureCount + f];
                        if (!float.IsFinite(v)) v = means[f];
                    }
                }
            }

            var featureNames = new string[_featureCount];
            for (int f = 0; f < _featureCount; f++) featureNames[f] = _names[FeatureColumn(f)];
            string? labelName = _labelIndex >= 0 ? _names[_labelIndex] : null;
            int[] shape = [_featureCount];

            Dataset dataset;
            if (_labelIndex < 0)
            {
                dataset = new Dataset(features, shape);
            }
            else
            {
                switch (_o.LabelKind)
                {
                    case CsvLabelKind.ClassIndex:
                        dataset = new Dataset(features, shape, _labels.ToArray(), _o.ClassNames);
                        break;
                    case CsvLabelKind.Target:
                        dataset = new Dataset(features, shape, _targets.ToArray(), 1);
                        break;
                    default:
                        dataset = ClassNameDataset(features, shape);
                        break;
                }
            }
            return new CsvResult(dataset, featureNames, labelName, _lines.ToArray(), _dropped.ToArray(), means);
        }

        private Dataset ClassNameDataset(float[] features, int[] shape)
        {
            IReadOnlyList<string> classes;
            Dictionary<string, int> index;
            if (_fixedClasses is not null)
            {
                classes = _o.ClassNames!;
                index = _fixedClasses;
            }
            else
            {
                var list = new List<string>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (string n in _labelNames)
                    if (seen.Add(n)) list.Add(n);
                if (_o.LabelKind == CsvLabelKind.ClassNameSorted) list.Sort(StringComparer.Ordinal);
                index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int i = 0; i < list.Count; i++) index[list[i]] = i;
                classes = list.AsReadOnly();
            }
            var labels = new int[_labelNames.Count];
            for (int i = 0; i < labels.Length; i++) labels[i] = index[_labelNames[i]];
            return new Dataset(features, shape, labels, classes);
        }

        private int FeatureColumn(int feature) => _labelIndex >= 0 && feature >= _labelIndex ? feature + 1 : feature;

        private static string Quote(IEnumerable<string> names)
        {
            var sb = new StringBuilder();
            int count = 0;
            foreach (string n in names)
            {
                if (count == 20)
                {
                    sb.Append(", …");
                    break;
                }
                if (sb.Length > 0) sb.Append(", ");
                sb.Append(Excerpt.Quote(n));
                count++;
            }
            return sb.ToString();
        }
    }

    private static string Trim(string s) => s.Trim(' ', '\t');

    /// <summary>Invariant-culture float, also accepting the spellings Python and NumPy write (inf, -inf, nan).</summary>
    internal static bool TryParseFloat(string s, out float value)
    {
        if (float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        switch (s.ToLowerInvariant())
        {
            case "inf": case "+inf": case "infinity": case "+infinity":
                value = float.PositiveInfinity;
                return true;
            case "-inf": case "-infinity":
                value = float.NegativeInfinity;
                return true;
            case "nan": case "+nan": case "-nan":
                value = float.NaN;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>Splits RFC 4180 records, tracking 1-based line numbers.</summary>
    private sealed class Tokenizer(TextReader reader, char delimiter, string sourceName)
    {
        private readonly char[] _buffer = new char[16384];
        private readonly StringBuilder _field = new();
        private int _pos, _length;
        private int _line = 1;

        private int Peek()
        {
            if (_pos == _length)
            {
                _length = reader.Read(_buffer, 0, _buffer.Length);
                _pos = 0;
                if (_length <= 0)
                {
                    _length = 0;
                    return -1;
                }
            }
            return _buffer[_pos];
        }

        private int Next()
        {
            int c = Peek();
            if (c >= 0) _pos++;
            return c;
        }

        private bool IsBlank(int c) => (c == ' ' || c == '\t') && c != delimiter;

        /// <summary>Reads the next non-empty record; false at the end of the input.</summary>
        public bool ReadRecord(List<string> fields, out int line)
        {
            fields.Clear();
            while (true)
            {
                int c = Peek();
                if (c < 0) { line = _line; return false; }
                if (c == '\n') { Next(); _line++; continue; }
                if (c == '\r') { Next(); if (Peek() == '\n') Next(); _line++; continue; }
                break;
            }
            line = _line;
            while (true)
            {
                _field.Clear();
                while (IsBlank(Peek())) _field.Append((char)Next());
                int c = Peek();
                if (c == '"')
                {
                    _field.Clear();
                    Next();
                    int quoteLine = _line;
                    while (true)
                    {
                        c = Next();
                        if (c < 0)
                            throw DataErrors.Create(sourceName, "unterminated quoted field: the file ends before the closing quote", quoteLine, fields.Count + 1);
                        if (c == '"')
                        {
                            if (Peek() == '"') { Next(); _field.Append('"'); continue; }
                            break;
                        }
                        if (c == '\r')
                        {
                            _field.Append('\r');
                            if (Peek() == '\n') _field.Append((char)Next());
                            _line++;
                            continue;
                        }
                        if (c == '\n') _line++;
                        _field.Append((char)c);
                    }
                    while (IsBlank(Peek())) Next();
                    c = Peek();
                    if (!(c < 0 || c == delimiter || c == '\r' || c == '\n'))
                        throw DataErrors.Create(sourceName,
                            $"unexpected '{(char)c}' after the closing quote of a quoted field (a quote inside a quoted field is written \"\")",
                            _line, fields.Count + 1);
                }
                else
                {
                    while (true)
                    {
                        c = Peek();
                        if (c < 0 || c == delimiter || c == '\r' || c == '\n') break;
                        _field.Append((char)Next());
                    }
                }
                fields.Add(_field.ToString());
                c = Peek();
                if (c == delimiter)
                {
                    Next();
                    continue;
                }
                if (c == '\r')
                {
                    Next();
                    if (Peek() == '\n') Next();
                    _line++;
                }
                else if (c == '\n')
                {
                    Next();
                    _line++;
                }
                return true;
            }
        }
    }
}
