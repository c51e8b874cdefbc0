using System;
using System.Collections.Generic;
using System.IO;

namespace NetGen.Data;

/// <summary>
/// A data transformation whose parameters are learned from the training split (<see cref="Fit"/>) and then
/// applied unchanged to every split (<see cref="Transform"/>), so test data never leaks into the statistics.
/// </summary>
public interface IPreprocessor
{
    /// <summary>True once the parameters are known (stateless transformations are always fitted).</summary>
    bool IsFitted { get; }

    /// <summary>Learns the parameters from <paramref name="data"/> (normally the training split). Refitting replaces them.</summary>
    void Fit(Dataset data);

    /// <summary>A new dataset with transformed features; labels and targets are carried over. The input is not modified.</summary>
    /// <exception cref="InvalidOperationException">Not fitted yet.</exception>
    Dataset Transform(Dataset data);
}

/// <summary>A preprocessor that maps each sample's features on their own, so it can also run on single samples at inference time.</summary>
public interface IFeatureTransform : IPreprocessor
{
    /// <summary>Transforms whole samples in place (the length must be a multiple of the fitted feature size).</summary>
    /// <exception cref="InvalidOperationException">Not fitted yet.</exception>
    void TransformInPlace(Span<float> samples);
}

/// <summary>Helpers for <see cref="IPreprocessor"/>.</summary>
public static class PreprocessorExtensions
{
    /// <summary>Fits on <paramref name="data"/> and transforms it.</summary>
    public static Dataset FitTransform(this IPreprocessor preprocessor, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(preprocessor);
        preprocessor.Fit(data);
        return preprocessor.Transform(data);
    }
}

/// <summary>Base of the per-feature transformations: fitting, checks and the copy into a new dataset.</summary>
public abstract class FeatureTransform : IFeatureTransform
{
    /// <summary>The feature size seen by <see cref="Fit"/>, or 0 when the transformation works on any size.</summary>
    protected int FittedFeatureSize { get; set; }

    /// <inheritdoc/>
    public abstract bool IsFitted { get; }

    /// <inheritdoc/>
    public abstract void Fit(Dataset data);

    /// <inheritdoc/>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        EnsureFitted();
        CheckSize(data.FeatureSize, nameof(data));
        var features = (float[])data.Features.Clone();
        Apply(features);
        return data.WithFeatures(features);
    }

    /// <inheritdoc/>
    public void TransformInPlace(Span<float> samples)
    {
        EnsureFitted();
        if (FittedFeatureSize > 0 && samples.Length % FittedFeatureSize != 0)
            throw new ArgumentException($"{samples.Length} floats is not a whole number of samples of {FittedFeatureSize} features.", nameof(samples));
        Apply(samples);
    }

    /// <summary>Transforms whole samples in place; called after the checks.</summary>
    protected abstract void Apply(Span<float> samples);

    private void EnsureFitted()
    {
        if (!IsFitted)
            throw new InvalidOperationException($"{GetType().Name} must be fitted (Fit on the training split) before it transforms data.");
    }

    private void CheckSize(int featureSize, string paramName)
    {
        if (FittedFeatureSize > 0 && featureSize != FittedFeatureSize)
            throw new ArgumentException($"{GetType().Name} was fitted on {FittedFeatureSize} features; this dataset has {featureSize}.", paramName);
    }

    /// <summary>Throws when <paramref name="data"/> is empty or holds a NaN or an infinity.</summary>
    protected static void CheckFitData(Dataset data, string who)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new ArgumentException($"{who} cannot be fitted on an empty dataset.", nameof(data));
        int index = Array.FindIndex(data.Features, v => !float.IsFinite(v));
        if (index >= 0)
            throw new InvalidDataException(
                $"{who}: sample {index / data.FeatureSize}, feature {index % data.FeatureSize} is {data.Features[index]}; clean the data first (Cleaner).");
    }
}

/// <summary>Multiplies every feature by a constant (e.g. 1/255 for pixels). Stateless: fitted from the start.</summary>
public sealed class Scale : FeatureTransform
{
    private readonly bool _divide;

    /// <summary>Multiplies by <paramref name="factor"/>.</summary>
    public Scale(float factor)
    {
        if (!float.IsFinite(factor)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must be finite.");
        Factor = factor;
    }

    private Scale(float divisor, bool divide)
    {
        if (!float.IsFinite(divisor) || divisor == 0) throw new ArgumentOutOfRangeException(nameof(divisor), divisor, "The divisor must be finite and non-zero.");
        Factor = 1f / divisor;
        Divisor = divisor;
        _divide = divide;
    }

    /// <summary>Divides by <paramref name="divisor"/> (x / 255 is not always bit-identical to x * (1/255f)).</summary>
    public static Scale DivideBy(float divisor) => new(divisor, divide: true);

    /// <summary>The factor (1 / divisor for <see cref="DivideBy"/>).</summary>
    public float Factor { get; }

    /// <summary>The divisor for <see cref="DivideBy"/>, otherwise null.</summary>
    public float? Divisor { get; }

    /// <inheritdoc/>
    public override bool IsFitted => true;

    /// <summary>Nothing to learn; accepted so pipelines can call it.</summary>
    public override void Fit(Dataset data) => ArgumentNullException.ThrowIfNull(data);

    /// <inheritdoc/>
    protected override void Apply(Span<float> samples)
    {
        if (_divide)
        {
            float d = Divisor!.Value;
            for (int i = 0; i < samples.Length; i++) samples[i] /= d;
        }
        else
        {
            float f = Factor;
            for (int i = 0; i < samples.Length; i++) samples[i] *= f;
        }
    }
}

/// <summary>
/// Maps each feature linearly so that its training minimum and maximum become <see cref="RangeMin"/> and
/// <see cref="RangeMax"/> (default 0 and 1). A feature that is constant in the training data maps to
/// <see cref="RangeMin"/> there (its range is taken as 1, as scikit-learn does): no division by zero.
/// Values outside the training range map outside the target range.
/// </summary>
public sealed class MinMaxScaler : FeatureTransform
{
    private double[]? _min, _max, _scale;

    /// <summary>Creates a scaler to [<paramref name="rangeMin"/>, <paramref name="rangeMax"/>].</summary>
    public MinMaxScaler(float rangeMin = 0f, float rangeMax = 1f)
    {
        if (!float.IsFinite(rangeMin) || !float.IsFinite(rangeMax) || !(rangeMin < rangeMax))
            throw new ArgumentOutOfRangeException(nameof(rangeMax), $"Need finite rangeMin < rangeMax; got [{rangeMin}, {rangeMax}].");
        RangeMin = rangeMin;
        RangeMax = rangeMax;
    }

    /// <summary>The value the training minimum maps to.</summary>
    public float RangeMin { get; }

    /// <summary>The value the training maximum maps to.</summary>
    public float RangeMax { get; }

    /// <inheritdoc/>
    public override bool IsFitted => _min is not null;

    /// <summary>Per-feature training minimum (empty before fitting).</summary>
    public ReadOnlySpan<double> DataMin => _min;

    /// <summary>Per-feature training maximum (empty before fitting).</summary>
    public ReadOnlySpan<double> DataMax => _max;

    /// <inheritdoc/>
    public override void Fit(Dataset data)
    {
        CheckFitData(data, nameof(MinMaxScaler));
        int n = data.FeatureSize;
        var min = new double[n];
        var max = new double[n];
        Array.Fill(min, double.PositiveInfinity);
        Array.Fill(max, double.NegativeInfinity);
        float[] x = data.Features;
        for (int s = 0; s < data.Count; s++)
        {
            int o = s * n;
            for (int f = 0; f < n; f++)
            {
                double v = x[o + f];
                if (v < min[f]) min[f] = v;
                if (v > max[f]) max[f] = v;
            }
        }
        SetStatistics(min, max);
    }

    /// <summary>Restores a fitted scaler from saved minima and maxima.</summary>
    public static MinMaxScaler FromStatistics(ReadOnlySpan<double> dataMin, ReadOnlySpan<double> dataMax, float rangeMin = 0f, float rangeMax = 1f)
    {
        if (dataMin.Length != dataMax.Length || dataMin.Length == 0)
            throw new ArgumentException($"Need as many minima as maxima, at least one; got {dataMin.Length} and {dataMax.Length}.");
        for (int i = 0; i < dataMin.Length; i++)
            if (!double.IsFinite(dataMin[i]) || !double.IsFinite(dataMax[i]) || dataMin[i] > dataMax[i])
                throw new ArgumentException($"Feature {i}: need finite min ≤ max; got {dataMin[i]} and {dataMax[i]}.");
        var scaler = new MinMaxScaler(rangeMin, rangeMax);
        scaler.SetStatistics(dataMin.ToArray(), dataMax.ToArray());
        return scaler;
    }

    private void SetStatistics(double[] min, double[] max)
    {
        var scale = new double[min.Length];
        double width = (double)RangeMax - RangeMin;
        for (int f = 0; f < min.Length; f++)
        {
            double range = max[f] - min[f];
            scale[f] = width / (range == 0 ? 1 : range);
        }
        _min = min;
        _max = max;
        _scale = scale;
        FittedFeatureSize = min.Length;
    }

    /// <inheritdoc/>
    protected override void Apply(Span<float> samples)
    {
        double[] min = _min!, scale = _scale!;
        int n = min.Length;
        double lo = RangeMin;
        for (int o = 0; o < samples.Length; o += n)
        {
            Span<float> row = samples.Slice(o, n);
            for (int f = 0; f < n; f++)
                row[f] = (float)((row[f] - min[f]) * scale[f] + lo);
        }
    }
}

/// <summary>
/// Standardizes each feature with the training mean and (population) standard deviation: (x − mean) / std.
/// A feature with standard deviation 0 is divided by 1 instead.
/// </summary>
public sealed class StandardScaler : FeatureTransform
{
    private double[]? _mean, _std;

    /// <inheritdoc/>
    public override bool IsFitted => _mean is not null;

    /// <summary>Per-feature training mean (empty before fitting).</summary>
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>Per-feature divisor: the training standard deviation, or 1 where that is 0 (empty before fitting).</summary>
    public ReadOnlySpan<double> StandardDeviation => _std;

    /// <inheritdoc/>
    public override void Fit(Dataset data)
    {
        CheckFitData(data, nameof(StandardScaler));
        int n = data.FeatureSize, count = data.Count;
        float[] x = data.Features;
        var mean = new double[n];
        var m2 = new double[n];
        for (int s = 0; s < count; s++)
            for (int f = 0; f < n; f++) mean[f] += x[s * n + f];
        for (int f = 0; f < n; f++) mean[f] /= count;
        for (int s = 0; s < count; s++)
            for (int f = 0; f < n; f++)
            {
                double d = x[s * n + f] - mean[f];
                m2[f] += d * d;
            }
        var std = new double[n];
        for (int f = 0; f < n; f++)
        {
            double sd = Math.Sqrt(m2[f] / count);
            std[f] = sd == 0 ? 1 : sd;
        }
        _mean = mean;
        _std = std;
        FittedFeatureSize = n;
    }

    /// <summary>Restores a fitted scaler from saved means and standard deviations (a 0 becomes 1).</summary>
    public static StandardScaler FromStatistics(ReadOnlySpan<double> mean, ReadOnlySpan<double> standardDeviation)
    {
        if (mean.Length != standardDeviation.Length || mean.Length == 0)
            throw new ArgumentException($"Need as many means as standard deviations, at least one; got {mean.Length} and {standardDeviation.Length}.");
        var std = standardDeviation.ToArray();
        for (int i = 0; i < std.Length; i++)
        {
            if (!double.IsFinite(mean[i]) || !double.IsFinite(std[i]) || std[i] < 0)
                throw new ArgumentException($"Feature {i}: need a finite mean and a finite std ≥ 0; got {mean[i]} and {std[i]}.");
            if (std[i] == 0) std[i] = 1;
        }
        return new StandardScaler { _mean = mean.ToArray(), _std = std, FittedFeatureSize = std.Length };
    }

    /// <inheritdoc/>
    protected override void Apply(Span<float> samples)
    {
        double[] mean = _mean!, std = _std!;
        int n = mean.Length;
        for (int o = 0; o < samples.Length; o += n)
        {
            Span<float> row = samples.Slice(o, n);
            for (int f = 0; f < n; f++)
                row[f] = (float)((row[f] - mean[f]) / std[f]);
        }
    }
}

/// <summary>Runs preprocessors in order; fitting fits each on the output of the previous ones.</summary>
public sealed class PreprocessingPipeline : IPreprocessor
{
    private readonly IPreprocessor[] _steps;

    /// <summary>Creates the pipeline.</summary>
    public PreprocessingPipeline(params IPreprocessor[] steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        foreach (var s in steps) ArgumentNullException.ThrowIfNull(s, nameof(steps));
        _steps = (IPreprocessor[])steps.Clone();
    }

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<IPreprocessor> Steps => _steps;

    /// <inheritdoc/>
    public bool IsFitted => Array.TrueForAll(_steps, s => s.IsFitted);

    /// <inheritdoc/>
    public void Fit(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        for (int i = 0; i < _steps.Length; i++)
        {
            _steps[i].Fit(data);
            if (i + 1 < _steps.Length) data = _steps[i].Transform(data);
        }
    }

    /// <inheritdoc/>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!IsFitted) throw new InvalidOperationException("The pipeline must be fitted before it transforms data.");
        foreach (var s in _steps) data = s.Transform(data);
        if (_steps.Length == 0) data = data.WithFeatures((float[])data.Features.Clone());
        return data;
    }
}
