using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace NetGen.Serialization;

/// <summary>
/// Exports and imports a model's parameters as <a href="https://github.com/huggingface/safetensors">safetensors</a>,
/// named and laid out as the state dict of the equivalent PyTorch <c>nn.Sequential</c>, so
/// <c>module.load_state_dict(...)</c> takes a NetGen model and NetGen takes a PyTorch one.
/// </summary>
/// <remarks>
/// <para>The file is an 8-byte little-endian header length <c>N</c>, <c>N</c> bytes of JSON
/// (<c>{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, …, "__metadata__": {…}}</c>, padded
/// with spaces to a multiple of 8), then the tensors' little-endian bytes; offsets are relative to the data start.</para>
/// <para>Each layer maps to the PyTorch module of the same kind, with its parameter names and layouts: tensor
/// <c>t</c> (the t-th layer with parameters) is <c>t.weight</c> and <c>t.bias</c> for <c>nn.Linear</c>,
/// <c>nn.Conv2d</c> and <c>nn.Embedding</c> (<c>weight</c> only), and <c>t.weight_ih_l0</c>, <c>t.weight_hh_l0</c>,
/// <c>t.bias_ih_l0</c>, <c>t.bias_hh_l0</c> for <c>nn.RNN</c>, <c>nn.LSTM</c> and <c>nn.GRU</c>. Dense and
/// recurrent kernels, stored <c>[in, out]</c> in NetGen (Keras's layout), are <c>[out, in]</c> in PyTorch: they are
/// transposed on export and on import; convolution kernels (<c>[filters, channels, k, k]</c>) and embeddings
/// (<c>[vocabulary, dimension]</c>) have PyTorch's layout already. GRU gates are in Keras's order (z, r, h) in NetGen
/// and PyTorch's (r, z, n) in the file. SimpleRNN and LSTM have one bias in NetGen and two in PyTorch: export writes
/// <c>bias_hh_l0</c> as zeros, import adds the two. Tensor names follow <see cref="SafeTensorsOptions.Naming"/>.</para>
/// <para>Import validates the whole header before it reads any data, reads all data into a buffer, and only then
/// changes the model; any defect throws <see cref="ModelFormatException"/> and leaves the model as it was.</para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>The largest JSON header accepted on import, in bytes (100 MB, as the reference implementation).</summary>
    public const long MaxHeaderLength = 100_000_000;

    private const int ChunkBytes = 1 << 16;

    /// <summary>Writes <paramref name="model"/>'s parameters to <paramref name="path"/> as safetensors, atomically.</summary>
    /// <exception cref="NotSupportedException">The model has a parameter block of a kind with no PyTorch mapping.</exception>
    public static void Export(IModel model, string path, SafeTensorsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        Tensor[] map = Map(model, options ?? SafeTensorsOptions.Default); // fail before creating any file
        AtomicFile.Write(path, stream => Write(model, stream, options ?? SafeTensorsOptions.Default, map));
    }

    /// <summary>Writes <paramref name="model"/>'s parameters to <paramref name="stream"/> as safetensors.</summary>
    public static void Export(IModel model, Stream stream, SafeTensorsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        options ??= SafeTensorsOptions.Default;
        Write(model, stream, options, Map(model, options));
    }

    /// <summary>
    /// Reads a safetensors file (from NetGen or PyTorch) into <paramref name="model"/>, which must have tensors of the
    /// same names and shapes.
    /// </summary>
    /// <exception cref="ModelFormatException">The header is invalid, a tensor is missing, unexpected, not F32, or of
    /// another shape, the file is truncated, or a tensor holds NaN or an infinity (unless
    /// <see cref="SafeTensorsOptions.AllowNonFiniteValues"/>). The model is unchanged.</exception>
    public static void Import(IModel model, string path, SafeTensorsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = ModelFile.OpenRead(path);
        Read(model, stream, options ?? SafeTensorsOptions.Default, $"'{path}'", stream.Length);
    }

    /// <summary>Reads safetensors from <paramref name="stream"/> (exactly the file's bytes are read) into <paramref name="model"/>.</summary>
    public static void Import(IModel model, Stream stream, SafeTensorsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        Read(model, stream, options ?? SafeTensorsOptions.Default, "The stream", null);
    }

    // ---------------------------------------------------------------- mapping

    /// <summary>
    /// One of the file's tensors: a [Rows, Columns] row-major matrix at <see cref="Offset"/> in the parameters,
    /// transposed in the file when <see cref="Transpose"/> is set, with column blocks of <see cref="GateSize"/>
    /// reordered when <see cref="FileBlock"/> is set (NetGen block b is file block FileBlock[b]).
    /// </summary>
    private sealed record Tensor(string Name, int Offset, int Rows, int Columns, bool Transpose, long[] FileShape)
    {
        public int Length => Rows * Columns;

        public int[]? FileBlock { get; init; }

        public int GateSize { get; init; } = 1;

        /// <summary>PyTorch's second recurrent bias where NetGen has one: written as zeros, added on import.</summary>
        public bool Summed { get; init; }

        /// <summary>An int64 tensor in PyTorch (a batch count): written as I64, read from I64 or F32.</summary>
        public bool Integer { get; init; }

        /// <summary>The tensor's dtype in files NetGen writes.</summary>
        public string Dtype => Integer ? "I64" : "F32";

        /// <summary>Bytes of the tensor in files NetGen writes.</summary>
        public long Bytes => (Integer ? 8L : 4L) * Length;

        /// <summary>The file's column (before any transpose) of NetGen column <paramref name="column"/>.</summary>
        public int FileColumn(int column)
        {
            return FileBlock is null ? column : FileBlock[column / GateSize] * GateSize + column % GateSize;
        }

        /// <summary>Index in the file's values of NetGen element (row, column).</summary>
        public int FileIndex(int row, int column)
        {
            int fileColumn = FileColumn(column);
            return Transpose ? fileColumn * Rows + row : row * Columns + fileColumn;
        }
    }

    private static Tensor[] Map(IModel model, SafeTensorsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.Prefix, nameof(options));
        IReadOnlyList<ParameterBlock> blocks = model.ParameterBlocks;
        int count = model.ParameterCount;
        if (model.Parameters.Length != count)
            throw new ArgumentException($"The model's Parameters span has {model.Parameters.Length} floats but its ParameterCount is {count}.", nameof(model));
        var map = new List<Tensor>(blocks.Count + 4);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (ParameterBlock block in blocks)
        {
            if (block.Offset < 0 || (long)block.Offset + block.Length > count)
                throw new ArgumentException($"Parameter block '{block.Name}' ({block.Offset} + {block.Length}) lies outside the model's {count} parameters.", nameof(model));
            foreach (Tensor tensor in Tensors(block, options))
            {
                if ((long)tensor.Length + (tensor.Offset - block.Offset) > block.Length)
                    throw new ArgumentException($"Parameter block '{block.Name}' is smaller than its shape [{string.Join(", ", block.Shape)}] says.", nameof(model));
                if (!names.Add(tensor.Name)) throw new ArgumentException($"Two parameter blocks map to the tensor name '{tensor.Name}'.", nameof(model));
                map.Add(tensor);
            }
        }
        return map.ToArray();
    }

    /// <summary>The file's tensors of one parameter block, as the generated block's <see cref="ParameterBlock.Torch"/> says.</summary>
    private static IEnumerable<Tensor> Tensors(ParameterBlock block, SafeTensorsOptions options)
    {
        if (block.Torch is not { Length: > 0 } torch)
            throw new NotSupportedException(
                $"Parameter block '{block.Name}' ({block.Kind}, shape [{string.Join(", ", block.Shape)}]) has no safetensors/PyTorch mapping.");
        var tensors = new Tensor[torch.Length];
        for (int i = 0; i < torch.Length; i++)
        {
            TorchTensor t = torch[i] ?? throw new ArgumentException($"Parameter block '{block.Name}' has a null PyTorch tensor.", "model");
            long fileLength = 1;
            foreach (int d in t.Shape ?? []) fileLength *= d;
            if (t.Rows <= 0 || t.Columns <= 0 || t.Offset < 0 || t.Shape is null || fileLength != (long)t.Rows * t.Columns)
                throw new ArgumentException($"Parameter block '{block.Name}' maps to PyTorch tensor '{t.Name}' with an inconsistent shape.", "model");
            int gateSize = 1;
            if (t.GateOrder is { } order)
            {
                if (order.Length == 0 || t.Columns % order.Length != 0 || order.Distinct().Count() != order.Length || order.Any(b => (uint)b >= (uint)order.Length))
                    throw new ArgumentException($"Parameter block '{block.Name}' has a gate order for '{t.Name}' that is not a permutation of its column blocks.", "model");
                gateSize = t.Columns / order.Length;
            }
            tensors[i] = new Tensor(Name(block.Name, t.Name, options), block.Offset + t.Offset, t.Rows, t.Columns, t.Transposed, t.Shape.Select(d => (long)d).ToArray())
            {
                FileBlock = t.GateOrder,
                GateSize = gateSize,
                Summed = t.Summed,
                Integer = t.Integer,
            };
        }
        return tensors;
    }

    /// <summary>The file name of <paramref name="kind"/> in the layer of block <paramref name="blockName"/> (<c>t.kind</c>).</summary>
    private static string Name(string blockName, string kind, SafeTensorsOptions options)
    {
        int dot = blockName.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !int.TryParse(blockName.AsSpan(0, dot), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index))
            throw new NotSupportedException($"Parameter block '{blockName}' is not named '<layer>.<kind>'.");
        if (options.Naming == SafeTensorsNaming.LayerIndex)
            return options.Prefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + kind;
        if (options.Naming != SafeTensorsNaming.SequentialWithActivations)
            throw new ArgumentOutOfRangeException(nameof(options), options.Naming, "Unknown SafeTensorsNaming.");
        return options.Prefix + (2 * index).ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + kind;
    }

    // ---------------------------------------------------------------- export

    private static void Write(IModel model, Stream stream, SafeTensorsOptions options, Tensor[] map)
    {
        var json = new ArrayBufferWriter<byte>(256 + 96 * map.Length);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            var metadata = new List<KeyValuePair<string, string>>
            {
                new("format", "pt"),
                new("netgen.architecture", model.Architecture),
                new("netgen.layout", options.Naming == SafeTensorsNaming.LayerIndex ? "layer-index" : "sequential-with-activations"),
            };
            if (options.Metadata is not null)
            {
                foreach (KeyValuePair<string, string> entry in options.Metadata)
                {
                    ArgumentNullException.ThrowIfNull(entry.Value, nameof(options));
                    int existing = metadata.FindIndex(e => e.Key == entry.Key);
                    if (existing >= 0) metadata[existing] = entry;
                    else metadata.Add(entry);
                }
            }
            writer.WriteStartObject("__metadata__");
            foreach (KeyValuePair<string, string> entry in metadata) writer.WriteString(entry.Key, entry.Value);
            writer.WriteEndObject();

            long offset = 0;
            foreach (Tensor tensor in map)
            {
                writer.WriteStartObject(tensor.Name);
                writer.WriteString("dtype", tensor.Dtype);
                writer.WriteStartArray("shape");
                foreach (long d in tensor.FileShape) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                offset += tensor.Bytes;
                writer.WriteNumberValue(offset);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }

        // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
        int length = (json.WrittenCount + 7) & ~7;
        byte[] header = new byte[8 + length];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)length);
        json.WrittenSpan.CopyTo(header.AsSpan(8));
        header.AsSpan(8 + json.WrittenCount).Fill((byte)' ');
        stream.Write(header);

        int largest = 0;
        foreach (Tensor tensor in map) largest = Math.Max(largest, tensor.Length);
        float[] scratch = new float[largest];
        ReadOnlySpan<float> parameters = model.Parameters;
        byte[] integer = new byte[8];
        foreach (Tensor tensor in map)
        {
            ReadOnlySpan<float> source = parameters.Slice(tensor.Offset, tensor.Length);
            Span<float> values = scratch.AsSpan(0, tensor.Length);
            if (tensor.Summed)
            {
                values.Clear(); // NetGen's one bias went into bias_ih_l0
            }
            else if (tensor.Transpose || tensor.FileBlock is not null)
            {
                // NetGen [in, out] → PyTorch [out, in], gate blocks in PyTorch's order.
                int rows = tensor.Rows, columns = tensor.Columns;
                for (int i = 0; i < rows; i++)
                    for (int o = 0; o < columns; o++)
                        values[tensor.FileIndex(i, o)] = source[i * columns + o];
            }
            else if (tensor.Integer)
            {
                // counts kept as floats in NetGen, int64 in PyTorch
                foreach (float value in source)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(integer, (long)value);
                    stream.Write(integer);
                }
                continue;
            }
            else
            {
                source.CopyTo(values);
            }
            if (!BitConverter.IsLittleEndian)
            {
                Span<int> bits = MemoryMarshal.Cast<float, int>(values);
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }
            stream.Write(MemoryMarshal.AsBytes(values));
        }
    }

    // ---------------------------------------------------------------- import

    /// <summary>A tensor entry of the header, checked for form but not yet against the model.</summary>
    private sealed record Entry(string Name, string Dtype, long[] Shape, long Begin, long End);

    private static void Read(IModel model, Stream stream, SafeTensorsOptions options, string source, long? knownLength)
    {
        Tensor[] map = Map(model, options);

        // 1. The header length.
        byte[] prefix = new byte[8];
        int got = stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false);
        if (got < 8)
            throw new ModelFormatException(ModelFormatError.Truncated, $"{source} is truncated: it ends after {got} bytes, inside the 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderLength)
            throw Invalid(source, $"its header length is {headerLength} bytes, over the {MaxHeaderLength}-byte limit (is it a safetensors file?)");
        if (knownLength is { } fileLength && (long)headerLength > fileLength - 8)
            throw new ModelFormatException(ModelFormatError.Truncated,
                $"{source} is truncated or not a safetensors file: its header length is {headerLength} bytes, but only {fileLength - 8} bytes follow.");
        if (headerLength < 2)
            throw Invalid(source, $"its header length is {headerLength} bytes, too short for a JSON object");

        // 2. The JSON header, validated whole before any data is read.
        byte[] headerBytes = new byte[headerLength];
        got = stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false);
        if (got < headerBytes.Length)
            throw new ModelFormatException(ModelFormatError.Truncated,
                $"{source} is truncated: it ends after {8 + got} bytes, inside its {headerLength}-byte JSON header.");
        List<Entry> entries = ParseHeader(headerBytes, source);

        // 3. Offsets: sorted, they must tile the data section exactly (no overlap, no hole), as the reference reader requires.
        var sorted = entries.ToArray();
        Array.Sort(sorted, static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long dataLength = 0;
        Entry? previous = null;
        foreach (Entry entry in sorted)
        {
            if (entry.Begin < dataLength)
                throw new ModelFormatException(ModelFormatError.InvalidOffsets,
                    $"{source} has overlapping tensors: {Excerpt.Quote(entry.Name, quote: '\'')} [{entry.Begin}, {entry.End}) starts inside {Excerpt.Quote(previous!.Name, quote: '\'')} [{previous.Begin}, {previous.End}).");
            if (entry.Begin > dataLength)
                throw new ModelFormatException(ModelFormatError.InvalidOffsets,
                    $"{source} has a hole in its data: bytes [{dataLength}, {entry.Begin}) belong to no tensor (before {Excerpt.Quote(entry.Name, quote: '\'')}).");
            dataLength = entry.End;
            previous = entry;
        }
        if (knownLength is { } totalLength)
        {
            long available = totalLength - 8 - (long)headerLength;
            if (available < dataLength)
                throw new ModelFormatException(ModelFormatError.Truncated,
                    $"{source} is truncated: its tensors need {dataLength} bytes of data, but only {available} follow the header.");
            if (available > dataLength)
                throw new ModelFormatException(ModelFormatError.InvalidOffsets,
                    $"{source} has {available - dataLength} bytes after its last tensor: the data section is {available} bytes, the tensors end at {dataLength}.");
        }

        // 4. The tensors against the model.
        var byName = new Dictionary<string, Entry>(entries.Count, StringComparer.Ordinal);
        foreach (Entry entry in entries) byName.Add(entry.Name, entry);
        var wanted = new Dictionary<string, Tensor>(map.Length, StringComparer.Ordinal);
        foreach (Tensor tensor in map)
        {
            wanted.Add(tensor.Name, tensor);
            if (!byName.TryGetValue(tensor.Name, out Entry? entry))
                throw new ModelFormatException(ModelFormatError.MissingTensor,
                    $"{source} has no tensor '{tensor.Name}' (shape [{string.Join(", ", tensor.FileShape)}]), which {model.Architecture} needs. It has: {Names(entries)}.{NamingHint(entries, options)}",
                    model.Architecture);
            if (entry.Dtype != "F32" && !(tensor.Integer && entry.Dtype == "I64"))
                throw new ModelFormatException(ModelFormatError.UnsupportedDtype,
                    $"{source}: tensor '{tensor.Name}' has dtype {entry.Dtype}; NetGen imports F32 only (in PyTorch, convert with module.float() before saving).");
            if (!entry.Shape.AsSpan().SequenceEqual(tensor.FileShape))
            {
                string hint = tensor.Transpose && entry.Shape.Length == 2 && entry.Shape[0] == tensor.FileShape[1] && entry.Shape[1] == tensor.FileShape[0]
                    ? " That is the Keras layout [in, out]; PyTorch's nn.Linear weight is [out_features, in_features]."
                    : "";
                throw new ModelFormatException(ModelFormatError.ShapeMismatch,
                    $"{source}: tensor '{tensor.Name}' has shape {Dims(entry.Shape)}, but {model.Architecture} needs [{string.Join(", ", tensor.FileShape)}].{hint}",
                    model.Architecture);
            }
        }
        if (!options.IgnoreUnexpectedTensors)
        {
            foreach (Entry entry in entries)
                if (!wanted.ContainsKey(entry.Name))
                    throw new ModelFormatException(ModelFormatError.UnexpectedTensor,
                        $"{source} has a tensor {Excerpt.Quote(entry.Name, quote: '\'')} that {model.Architecture} does not have (set SafeTensorsOptions.IgnoreUnexpectedTensors to skip such tensors).{NamingHint(entries, options)}",
                        model.Architecture);
        }

        // 5. The data, in file order, into a staging copy of the parameters; the model changes only at the end.
        float[] staging = model.Parameters.ToArray();
        int largest = 0;
        foreach (Tensor tensor in map) largest = Math.Max(largest, tensor.Length);
        float[] scratch = new float[largest];
        byte[]? skip = null;
        long position = 0;
        var summed = new List<(Tensor Tensor, float[] Values)>(); // added once every other tensor is in place
        foreach (Entry entry in sorted)
        {
            long bytes = entry.End - entry.Begin;
            if (wanted.TryGetValue(entry.Name, out Tensor? tensor))
            {
                Span<float> values = scratch.AsSpan(0, tensor.Length);
                if (entry.Dtype == "I64")
                {
                    // a count (num_batches_tracked): int64 in PyTorch, a float in NetGen
                    byte[] count = new byte[8];
                    for (int i = 0; i < values.Length; i++)
                    {
                        got = stream.ReadAtLeast(count, 8, throwOnEndOfStream: false);
                        if (got < 8) throw DataTruncated(source, headerLength, position + 8L * i + got, dataLength);
                        long integer = BinaryPrimitives.ReadInt64LittleEndian(count);
                        if (integer < 0)
                            throw new ModelFormatException(ModelFormatError.Corrupt,
                                $"{source}: tensor '{tensor.Name}' holds the count {integer} at element {i}; a batch count cannot be negative.");
                        values[i] = integer;
                    }
                    values.CopyTo(staging.AsSpan(tensor.Offset, tensor.Length));
                    position += bytes;
                    continue;
                }
                Span<byte> raw = MemoryMarshal.AsBytes(values);
                got = stream.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false);
                if (got < raw.Length) throw DataTruncated(source, headerLength, position + got, dataLength);
                if (!BitConverter.IsLittleEndian)
                {
                    Span<int> bits = MemoryMarshal.Cast<float, int>(values);
                    BinaryPrimitives.ReverseEndianness(bits, bits);
                }
                if (!options.AllowNonFiniteValues && NonFinite.IndexOf(values) is int bad and >= 0)
                    throw new ModelFormatException(ModelFormatError.NonFiniteValue,
                        $"{source}: tensor '{tensor.Name}' holds a non-finite value: {NonFinite.Describe(values[bad])} at element {bad} " +
                        $"(file offset {8 + (long)headerLength + entry.Begin + 4L * bad}). The model it was saved from had diverged; " +
                        "set SafeTensorsOptions.AllowNonFiniteValues to import it anyway.");
                Span<float> destination = staging.AsSpan(tensor.Offset, tensor.Length);
                if (tensor.Summed)
                {
                    summed.Add((tensor, values.ToArray()));
                }
                else if (tensor.Transpose || tensor.FileBlock is not null)
                {
                    // PyTorch [out, in] → NetGen [in, out], gate blocks in NetGen's order.
                    int rows = tensor.Rows, columns = tensor.Columns;
                    for (int i = 0; i < rows; i++)
                        for (int o = 0; o < columns; o++)
                            destination[i * columns + o] = values[tensor.FileIndex(i, o)];
                }
                else
                {
                    values.CopyTo(destination);
                }
            }
            else
            {
                skip ??= new byte[ChunkBytes];
                for (long left = bytes; left > 0;)
                {
                    int want = (int)Math.Min(skip.Length, left);
                    got = stream.ReadAtLeast(skip.AsSpan(0, want), want, throwOnEndOfStream: false);
                    if (got < want) throw DataTruncated(source, headerLength, position + (bytes - left) + got, dataLength);
                    left -= want;
                }
            }
            position += bytes;
        }

        foreach (var (tensor, values) in summed)
        {
            // PyTorch's bias_hh_l0 where NetGen has one bias: b = b_ih + b_hh
            Span<float> destination = staging.AsSpan(tensor.Offset, tensor.Length);
            for (int i = 0; i < tensor.Rows; i++)
                for (int o = 0; o < tensor.Columns; o++)
                    destination[i * tensor.Columns + o] += values[tensor.FileIndex(i, o)];
        }

        staging.CopyTo(model.Parameters);
    }

    private static List<Entry> ParseHeader(byte[] headerBytes, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Invalid(source, $"its header is not valid JSON ({e.Message})", e);
        }
        catch (ArgumentException e)
        {
            throw Invalid(source, $"its header is not valid UTF-8 JSON ({e.Message})", e);
        }

        using (document)
        {
            try
            {
                return Entries(document.RootElement, source);
            }
            catch (InvalidOperationException e)
            {
                // JsonDocument checks the UTF-8 of strings only when they are read.
                throw Invalid(source, $"its header holds a string that is not valid UTF-8 ({e.Message})", e);
            }
        }
    }

    private static List<Entry> Entries(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw Invalid(source, $"its header is a JSON {root.ValueKind}, not an object");

        var entries = new List<Entry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in root.EnumerateObject())
        {
            string name = property.Name;
            if (!seen.Add(name)) throw Invalid(source, $"its header names {Excerpt.Quote(name, quote: '\'')} twice");
            if (name == "__metadata__")
            {
                if (property.Value.ValueKind != JsonValueKind.Object)
                    throw Invalid(source, $"its __metadata__ is a JSON {property.Value.ValueKind}, not an object of strings");
                var keys = new HashSet<string>(StringComparer.Ordinal);
                foreach (JsonProperty entry in property.Value.EnumerateObject())
                {
                    if (!keys.Add(entry.Name)) throw Invalid(source, $"its __metadata__ names {Excerpt.Quote(entry.Name, quote: '\'')} twice");
                    if (entry.Value.ValueKind != JsonValueKind.String)
                        throw Invalid(source, $"its __metadata__ entry {Excerpt.Quote(entry.Name, quote: '\'')} is a JSON {entry.Value.ValueKind}, not a string");
                    _ = entry.Value.GetString(); // validates its UTF-8
                }
                continue;
            }
            entries.Add(ParseEntry(name, property.Value, source));
        }
        return entries;
    }

    private static Entry ParseEntry(string name, JsonElement value, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Invalid(source, $"tensor {Excerpt.Quote(name, quote: '\'')} is a JSON {value.ValueKind}, not an object with dtype, shape and data_offsets");
        string? dtype = null;
        long[]? shape = null, offsets = null;
        foreach (JsonProperty field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype":
                    if (dtype is not null) throw Invalid(source, $"tensor {Excerpt.Quote(name, quote: '\'')} has two dtype fields");
                    if (field.Value.ValueKind != JsonValueKind.String) throw Invalid(source, $"tensor {Excerpt.Quote(name, quote: '\'')} has a dtype that is not a string");
                    dtype = field.Value.GetString()!;
                    break;
                case "shape":
                    if (shape is not null) throw Invalid(source, $"tensor {Excerpt.Quote(name, quote: '\'')} has two shape fields");
                    shape = Integers(field.Value, name, "shape", source);
                    break;
                case "data_offsets":
                    if (offsets is not null) throw Invalid(source, $"tensor {Excerpt.Quote(name, quote: '\'')} has two data_offsets fields");
                    offsets = Integers(field.Value, name, "data_offsets", source);
                    if (offsets.Length != 2) throw Invalid(source, $"tensor {Excerpt.Quote(name, quote: '\'')} has {offsets.Length} data_offsets; it needs [begin, end]");
                    break;
                default:
                    throw Invalid(source, $"tensor {Excerpt.Quote(name, quote: '\'')} has an unknown field {Excerpt.Quote(field.Name, quote: '\'')}");
            }
        }
        if (dtype is null) throw Invalid(source, $"tensor {Excerpt.Quote(name, quote: '\'')} has no dtype");
        if (shape is null) throw Invalid(source, $"tensor {Excerpt.Quote(name, quote: '\'')} has no shape");
        if (offsets is null) throw Invalid(source, $"tensor {Excerpt.Quote(name, quote: '\'')} has no data_offsets");

        int size = DtypeSize(dtype);
        if (size == 0) throw Invalid(source, $"tensor {Excerpt.Quote(name, quote: '\'')} has an unknown dtype {Excerpt.Quote(dtype, quote: '\'')}");
        long begin = offsets[0], end = offsets[1];
        if (begin > end)
            throw new ModelFormatException(ModelFormatError.InvalidOffsets, $"{source}: tensor {Excerpt.Quote(name, quote: '\'')} has data_offsets [{begin}, {end}], which end before they begin.");
        long elements = 1;
        foreach (long d in shape)
        {
            if (d != 0 && elements > long.MaxValue / 8 / d)
                throw Invalid(source, $"tensor {Excerpt.Quote(name, quote: '\'')} has shape {Dims(shape)}, too large");
            elements *= d;
        }
        if (end - begin != elements * size)
            throw new ModelFormatException(ModelFormatError.InvalidOffsets,
                $"{source}: tensor {Excerpt.Quote(name, quote: '\'')} has data_offsets [{begin}, {end}] ({end - begin} bytes), but {dtype} {Dims(shape)} takes {elements * size} bytes.");
        return new Entry(name, dtype, shape, begin, end);
    }

    /// <summary>A JSON array of non-negative integers that fit a <see cref="long"/>.</summary>
    private static long[] Integers(JsonElement value, string tensor, string field, string source)
    {
        if (value.ValueKind != JsonValueKind.Array) throw Invalid(source, $"tensor {Excerpt.Quote(tensor, quote: '\'')} has a {field} that is not an array");
        var result = new long[value.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long n) || n < 0)
                throw Invalid(source, $"tensor {Excerpt.Quote(tensor, quote: '\'')} has a {field} entry {Excerpt.Quote(item.GetRawText(), quote: '\'')}; it must be a non-negative integer");
            result[i++] = n;
        }
        return result;
    }

    /// <summary>Bytes per element of a safetensors dtype; 0 for an unknown one.</summary>
    private static int DtypeSize(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" => 1,
        "I16" or "U16" or "F16" or "BF16" => 2,
        "I32" or "U32" or "F32" => 4,
        "I64" or "U64" or "F64" => 8,
        _ => 0,
    };

    /// <summary>A shape from the file for a message: <c>[3, 7]</c>, at most 8 dimensions shown.</summary>
    private static string Dims(long[] shape) =>
        shape.Length <= 8 ? "[" + string.Join(", ", shape) + "]" : "[" + string.Join(", ", shape.Take(8)) + $", … ({shape.Length} dimensions)]";

    private static string Names(List<Entry> entries)
    {
        if (entries.Count == 0) return "no tensors";
        var text = new StringBuilder();
        for (int i = 0; i < entries.Count && i < 12; i++)
        {
            if (i > 0) text.Append(", ");
            text.Append(Excerpt.Quote(entries[i].Name, quote: '\''));
        }
        if (entries.Count > 12) text.Append(", … (").Append(entries.Count).Append(" in all)");
        return text.ToString();
    }

    /// <summary>Suggests the other naming when the file's indices look like it.</summary>
    private static string NamingHint(List<Entry> entries, SafeTensorsOptions options)
    {
        bool anyOdd = false, any = false;
        int largest = 0;
        foreach (Entry entry in entries)
        {
            string name = entry.Name.StartsWith(options.Prefix, StringComparison.Ordinal) ? entry.Name.Substring(options.Prefix.Length) : entry.Name;
            int dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && int.TryParse(name.AsSpan(0, dot), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index))
            {
                any = true;
                anyOdd |= index % 2 == 1;
                largest = Math.Max(largest, index);
            }
        }
        if (!any) return "";
        if (options.Naming == SafeTensorsNaming.LayerIndex && !anyOdd && largest >= 2)
            return " The file's layer indices are all even: it may come from nn.Sequential(Linear, activation, …); try SafeTensorsNaming.SequentialWithActivations.";
        if (options.Naming == SafeTensorsNaming.SequentialWithActivations && anyOdd)
            return " The file has odd layer indices: it may come from nn.Sequential(Linear, Linear, …); try SafeTensorsNaming.LayerIndex.";
        return "";
    }

    private static ModelFormatException DataTruncated(string source, ulong headerLength, long read, long dataLength) =>
        new(ModelFormatError.Truncated,
            $"{source} is truncated: its data section ends after {read} bytes (at file offset {8 + (long)headerLength + read}), but its tensors need {dataLength}.");

    private static ModelFormatException Invalid(string source, string what, Exception? inner = null) =>
        new(ModelFormatError.InvalidHeader, $"{source} has an invalid safetensors header: {what}.", innerException: inner);
}
