using System;
using System.Collections.Generic;
using System.IO;

namespace NetGen.Data;

/// <summary>
/// Handles NaN and infinite features in a loaded dataset with a <see cref="MissingValuePolicy"/>:
/// <see cref="MissingValuePolicy.Reject"/> throws naming the sample and feature index,
/// <see cref="MissingValuePolicy.DropRow"/> leaves those samples out, and
/// <see cref="MissingValuePolicy.ImputeColumnMean"/> replaces them with the mean of the feature's finite values in
/// the data given to <see cref="Fit"/> (the training split), so other splits are imputed with training statistics.
/// Labels and targets are not inspected.
/// </summary>
public sealed class Cleaner : IPreprocessor
{
    private float[]? _means;

    /// <summary>Creates a cleaner. <see cref="MissingValuePolicy.Keep"/> is not a cleaning policy and is refused.</summary>
    public Cleaner(MissingValuePolicy policy)
    {
        if (policy is not (MissingValuePolicy.Reject or MissingValuePolicy.DropRow or MissingValuePolicy.ImputeColumnMean))
            throw new ArgumentOutOfRangeException(nameof(policy), policy, "A cleaner rejects, drops or imputes; Keep would do nothing.");
        Policy = policy;
    }

    /// <summary>The policy.</summary>
    public MissingValuePolicy Policy { get; }

    /// <summary>True when transforming is possible: always for Reject and DropRow, after <see cref="Fit"/> for ImputeColumnMean.</summary>
    public bool IsFitted => Policy != MissingValuePolicy.ImputeColumnMean || _means is not null;

    /// <summary>The per-feature means used for imputation (empty unless fitted with ImputeColumnMean).</summary>
    public ReadOnlySpan<float> Means => _means;

    /// <summary>Cleans <paramref name="data"/> with statistics from the same data.</summary>
    public static Dataset Clean(Dataset data, MissingValuePolicy policy) => new Cleaner(policy).FitTransform(data);

    /// <summary>Under ImputeColumnMean learns each feature's mean over its finite values; otherwise only checks the argument.</summary>
    /// <exception cref="InvalidDataException">A feature has no finite value (ImputeColumnMean).</exception>
    public void Fit(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (Policy != MissingValuePolicy.ImputeColumnMean) return;
        int n = data.FeatureSize;
        var sums = new double[n];
        var counts = new int[n];
        float[] x = data.Features;
        for (int s = 0; s < data.Count; s++)
        {
            for (int f = 0; f < n; f++)
            {
                float v = x[s * n + f];
                if (float.IsFinite(v)) { sums[f] += v; counts[f]++; }
            }
        }
        var means = new float[n];
        for (int f = 0; f < n; f++)
        {
            if (counts[f] == 0)
                throw new InvalidDataException($"Feature {f} has no finite value in the {data.Count} samples, so there is no mean to impute.");
            means[f] = (float)(sums[f] / counts[f]);
        }
        _means = means;
    }

    /// <summary>A cleaned copy of <paramref name="data"/>.</summary>
    /// <exception cref="InvalidDataException">Reject: a feature is NaN or infinite (the message names sample and feature index).</exception>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!IsFitted) throw new InvalidOperationException("A Cleaner with ImputeColumnMean must be fitted (Fit on the training split) before it transforms data.");
        int n = data.FeatureSize;
        float[] x = data.Features;
        switch (Policy)
        {
            case MissingValuePolicy.Reject:
            {
                int i = Array.FindIndex(x, v => !float.IsFinite(v));
                if (i >= 0)
                    throw new InvalidDataException($"Sample {i / n}, feature {i % n} is {x[i]} (MissingValuePolicy.Reject).");
                return data.WithFeatures((float[])x.Clone());
            }
            case MissingValuePolicy.DropRow:
            {
                var keep = new List<int>(data.Count);
                for (int s = 0; s < data.Count; s++)
                    if (AllFinite(x.AsSpan(s * n, n))) keep.Add(s);
                return data.Subset(keep.ToArray());
            }
            default:
            {
                float[] means = _means!;
                if (means.Length != n)
                    throw new ArgumentException($"The cleaner was fitted on {means.Length} features; this dataset has {n}.", nameof(data));
                var y = (float[])x.Clone();
                for (int i = 0; i < y.Length; i++)
                    if (!float.IsFinite(y[i])) y[i] = means[i % n];
                return data.WithFeatures(y);
            }
        }
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) return false;
        return true;
    }
}
