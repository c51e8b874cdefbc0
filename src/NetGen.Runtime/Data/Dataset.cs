using System;
using System.Collections.Generic;

namespace NetGen.Data;

/// <summary>
/// Samples stored row after row in one contiguous float array, with either integer class labels
/// or float targets (<see cref="TargetSize"/> per sample).
/// </summary>
public sealed class Dataset
{
    private readonly int[] _sampleShape;

    /// <summary>Creates a dataset with integer class labels.</summary>
    public Dataset(float[] features, int[] sampleShape, int[] labels, IReadOnlyList<string>? classNames = null)
        : this(features, sampleShape, labels, null, 0, classNames)
    {
    }

    /// <summary>Creates a dataset without labels or targets (e.g. inputs for inference).</summary>
    public Dataset(float[] features, int[] sampleShape)
        : this(features, sampleShape, null, null, 0, null)
    {
    }

    /// <summary>Creates a dataset with float targets, <paramref name="targetSize"/> per sample.</summary>
    public Dataset(float[] features, int[] sampleShape, float[] targets, int targetSize)
        : this(features, sampleShape, null, targets, targetSize, null)
    {
    }

    private Dataset(float[] features, int[] sampleShape, int[]? labels, float[]? targets, int targetSize, IReadOnlyList<string>? classNames)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(sampleShape);
        if (sampleShape.Length == 0) throw new ArgumentException("The sample shape needs at least one dimension.", nameof(sampleShape));
        long size = 1;
        foreach (int d in sampleShape)
        {
            if (d <= 0) throw new ArgumentException($"Sample dimensions must be positive; got [{string.Join(", ", sampleShape)}].", nameof(sampleShape));
            size *= d;
        }
        if (size > int.MaxValue) throw new ArgumentException("The sample is too large.", nameof(sampleShape));
        FeatureSize = (int)size;
        if (features.Length % FeatureSize != 0)
            throw new ArgumentException($"{features.Length} features is not a whole number of samples of {FeatureSize}.", nameof(features));
        Count = features.Length / FeatureSize;
        if (labels is not null && labels.Length != Count)
            throw new ArgumentException($"{labels.Length} labels for {Count} samples.", nameof(labels));
        if (targets is not null)
        {
            if (targetSize <= 0) throw new ArgumentOutOfRangeException(nameof(targetSize), "The target size must be positive.");
            if (targets.Length != (long)Count * targetSize)
                throw new ArgumentException($"{targets.Length} targets for {Count} samples of {targetSize}.", nameof(targets));
        }
        Features = features;
        _sampleShape = (int[])sampleShape.Clone();
        Labels = labels;
        Targets = targets;
        TargetSize = targets is null ? 0 : targetSize;
        ClassNames = classNames;
    }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>Floats per sample.</summary>
    public int FeatureSize { get; }

    /// <summary>The shape of one sample, e.g. [784] or [28, 28, 1].</summary>
    public ReadOnlySpan<int> SampleShape => _sampleShape;

    /// <summary>All features, sample after sample.</summary>
    public float[] Features { get; }

    /// <summary>Integer class labels, or null when the dataset has float targets.</summary>
    public int[]? Labels { get; }

    /// <summary>Float targets, or null when the dataset has labels.</summary>
    public float[]? Targets { get; }

    /// <summary>Floats per target (0 when the dataset has labels).</summary>
    public int TargetSize { get; }

    /// <summary>Optional names of the classes, index = label.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>True when the dataset has integer labels.</summary>
    public bool HasLabels => Labels is not null;

    /// <summary>True when the dataset has float targets.</summary>
    public bool HasTargets => Targets is not null;

    /// <summary>The features of one sample.</summary>
    public ReadOnlySpan<float> GetFeatures(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        return Features.AsSpan(index * FeatureSize, FeatureSize);
    }

    /// <summary>The number of classes: one more than the largest label (0 for target datasets).</summary>
    public int ClassCount
    {
        get
        {
            if (Labels is null) return 0;
            int max = -1;
            foreach (int l in Labels) if (l > max) max = l;
            return Math.Max(max + 1, ClassNames?.Count ?? 0);
        }
    }

    /// <summary>A new dataset with the given samples, in the given order (copied).</summary>
    public Dataset Subset(ReadOnlySpan<int> indices)
    {
        var features = new float[(long)indices.Length * FeatureSize];
        int[]? labels = Labels is null ? null : new int[indices.Length];
        float[]? targets = Targets is null ? null : new float[(long)indices.Length * TargetSize];
        for (int i = 0; i < indices.Length; i++)
        {
            int src = indices[i];
            if ((uint)src >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), $"Index {src} is outside the {Count} samples.");
            Features.AsSpan(src * FeatureSize, FeatureSize).CopyTo(features.AsSpan(i * FeatureSize));
            if (labels is not null) labels[i] = Labels![src];
            if (targets is not null) Targets.AsSpan(src * TargetSize, TargetSize).CopyTo(targets.AsSpan(i * TargetSize));
        }
        return new Dataset(features, _sampleShape, labels, targets, TargetSize, ClassNames);
    }

    /// <summary>A view of the same data with another sample shape of the same size (e.g. [28,28,1] → [784]).</summary>
    public Dataset Reshape(params int[] sampleShape)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        long size = 1;
        foreach (int d in sampleShape) size *= Math.Max(d, 0);
        if (size != FeatureSize)
            throw new ArgumentException($"Cannot reshape samples of [{string.Join(", ", _sampleShape)}] ({FeatureSize} floats) to [{string.Join(", ", sampleShape)}].", nameof(sampleShape));
        return new Dataset(Features, sampleShape, Labels, Targets, TargetSize, ClassNames);
    }

    /// <summary>
    /// A dataset with other features (same number of samples) and the same labels, targets and class names
    /// (shared, not copied). The sample shape stays unless <paramref name="sampleShape"/> is given.
    /// </summary>
    public Dataset WithFeatures(float[] features, int[]? sampleShape = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        var result = new Dataset(features, sampleShape ?? _sampleShape, Labels, Targets, TargetSize, ClassNames);
        if (result.Count != Count)
            throw new ArgumentException($"{result.Count} samples of {result.FeatureSize} floats for a dataset of {Count} samples.", nameof(features));
        return result;
    }

    /// <summary>The number of samples of each class, index = label (an empty array when the dataset has no labels).</summary>
    public int[] CountPerClass()
    {
        var counts = new int[ClassCount];
        if (Labels is not null)
            foreach (int l in Labels)
                if (l >= 0) counts[l]++;
        return counts;
    }
}
