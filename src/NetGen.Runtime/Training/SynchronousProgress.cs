using System;

namespace NetGen.Training;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its handler at once, on the reporting thread. Unlike
/// <see cref="Progress{T}"/> it neither posts to a synchronization context nor allocates per report, so a progress
/// bar fed from <see cref="Fitter.Fit"/> sees every batch, in order, before the next one trains.
/// </summary>
/// <typeparam name="T">The progress value.</typeparam>
public sealed class SynchronousProgress<T> : IProgress<T>
{
    private readonly Action<T> _handler;

    /// <summary>Creates the progress sink.</summary>
    public SynchronousProgress(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
    }

    /// <inheritdoc/>
    public void Report(T value) => _handler(value);
}
