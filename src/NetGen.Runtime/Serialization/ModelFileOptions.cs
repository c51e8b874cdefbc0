namespace NetGen.Serialization;

/// <summary>Settings of <see cref="ModelFile.Load(IModel, string, ModelFileOptions?)"/> and <see cref="Checkpoint"/>'s loading.</summary>
public sealed record ModelFileOptions
{
    /// <summary>The defaults: non-finite values refused.</summary>
    public static ModelFileOptions Default { get; } = new();

    /// <summary>
    /// Load parameters (and optimizer state) that hold NaN or infinities. By default such a file is refused with a
    /// <see cref="ModelFormatException"/> (<see cref="ModelFormatError.NonFiniteValue"/>) naming the first such
    /// value: the model it was saved from had diverged, and it would answer NaN or garbage. Default false.
    /// </summary>
    public bool AllowNonFiniteValues { get; init; }
}
