using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace NetGen.Serialization;

/// <summary>What a NetGen model file holds.</summary>
public enum ModelFileKind
{
    /// <summary>Parameters only (<see cref="ModelFile"/>).</summary>
    Model = 1,

    /// <summary>Parameters, optimizer state, step, epoch and learning rate (<see cref="Checkpoint"/>).</summary>
    Checkpoint = 2,
}

/// <summary>The header of a NetGen model file or checkpoint, as <see cref="ModelFile.ReadInfo(string)"/> returns it.</summary>
/// <param name="Kind">Model file or checkpoint.</param>
/// <param name="Version">The format version.</param>
/// <param name="Architecture">The architecture text of the network that was saved (<see cref="IModel.Architecture"/>).</param>
/// <param name="ArchitectureSha256">SHA-256 of the architecture text's UTF-8 bytes, as lowercase hex.</param>
/// <param name="ParameterCount">Number of parameters.</param>
/// <param name="OptimizerStateCount">Number of optimizer-state values (0 in model files).</param>
/// <param name="Step">Optimizer steps taken (0 in model files).</param>
/// <param name="Epoch">The epoch to resume from (0 in model files).</param>
/// <param name="LearningRate">The trainer's learning rate, when it was saved.</param>
/// <param name="Length">The file's length in bytes.</param>
public sealed record ModelFileInfo(
    ModelFileKind Kind,
    int Version,
    string Architecture,
    string ArchitectureSha256,
    int ParameterCount,
    int OptimizerStateCount,
    long Step,
    int Epoch,
    float? LearningRate,
    long Length)
{
    /// <summary>True when the file is a format-version-2 checkpoint that carries <c>Fit</c>'s own state (early stopping's; <see cref="Training.FitState"/>).</summary>
    public bool HasFitState { get; init; }
}

/// <summary>
/// Reads and writes the NetGen model container (format versions 1 and 2), shared by <see cref="ModelFile"/> and
/// <see cref="Checkpoint"/>. All integers and floats are little-endian.
/// </summary>
/// <remarks>
/// <para>Version 2 is version 1 plus <c>Fit</c>'s state (<see cref="Training.FitState"/>) after the optimizer state;
/// it is written only for a checkpoint that carries one, so every other file stays readable by version-1 readers.
/// Both versions are read.</para>
/// <code>
/// offset  size  field
///      0     4  magic "NGMF"
///      4     2  format version (u16) = 1, or 2 when flag bit 1 is set
///      6     2  kind (u16): 1 = model, 2 = checkpoint
///      8     4  flags (u32): bit 0 = learning rate present; bit 1 = fit state present (version 2, checkpoints
///               only); bit 2 = best weights present (needs bit 1); other bits 0
///     12     4  A = architecture text length in UTF-8 bytes (u32, 1 … 65,536)
///     16     8  P = parameter count (i64, 0 … 2^31 − 1)
///     24     8  S = optimizer-state count (i64, 0 … 2^31 − 1; 0 in model files)
///     32     8  optimizer step (i64, ≥ 0; 0 in model files)
///     40     4  epoch to resume from (i32, ≥ 0; 0 in model files)
///     44     4  learning rate (f32, finite, ≥ 0; 0 unless flag bit 0)
///     48    32  SHA-256 of the architecture text
///     80     A  architecture text (UTF-8), then zero bytes up to a multiple of 8: the data offset D
///      D    4P  parameters (f32), in IModel.Parameters order
///   D+4P    4S  optimizer state (f32), in ITrainer.OptimizerState order
///   E = D+4P+4S
/// version 2, flag bit 1 only:
///      E     4  fit-state flags (u32): bit 0 = early stopping state present, bit 1 = stopped early; other bits 0
///    E+4     4  monitor (i32, EarlyStoppingMonitor: 1 … 4; 0 without early stopping state)
///    E+8     4  best epoch (i32, ≥ −1)
///   E+12     4  patience counter (i32, ≥ 0)
///   E+16     8  best value (f64)
///   E+24     8  epoch the state leads into (i32), then 4 zero bytes
///   E+32    4P  best weights (f32), only with flag bit 2; E' = the end of the section
///     E'    32  SHA-256 of every byte before it
/// </code>
/// </remarks>
internal static class ModelContainer
{
    public const int Version = 1;
    public const int VersionWithFitState = 2;
    public const uint FlagFitState = 2;
    public const uint FlagBestWeights = 4;
    public const int FitStateSize = 32;
    public const int FixedHeaderSize = 80;
    public const int MaxArchitectureBytes = 65_536;
    public const int ChecksumSize = 32;
    public const uint FlagLearningRate = 1;
    private const int ChunkBytes = 1 << 16;

    private static ReadOnlySpan<byte> Magic => "NGMF"u8;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>What the caller of <see cref="Read"/> expects; null or −1 means "any".</summary>
    public readonly record struct Expectation(string? Architecture, int ParameterCount, bool KeepParameters, int StateCount, bool KeepState);

    /// <summary>A verified file: its header, and the sections the caller asked to keep.</summary>
    public sealed record Contents(ModelFileInfo Info, float[]? Parameters, float[]? State)
    {
        /// <summary>The fit state (version 2 checkpoints), with its best weights when the caller kept the state.</summary>
        public Training.FitState? Fit { get; init; }
    }

    public static void Write(Stream stream, ModelFileKind kind, string architecture, ReadOnlySpan<float> parameters,
        ReadOnlySpan<float> state, long step, int epoch, float? learningRate, Training.FitState? fit = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(architecture);
        byte[] text = StrictUtf8.GetBytes(architecture);
        if (text.Length is 0 or > MaxArchitectureBytes)
            throw new ArgumentException($"The architecture text must be 1 to {MaxArchitectureBytes} UTF-8 bytes; it is {text.Length}.", nameof(architecture));
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "The step must not be negative.");
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "The epoch must not be negative.");
        if (learningRate is { } rate && !(float.IsFinite(rate) && rate >= 0))
            throw new ArgumentOutOfRangeException(nameof(learningRate), rate, "The learning rate must be a finite, non-negative number.");

        if (fit is not null && kind != ModelFileKind.Checkpoint) throw new ArgumentException("Only checkpoints carry a fit state.", nameof(fit));
        ReadOnlySpan<float> bestWeights = fit is { HasEarlyStopping: true } ? fit.BestWeights : default;
        if (!bestWeights.IsEmpty && bestWeights.Length != parameters.Length)
            throw new ArgumentException($"The fit state's best weights hold {bestWeights.Length} values; the model has {parameters.Length} parameters.", nameof(fit));

        int dataOffset = DataOffset(text.Length);
        byte[] header = new byte[dataOffset];
        uint flags = (learningRate.HasValue ? FlagLearningRate : 0u) | (fit is not null ? FlagFitState : 0u) | (!bestWeights.IsEmpty ? FlagBestWeights : 0u);
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), fit is not null ? (ushort)VersionWithFitState : (ushort)Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), (ushort)kind);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), (uint)text.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), parameters.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), state.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(32), step);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(40), epoch);
        BinaryPrimitives.WriteSingleLittleEndian(header.AsSpan(44), learningRate ?? 0f);
        SHA256.HashData(text, header.AsSpan(48, 32));
        text.CopyTo(header.AsSpan(FixedHeaderSize));

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        stream.Write(header);
        hash.AppendData(header);
        WriteFloats(stream, hash, parameters);
        WriteFloats(stream, hash, state);
        if (fit is not null)
        {
            Span<byte> section = stackalloc byte[FitStateSize];
            section.Clear();
            bool early = fit.HasEarlyStopping;
            BinaryPrimitives.WriteUInt32LittleEndian(section, (early ? 1u : 0u) | (early && fit.StoppedEarly ? 2u : 0u));
            BinaryPrimitives.WriteInt32LittleEndian(section.Slice(4), early ? (int)fit.Monitor : 0);
            BinaryPrimitives.WriteInt32LittleEndian(section.Slice(8), early ? fit.BestEpoch : -1);
            BinaryPrimitives.WriteInt32LittleEndian(section.Slice(12), early ? fit.Wait : 0);
            BinaryPrimitives.WriteDoubleLittleEndian(section.Slice(16), early ? fit.BestValue : 0);
            BinaryPrimitives.WriteInt32LittleEndian(section.Slice(24), fit.Epoch);
            stream.Write(section);
            hash.AppendData(section);
            WriteFloats(stream, hash, bestWeights);
        }
        Span<byte> checksum = stackalloc byte[ChecksumSize];
        hash.GetHashAndReset(checksum);
        stream.Write(checksum);
    }

    /// <summary>
    /// Reads one container from <paramref name="stream"/> (exactly its bytes, nothing after), verifies all of it, and
    /// returns what <paramref name="expect"/> asks to keep. Throws <see cref="ModelFormatException"/> on any defect.
    /// </summary>
    /// <param name="stream">Positioned at the container's first byte.</param>
    /// <param name="source">Names the file in messages, e.g. <c>'model.ngmf'</c>.</param>
    /// <param name="knownLength">The container's length when known (a whole file), to reject truncation and trailing bytes up front.</param>
    /// <param name="expect">What the caller needs.</param>
    public static Contents Read(Stream stream, string source, long? knownLength, Expectation expect)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        // Fixed header: magic and version first, so a foreign or future file gets the right message even when short.
        byte[] fixedHeader = new byte[FixedHeaderSize];
        int got = stream.ReadAtLeast(fixedHeader, FixedHeaderSize, throwOnEndOfStream: false);
        if (got >= 4 && !fixedHeader.AsSpan(0, 4).SequenceEqual(Magic))
            throw NotAModelFile(source, fixedHeader.AsSpan(0, got));
        int fileVersion = 0;
        if (got >= 6)
        {
            fileVersion = BinaryPrimitives.ReadUInt16LittleEndian(fixedHeader.AsSpan(4));
            if (fileVersion is not (Version or VersionWithFitState))
                throw new ModelFormatException(ModelFormatError.UnsupportedVersion,
                    $"{source} is a NetGen model file of format version {fileVersion}; this build of NetGen reads versions {Version} and {VersionWithFitState} only" +
                    (fileVersion > VersionWithFitState ? " (it was written by a newer NetGen: update NetGen to load it)." : "."));
        }
        if (got < FixedHeaderSize)
            throw new ModelFormatException(ModelFormatError.Truncated,
                $"{source} is truncated: it ends after {got} bytes, inside the {FixedHeaderSize}-byte header.");
        hash.AppendData(fixedHeader);

        var kind = (ModelFileKind)BinaryPrimitives.ReadUInt16LittleEndian(fixedHeader.AsSpan(6));
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(fixedHeader.AsSpan(8));
        uint textLength = BinaryPrimitives.ReadUInt32LittleEndian(fixedHeader.AsSpan(12));
        long parameterCount = BinaryPrimitives.ReadInt64LittleEndian(fixedHeader.AsSpan(16));
        long stateCount = BinaryPrimitives.ReadInt64LittleEndian(fixedHeader.AsSpan(24));
        long step = BinaryPrimitives.ReadInt64LittleEndian(fixedHeader.AsSpan(32));
        int epoch = BinaryPrimitives.ReadInt32LittleEndian(fixedHeader.AsSpan(40));
        float learningRate = BinaryPrimitives.ReadSingleLittleEndian(fixedHeader.AsSpan(44));

        // The fields that decide how much to read are checked before anything is read.
        if (textLength is 0 or > MaxArchitectureBytes)
            throw Corrupt(source, $"its architecture text length is {textLength} bytes; it must be 1 to {MaxArchitectureBytes}");
        if (parameterCount is < 0 or > int.MaxValue)
            throw Corrupt(source, $"its parameter count is {parameterCount}");
        if (stateCount is < 0 or > int.MaxValue)
            throw Corrupt(source, $"its optimizer-state count is {stateCount}");

        int dataOffset = DataOffset((int)textLength);
        byte[] textAndPadding = new byte[dataOffset - FixedHeaderSize];
        got = stream.ReadAtLeast(textAndPadding, textAndPadding.Length, throwOnEndOfStream: false);
        if (got < textAndPadding.Length)
            throw new ModelFormatException(ModelFormatError.Truncated,
                $"{source} is truncated: it ends after {FixedHeaderSize + got} bytes, inside the {dataOffset}-byte header.");
        hash.AppendData(textAndPadding);

        // The architecture text carries its own hash, so a damaged text is told apart from another architecture
        // before the (possibly large) data is read.
        ReadOnlySpan<byte> text = textAndPadding.AsSpan(0, (int)textLength);
        Span<byte> textHash = stackalloc byte[32];
        SHA256.HashData(text, textHash);
        if (!textHash.SequenceEqual(fixedHeader.AsSpan(48, 32)))
            throw Corrupt(source, "its architecture text does not match the SHA-256 stored beside it (the header is damaged)");
        string architecture;
        try
        {
            architecture = StrictUtf8.GetString(text);
        }
        catch (DecoderFallbackException e)
        {
            throw Corrupt(source, "its architecture text is not valid UTF-8", e);
        }

        if (expect.Architecture is { } expectedArchitecture && !string.Equals(architecture, expectedArchitecture, StringComparison.Ordinal))
            throw new ModelFormatException(ModelFormatError.ArchitectureMismatch,
                $"{source} was saved from a different architecture.{Environment.NewLine}" +
                $"  file:  {architecture}{Environment.NewLine}" +
                $"  model: {expectedArchitecture}",
                expectedArchitecture, architecture);
        if (expect.ParameterCount >= 0 && parameterCount != expect.ParameterCount)
            throw Corrupt(source, $"its header says {parameterCount} parameters, but its architecture ({architecture}) has {expect.ParameterCount}");

        // Version 2's fit-state section: its size follows from the flags, so it too is known before anything is read.
        bool hasFit = (flags & FlagFitState) != 0, hasBest = (flags & FlagBestWeights) != 0;
        if (hasFit != (fileVersion == VersionWithFitState))
            throw Corrupt(source, hasFit ? $"it is of format version {fileVersion} but announces a fit state (version {VersionWithFitState} only)" : $"it is of format version {fileVersion} but has no fit state");
        if (hasBest && !hasFit) throw Corrupt(source, "it announces best weights without a fit state");
        long fitBytes = hasFit ? FitStateSize + (hasBest ? 4 * parameterCount : 0) : 0;
        long total = dataOffset + 4 * parameterCount + 4 * stateCount + fitBytes + ChecksumSize;
        if (knownLength is { } length)
        {
            if (length < total)
                throw Truncated(source, length, total, parameterCount, stateCount);
            if (length > total)
                throw Corrupt(source, $"it has {length - total} bytes after its checksum (its header announces {total} bytes in all)");
        }

        // Data: kept where asked for, otherwise hashed and dropped, so nothing is allocated for a corrupt count.
        long position = dataOffset;
        float[]? parameters = expect.KeepParameters ? new float[parameterCount] : null;
        ReadFloats(stream, hash, parameters, parameterCount, source, ref position, total, parameterCount, stateCount);
        float[]? state = expect.KeepState && stateCount == expect.StateCount ? new float[stateCount] : null;
        ReadFloats(stream, hash, state, stateCount, source, ref position, total, parameterCount, stateCount);
        byte[]? fitSection = null;
        float[]? bestWeights = null;
        if (hasFit)
        {
            fitSection = new byte[FitStateSize];
            got = stream.ReadAtLeast(fitSection, FitStateSize, throwOnEndOfStream: false);
            if (got < FitStateSize) throw Truncated(source, position + got, total, parameterCount, stateCount);
            hash.AppendData(fitSection);
            position += FitStateSize;
            if (hasBest)
            {
                bestWeights = expect.KeepState ? new float[parameterCount] : null;
                ReadFloats(stream, hash, bestWeights, parameterCount, source, ref position, total, parameterCount, stateCount);
            }
        }

        byte[] stored = new byte[ChecksumSize];
        got = stream.ReadAtLeast(stored, ChecksumSize, throwOnEndOfStream: false);
        if (got < ChecksumSize) throw Truncated(source, position + got, total, parameterCount, stateCount);
        Span<byte> computed = stackalloc byte[ChecksumSize];
        hash.GetHashAndReset(computed);
        if (!computed.SequenceEqual(stored))
            throw new ModelFormatException(ModelFormatError.ChecksumMismatch,
                $"{source} is corrupt: its SHA-256 checksum does not match its contents (the file was damaged or altered after it was written).");

        // The checksum holds, so what follows can only come from a faulty or foreign writer; still, never trust it.
        if (kind is not (ModelFileKind.Model or ModelFileKind.Checkpoint))
            throw Corrupt(source, $"its kind is {(int)kind}; 1 (model) and 2 (checkpoint) are defined");
        const uint knownFlags = FlagLearningRate | FlagFitState | FlagBestWeights;
        if ((flags & ~knownFlags) != 0)
            throw Corrupt(source, $"it sets unknown flags 0x{flags & ~knownFlags:x8}");
        if (hasFit && kind != ModelFileKind.Checkpoint)
            throw Corrupt(source, "it is a model file but carries a fit state");
        Training.FitState? fit = null;
        if (fitSection is not null)
        {
            uint fitFlags = BinaryPrimitives.ReadUInt32LittleEndian(fitSection);
            int monitor = BinaryPrimitives.ReadInt32LittleEndian(fitSection.AsSpan(4));
            int bestEpoch = BinaryPrimitives.ReadInt32LittleEndian(fitSection.AsSpan(8));
            int wait = BinaryPrimitives.ReadInt32LittleEndian(fitSection.AsSpan(12));
            double bestValue = BinaryPrimitives.ReadDoubleLittleEndian(fitSection.AsSpan(16));
            int fitEpoch = BinaryPrimitives.ReadInt32LittleEndian(fitSection.AsSpan(24));
            uint reserved = BinaryPrimitives.ReadUInt32LittleEndian(fitSection.AsSpan(28));
            bool early = (fitFlags & 1) != 0;
            if ((fitFlags & ~3u) != 0 || reserved != 0 || (!early && (fitFlags != 0 || monitor != 0 || bestEpoch != -1 || wait != 0 || bestValue != 0 || hasBest))
                || (early && (monitor is < 1 or > 4 || bestEpoch < -1 || bestEpoch >= fitEpoch || wait < 0 || (bestEpoch >= 0 && double.IsNaN(bestValue)) || (hasBest && bestEpoch < 0)))
                || fitEpoch != epoch)
                throw Corrupt(source, "its fit state (early stopping) holds values no writer produces");
            fit = new Training.FitState
            {
                Epoch = fitEpoch,
                HasEarlyStopping = early,
                Monitor = early ? (Training.EarlyStoppingMonitor)monitor : Training.EarlyStoppingMonitor.Auto,
                BestEpoch = bestEpoch,
                BestValue = bestValue,
                Wait = wait,
                StoppedEarly = (fitFlags & 2) != 0,
                BestWeightsArray = bestWeights,
            };
        }
        for (int i = (int)textLength; i < textAndPadding.Length; i++)
            if (textAndPadding[i] != 0) throw Corrupt(source, "the padding after its architecture text is not zero");
        bool hasRate = (flags & FlagLearningRate) != 0;
        if (kind == ModelFileKind.Model && (stateCount != 0 || step != 0 || epoch != 0 || hasRate || learningRate != 0))
            throw Corrupt(source, "it is a model file but carries optimizer state, a step, an epoch or a learning rate");
        if (step < 0) throw Corrupt(source, $"its step is {step}");
        if (epoch < 0) throw Corrupt(source, $"its epoch is {epoch}");
        if (hasRate ? !(float.IsFinite(learningRate) && learningRate >= 0) : BitConverter.SingleToInt32Bits(learningRate) != 0)
            throw Corrupt(source, $"its learning rate is {learningRate}");

        var info = new ModelFileInfo(kind, fileVersion, architecture, Convert.ToHexStringLower(fixedHeader.AsSpan(48, 32)),
            (int)parameterCount, (int)stateCount, step, epoch, hasRate ? learningRate : null, total)
        { HasFitState = hasFit };
        return new Contents(info, parameters, state) { Fit = fit };
    }

    /// <summary>
    /// Throws <see cref="ModelFormatError.NonFiniteValue"/> naming the first NaN or infinity in <paramref name="values"/>
    /// (and its tensor, when <paramref name="blocks"/> place it).
    /// </summary>
    public static void RefuseNonFinite(ReadOnlySpan<float> values, string source, string what, IReadOnlyList<ParameterBlock>? blocks, string option)
    {
        int index = NonFinite.IndexOf(values);
        if (index < 0) return;
        string where = NonFinite.Locate(blocks, index);
        throw new ModelFormatException(ModelFormatError.NonFiniteValue,
            $"{source} holds a non-finite {what}: {NonFinite.Describe(values[index])} at index {index}{(where.Length > 0 ? $" ({where})" : "")}. " +
            $"The model it was saved from had diverged; set {option} to load it anyway.");
    }

    /// <summary>The offset of the data: the fixed header and the architecture text, rounded up to a multiple of 8.</summary>
    private static int DataOffset(int textLength) => (FixedHeaderSize + textLength + 7) & ~7;

    private static void WriteFloats(Stream stream, IncrementalHash hash, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values);
            stream.Write(bytes);
            hash.AppendData(bytes);
            return;
        }
        byte[] chunk = new byte[Math.Min(ChunkBytes, values.Length * 4)];
        for (int start = 0; start < values.Length;)
        {
            int n = Math.Min(chunk.Length / 4, values.Length - start);
            for (int i = 0; i < n; i++) BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(4 * i), values[start + i]);
            stream.Write(chunk, 0, 4 * n);
            hash.AppendData(chunk, 0, 4 * n);
            start += n;
        }
    }

    private static void ReadFloats(Stream stream, IncrementalHash hash, float[]? destination, long count, string source,
        ref long position, long total, long parameterCount, long stateCount)
    {
        if (destination is not null)
        {
            Span<byte> bytes = MemoryMarshal.AsBytes(destination.AsSpan());
            int got = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (got < bytes.Length) throw Truncated(source, position + got, total, parameterCount, stateCount);
            hash.AppendData(bytes);
            position += bytes.Length;
            if (!BitConverter.IsLittleEndian)
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(4 * i));
            return;
        }

        long remaining = 4 * count;
        if (remaining == 0) return;
        byte[] chunk = new byte[(int)Math.Min(ChunkBytes, remaining)];
        while (remaining > 0)
        {
            int want = (int)Math.Min(chunk.Length, remaining);
            int got = stream.ReadAtLeast(chunk.AsSpan(0, want), want, throwOnEndOfStream: false);
            if (got < want) throw Truncated(source, position + got, total, parameterCount, stateCount);
            hash.AppendData(chunk, 0, want);
            position += want;
            remaining -= want;
        }
    }

    private static ModelFormatException NotAModelFile(string source, ReadOnlySpan<byte> start)
    {
        string hint = "";
        // A safetensors file starts with a little-endian header length, then '{'.
        if (start.Length >= 9 && start[8] == (byte)'{' && BinaryPrimitives.ReadUInt64LittleEndian(start) < SafeTensors.MaxHeaderLength)
            hint = " It looks like a safetensors file: use SafeTensors.Import.";
        return new ModelFormatException(ModelFormatError.NotAModelFile,
            $"{source} is not a NetGen model file or checkpoint: it starts with {Convert.ToHexString(start[..4])} instead of the magic \"NGMF\".{hint}");
    }

    private static ModelFormatException Truncated(string source, long length, long total, long parameterCount, long stateCount) =>
        new(ModelFormatError.Truncated,
            $"{source} is truncated: it ends after {length} bytes, but its header announces {total} bytes ({parameterCount} parameters, {stateCount} optimizer-state values).");

    private static ModelFormatException Corrupt(string source, string what, Exception? inner = null) =>
        new(ModelFormatError.Corrupt, $"{source} is corrupt: {what}.", innerException: inner);
}
