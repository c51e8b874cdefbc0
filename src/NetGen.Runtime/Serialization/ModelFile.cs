using System;
using System.Collections.Generic;
using System.IO;

namespace NetGen.Serialization;

/// <summary>
/// Saves and loads a model's parameters in NetGen's own binary format (<c>.ngmf</c> by convention): a versioned
/// header naming the architecture, the parameters as little-endian float32, and a SHA-256 checksum of it all.
/// </summary>
/// <remarks>
/// <para>Loading is all-or-nothing: the file is read and verified (magic, version, architecture, lengths, checksum)
/// into a buffer before a single parameter of the model changes; any defect throws <see cref="ModelFormatException"/>.</para>
/// <para>Saving to a path is atomic: the file is written under a temporary name in the same folder, flushed to disk,
/// then renamed over the target, so a crash mid-save leaves the previous file intact.</para>
/// <para>The architecture must match exactly (<see cref="IModel.Architecture"/>, which includes the loss and the
/// optimizer's name).</para>
/// <para>Layout (format version 1, shared with <see cref="Checkpoint"/>; integers and floats little-endian). A
/// checkpoint saved with a <see cref="Training.FitState"/> is version 2: flag bit 1 set (bit 2 when it holds best
/// weights), and after the optimizer state a 32-byte section (fit-state flags u32, monitor i32, best epoch i32,
/// patience counter i32, best value f64, epoch i32, 4 zero bytes), then P best weights (f32) with flag bit 2, then the
/// checksum. Every other file is written as version 1; both versions load.</para>
/// <code>
/// offset  size  field
///      0     4  magic "NGMF"
///      4     2  format version (u16) = 1
///      6     2  kind (u16): 1 = model, 2 = checkpoint
///      8     4  flags (u32): bit 0 = learning rate present; other bits 0
///     12     4  A = architecture text length in UTF-8 bytes (u32, 1 … 65,536)
///     16     8  P = parameter count (i64)
///     24     8  S = optimizer-state count (i64; 0 in model files)
///     32     8  optimizer step (i64; 0 in model files)
///     40     4  epoch to resume from (i32; 0 in model files)
///     44     4  learning rate (f32; 0 unless flag bit 0)
///     48    32  SHA-256 of the architecture text
///     80     A  architecture text (UTF-8), then zero bytes up to a multiple of 8: the data offset D
///      D    4P  parameters (f32), in IModel.Parameters order
///   D+4P    4S  optimizer state (f32), in ITrainer.OptimizerState order
/// D+4P+4S   32  SHA-256 of every byte before it
/// </code>
/// </remarks>
public static class ModelFile
{
    /// <summary>Saves <paramref name="model"/>'s parameters to <paramref name="path"/>, atomically.</summary>
    /// <exception cref="IOException">The file could not be written; the previous file, if any, is unchanged.</exception>
    public static void Save(IModel model, string path) => Save(model, path, openTemporary: null);

    /// <summary>Writes <paramref name="model"/>'s parameters to <paramref name="stream"/> at its position.</summary>
    public static void Save(IModel model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        ModelContainer.Write(stream, ModelFileKind.Model, model.Architecture, model.Parameters, ReadOnlySpan<float>.Empty, 0, 0, null);
    }

    /// <summary>Test seam: <paramref name="openTemporary"/> opens the temporary file.</summary>
    internal static void Save(IModel model, string path, Func<string, Stream>? openTemporary)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, stream => Save(model, stream), openTemporary);
    }

    /// <summary>
    /// Loads parameters saved by <see cref="Save(IModel, string)"/> (or by <see cref="Checkpoint.Save(ITrainer, int, string, Training.FitState?)"/>,
    /// whose optimizer state is then ignored) into <paramref name="model"/>, which must have the same architecture.
    /// </summary>
    /// <param name="model">The model to load into.</param>
    /// <param name="path">The model file or checkpoint.</param>
    /// <param name="options">Settings; null means <see cref="ModelFileOptions.Default"/> (non-finite parameters refused).</param>
    /// <exception cref="ModelFormatException">The file is not a NetGen model file, has another format version or
    /// architecture, is truncated or corrupt, or holds a NaN or infinite parameter
    /// (<see cref="ModelFormatError.NonFiniteValue"/>, unless <see cref="ModelFileOptions.AllowNonFiniteValues"/>).
    /// The model is unchanged.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static void Load(IModel model, string path, ModelFileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = OpenRead(path);
        Load(model, stream, $"'{path}'", stream.Length, options ?? ModelFileOptions.Default);
    }

    /// <summary>
    /// Loads parameters from <paramref name="stream"/> (from its position; exactly the saved bytes are read) into
    /// <paramref name="model"/>. See <see cref="Load(IModel, string, ModelFileOptions?)"/>.
    /// </summary>
    public static void Load(IModel model, Stream stream, ModelFileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        Load(model, stream, "The stream", knownLength: null, options ?? ModelFileOptions.Default);
    }

    /// <summary>Reads and verifies the header and checksum of a model file or checkpoint, without a model.</summary>
    /// <exception cref="ModelFormatException">The file is not a valid NetGen model file or checkpoint.</exception>
    public static ModelFileInfo ReadInfo(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = OpenRead(path);
        return ModelContainer.Read(stream, $"'{path}'", stream.Length, new ModelContainer.Expectation(null, -1, false, -1, false)).Info;
    }

    /// <summary>Reads and verifies one model file or checkpoint from <paramref name="stream"/>, without a model.</summary>
    public static ModelFileInfo ReadInfo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ModelContainer.Read(stream, "The stream", null, new ModelContainer.Expectation(null, -1, false, -1, false)).Info;
    }

    internal static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);

    private static void Load(IModel model, Stream stream, string source, long? knownLength, ModelFileOptions options)
    {
        Span<float> target = model.Parameters;
        if (target.Length != model.ParameterCount)
            throw new ArgumentException($"The model's Parameters span has {target.Length} floats but its ParameterCount is {model.ParameterCount}.", nameof(model));
        ModelContainer.Contents contents = ModelContainer.Read(stream, source, knownLength,
            new ModelContainer.Expectation(model.Architecture, model.ParameterCount, KeepParameters: true, StateCount: -1, KeepState: false));
        if (!options.AllowNonFiniteValues)
            ModelContainer.RefuseNonFinite(contents.Parameters, source, "parameter", model.ParameterBlocks, "ModelFileOptions.AllowNonFiniteValues");
        contents.Parameters.AsSpan().CopyTo(target);
    }
}
