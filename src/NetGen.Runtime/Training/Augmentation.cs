using System;

namespace NetGen.Training;

/// <summary>
/// Random changes to a training batch's inputs, made by <see cref="Fitter.Fit"/> on its own copy of the batch just before
/// the step (Keras's preprocessing layers <c>RandomFlip</c> and <c>RandomTranslation</c>, which are active in training
/// only). Validation, <c>Evaluate</c> and <c>Predict</c> see the data as it is. The random stream is seeded from
/// <see cref="FitOptions.Seed"/> and the epoch, so a run is reproducible, and a resumed epoch draws what it drew before.
/// </summary>
public abstract class Augmentation
{
    /// <summary>
    /// Changes <paramref name="inputs"/> in place: <paramref name="batch"/> samples of the data set's
    /// <paramref name="sampleShape"/>, one after another.
    /// </summary>
    /// <param name="inputs">The batch, row after row; this is Fit's copy, never the data set.</param>
    /// <param name="batch">Samples in the batch.</param>
    /// <param name="sampleShape">The shape of one sample (<see cref="Data.Dataset.SampleShape"/>), e.g. [28, 28, 1].</param>
    /// <param name="random">The epoch's random stream; draw from it in a fixed order.</param>
    public abstract void Apply(Span<float> inputs, int batch, ReadOnlySpan<int> sampleShape, ref SeededRandom random);

    /// <summary>Throws unless the data's samples are images (height, width[, channels]) this augmentation can work on.</summary>
    public virtual void Check(ReadOnlySpan<int> sampleShape)
    {
        if (sampleShape.Length is not (2 or 3))
            throw new ArgumentException(
                $"{GetType().Name} works on images of shape (height, width) or (height, width, channels); the data's samples have shape [{string.Join(", ", sampleShape.ToArray())}]. Reshape the data set (Dataset.Reshape) first.");
    }

    /// <summary>Height, width and channels of an image sample.</summary>
    private protected static (int Height, int Width, int Channels) Image(ReadOnlySpan<int> shape) =>
        (shape[0], shape[1], shape.Length == 3 ? shape[2] : 1);
}

/// <summary>
/// Mirrors each image left to right (and/or top to bottom) with probability ½, independently per sample (Keras's
/// <c>RandomFlip("horizontal")</c>). Images are (height, width, channels), channels last, as NetGen's image layers take them.
/// </summary>
public sealed class RandomFlip : Augmentation
{
    /// <summary>Creates the augmentation: horizontal flips by default.</summary>
    public RandomFlip(bool horizontal = true, bool vertical = false)
    {
        if (!horizontal && !vertical) throw new ArgumentException("RandomFlip needs horizontal or vertical flips (or both).");
        Horizontal = horizontal;
        Vertical = vertical;
    }

    /// <summary>Left-right flips.</summary>
    public bool Horizontal { get; }

    /// <summary>Top-bottom flips.</summary>
    public bool Vertical { get; }

    /// <inheritdoc/>
    public override void Apply(Span<float> inputs, int batch, ReadOnlySpan<int> sampleShape, ref SeededRandom random)
    {
        var (h, w, c) = Image(sampleShape);
        int size = h * w * c;
        for (int s = 0; s < batch; s++)
        {
            Span<float> image = inputs.Slice(s * size, size);
            if (Horizontal && (random.NextUInt32() & 1) != 0)
            {
                for (int y = 0; y < h; y++)
                {
                    Span<float> row = image.Slice(y * w * c, w * c);
                    for (int x = 0; x < w / 2; x++)
                    {
                        Span<float> left = row.Slice(x * c, c), right = row.Slice((w - 1 - x) * c, c);
                        for (int k = 0; k < c; k++) (left[k], right[k]) = (right[k], left[k]);
                    }
                }
            }
            if (Vertical && (random.NextUInt32() & 1) != 0)
            {
                for (int y = 0; y < h / 2; y++)
                {
                    Span<float> top = image.Slice(y * w * c, w * c), bottom = image.Slice((h - 1 - y) * w * c, w * c);
                    for (int k = 0; k < top.Length; k++) (top[k], bottom[k]) = (bottom[k], top[k]);
                }
            }
        }
    }
}

/// <summary>
/// Shifts each image by a whole number of pixels drawn uniformly from −<see cref="MaxShift"/>…<see cref="MaxShift"/>
/// along each axis, independently per sample, filling what comes in with <see cref="Fill"/> (Keras's
/// <c>RandomTranslation(fill_mode="constant")</c>, in pixels rather than fractions).
/// </summary>
public sealed class RandomTranslation : Augmentation
{
    /// <summary>Creates the augmentation.</summary>
    /// <param name="maxShift">The largest shift in pixels, along both axes.</param>
    /// <param name="fill">The value of the pixels shifted in (the background: 0 for images scaled to [0, 1]).</param>
    public RandomTranslation(int maxShift, float fill = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxShift);
        if (!float.IsFinite(fill)) throw new ArgumentOutOfRangeException(nameof(fill), fill, "The fill value must be finite.");
        MaxShift = maxShift;
        Fill = fill;
    }

    /// <summary>The largest shift in pixels.</summary>
    public int MaxShift { get; }

    /// <summary>The value shifted in.</summary>
    public float Fill { get; }

    /// <inheritdoc/>
    public override void Check(ReadOnlySpan<int> sampleShape)
    {
        base.Check(sampleShape);
        if (MaxShift >= sampleShape[0] || MaxShift >= sampleShape[1])
            throw new ArgumentException($"RandomTranslation's MaxShift ({MaxShift}) must be smaller than the image ({sampleShape[0]}×{sampleShape[1]}).");
    }

    /// <inheritdoc/>
    public override void Apply(Span<float> inputs, int batch, ReadOnlySpan<int> sampleShape, ref SeededRandom random)
    {
        var (h, w, c) = Image(sampleShape);
        int size = h * w * c, span = 2 * MaxShift + 1;
        for (int s = 0; s < batch; s++)
        {
            int dy = random.NextInt(span) - MaxShift, dx = random.NextInt(span) - MaxShift;
            if (dy == 0 && dx == 0) continue;
            Span<float> image = inputs.Slice(s * size, size);
            // output (y, x) reads input (y − dy, x − dx): walk rows so that no row is overwritten before it is read
            int rowLength = w * c;
            for (int i = 0; i < h; i++)
            {
                int y = dy > 0 ? h - 1 - i : i;
                Span<float> target = image.Slice(y * rowLength, rowLength);
                int from = y - dy;
                if (from < 0 || from >= h)
                {
                    target.Fill(Fill);
                    continue;
                }
                Span<float> source = image.Slice(from * rowLength, rowLength);
                // within the row: a move by dx pixels (overlapping copies are safe with Span.CopyTo), then the fill
                if (dx >= 0)
                {
                    source.Slice(0, (w - dx) * c).CopyTo(target.Slice(dx * c));
                    target.Slice(0, dx * c).Fill(Fill);
                }
                else
                {
                    source.Slice(-dx * c).CopyTo(target);
                    target.Slice((w + dx) * c).Fill(Fill);
                }
            }
        }
    }
}
