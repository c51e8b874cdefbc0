using System;
using System.IO;

namespace NetGen.Serialization;

/// <summary>What was wrong with a model file, checkpoint or safetensors file.</summary>
public enum ModelFormatError
{
    /// <summary>The file does not start with the expected magic: it is not a NetGen model file or checkpoint.</summary>
    NotAModelFile = 1,

    /// <summary>The file was written in a format version this build does not read.</summary>
    UnsupportedVersion,

    /// <summary>The file ends before the length its header announces.</summary>
    Truncated,

    /// <summary>The stored checksum does not match the contents: the file was altered or damaged.</summary>
    ChecksumMismatch,

    /// <summary>A header field holds a value that no writer produces (damage, or a file from an incompatible writer).</summary>
    Corrupt,

    /// <summary>The file was saved from a network with a different architecture.</summary>
    ArchitectureMismatch,

    /// <summary>A model file was given where a checkpoint is needed.</summary>
    WrongKind,

    /// <summary>A checkpoint's optimizer state does not fit the trainer (e.g. SGD without momentum keeps none, with momentum one value per parameter).</summary>
    OptimizerStateMismatch,

    /// <summary>A safetensors header is not valid: its length, its JSON, or a field of it.</summary>
    InvalidHeader,

    /// <summary>A safetensors tensor has a dtype other than F32.</summary>
    UnsupportedDtype,

    /// <summary>A safetensors file lacks a tensor the model needs.</summary>
    MissingTensor,

    /// <summary>A safetensors file holds a tensor the model does not have.</summary>
    UnexpectedTensor,

    /// <summary>A safetensors tensor has a shape other than the model's.</summary>
    ShapeMismatch,

    /// <summary>Safetensors data offsets are out of range, overlap, leave holes, or disagree with the dtype and shape.</summary>
    InvalidOffsets,

    /// <summary>
    /// A parameter (or optimizer-state value) is NaN or infinite: the model had diverged when it was saved. Refused
    /// unless <see cref="ModelFileOptions.AllowNonFiniteValues"/> or <see cref="SafeTensorsOptions.AllowNonFiniteValues"/> is set.
    /// </summary>
    NonFiniteValue,
}

/// <summary>
/// A model file, checkpoint or safetensors file could not be loaded. Nothing was changed: loaders verify the whole
/// file before they copy anything into a model or trainer.
/// </summary>
public sealed class ModelFormatException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ModelFormatException(ModelFormatError error, string message, string? expectedArchitecture = null, string? fileArchitecture = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        ExpectedArchitecture = expectedArchitecture;
        FileArchitecture = fileArchitecture;
    }

    /// <summary>Which check failed.</summary>
    public ModelFormatError Error { get; }

    /// <summary>The architecture of the model being loaded into, when the error concerns architectures.</summary>
    public string? ExpectedArchitecture { get; }

    /// <summary>The architecture the file was saved from, when the error concerns architectures.</summary>
    public string? FileArchitecture { get; }
}
