using NetGen.Data;

namespace NetGen.Runtime.Tests.Data;

public sealed class PreprocessingTests
{
    private static Dataset Rows(float[][] rows, int[]? labels = null)
    {
        var features = rows.SelectMany(r => r).ToArray();
        return new Dataset(features, [rows[0].Length], labels ?? new int[rows.Length]);
    }

    [Fact]
    public void ScaleMultipliesAndDivides()
    {
        var data = Rows([[0f, 51f, 255f]]);
        var scaled = new Scale(1f / 255f).Transform(data);
        Assert.Equal([0f, 51f * (1f / 255f), 255f * (1f / 255f)], scaled.Features);
        var divided = Scale.DivideBy(255f).Transform(data);
        Assert.Equal([0f, 0.2f, 1f], divided.Features);
        Assert.True(new Scale(2).IsFitted);
        Assert.Equal([0f, 51f, 255f], data.Features); // input untouched
        Assert.Throws<ArgumentOutOfRangeException>(() => Scale.DivideBy(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Scale(float.NaN));
    }

    [Fact]
    public void MinMaxScalerExactValues()
    {
        var train = Rows([[0f, 10f, 5f], [5f, 20f, 5f], [10f, 30f, 5f]], [2, 0, 1]);
        var scaler = new MinMaxScaler();
        Assert.False(scaler.IsFitted);
        var t = scaler.FitTransform(train);
        Assert.Equal([0f, 0f, 0f, 0.5f, 0.5f, 0f, 1f, 1f, 0f], t.Features);
        Assert.Equal([2, 0, 1], t.Labels!);
        Assert.Equal([0.0, 10.0, 5.0], scaler.DataMin.ToArray());
        Assert.Equal([10.0, 30.0, 5.0], scaler.DataMax.ToArray());

        // Unseen data uses the training minimum and range; the constant feature has range 1.
        var test = Rows([[20f, 0f, 7f]]);
        Assert.Equal([2f, -0.5f, 2f], scaler.Transform(test).Features);

        var symmetric = new MinMaxScaler(-1f, 1f);
        Assert.Equal([-1f, -1f, -1f, 0f, 0f, -1f, 1f, 1f, -1f], symmetric.FitTransform(train).Features);

        var restored = MinMaxScaler.FromStatistics(scaler.DataMin, scaler.DataMax);
        Assert.Equal([2f, -0.5f, 2f], restored.Transform(test).Features);
    }

    [Fact]
    public void StandardScalerExactValues()
    {
        var train = Rows([[1f, 2f], [3f, 2f], [5f, 2f]]);
        var scaler = new StandardScaler();
        var t = scaler.FitTransform(train);
        double sd = Math.Sqrt(8.0 / 3.0); // population std of 1, 3, 5
        Assert.Equal([3.0, 2.0], scaler.Mean.ToArray());
        Assert.Equal([sd, 1.0], scaler.StandardDeviation.ToArray()); // constant feature: std 0 → 1
        Assert.Equal([(float)(-2 / sd), 0f, 0f, 0f, (float)(2 / sd), 0f], t.Features);

        var test = Rows([[7f, 4f]]);
        Assert.Equal([(float)(4 / sd), 2f], scaler.Transform(test).Features);

        var restored = StandardScaler.FromStatistics([3.0, 2.0], [sd, 0.0]);
        Assert.Equal([(float)(4 / sd), 2f], restored.Transform(test).Features);
    }

    [Fact]
    public void TransformInPlaceForSingleSamples()
    {
        var scaler = new StandardScaler();
        scaler.Fit(Rows([[0f, 0f], [2f, 4f]]));
        Span<float> sample = [3f, 6f];
        scaler.TransformInPlace(sample);
        Assert.Equal([2f, 2f], sample.ToArray());
        Assert.Throws<ArgumentException>(() => scaler.TransformInPlace(new float[3]));
    }

    [Fact]
    public void TransformBeforeFitThrows()
    {
        var data = Rows([[1f]]);
        Assert.Throws<InvalidOperationException>(() => new MinMaxScaler().Transform(data));
        Assert.Throws<InvalidOperationException>(() => new StandardScaler().Transform(data));
        Assert.Throws<InvalidOperationException>(() => new StandardScaler().TransformInPlace(new float[1]));
        Assert.Throws<InvalidOperationException>(() => new Cleaner(MissingValuePolicy.ImputeColumnMean).Transform(data));
        Assert.Throws<InvalidOperationException>(() => new PreprocessingPipeline(new Scale(2), new StandardScaler()).Transform(data));
    }

    [Fact]
    public void FitChecksItsData()
    {
        var nan = Rows([[1f, 2f], [3f, float.NaN]]);
        var e = Assert.Throws<InvalidDataException>(() => new StandardScaler().Fit(nan));
        Assert.Contains("sample 1, feature 1 is NaN", e.Message);
        Assert.Throws<InvalidDataException>(() => new MinMaxScaler().Fit(nan));
        Assert.Throws<ArgumentException>(() => new StandardScaler().Fit(new Dataset([], [2], Array.Empty<int>())));

        var scaler = new StandardScaler();
        scaler.Fit(Rows([[1f, 2f]]));
        Assert.Throws<ArgumentException>(() => scaler.Transform(Rows([[1f, 2f, 3f]])));
    }

    [Fact]
    public void PipelineFitsEachStepOnThePreviousOutput()
    {
        var train = Rows([[0f, 255f], [255f, 255f]]);
        var pipeline = new PreprocessingPipeline(Scale.DivideBy(255f), new StandardScaler());
        var t = pipeline.FitTransform(train);
        Assert.Equal([-1f, 0f, 1f, 0f], t.Features);
        var inner = (StandardScaler)pipeline.Steps[1];
        Assert.Equal([0.5, 1.0], inner.Mean.ToArray());
        Assert.Equal([3f, 0f], pipeline.Transform(Rows([[510f, 255f]])).Features);
    }

    [Fact]
    public void CleanerPolicies()
    {
        var train = Rows([[1f, float.NaN], [3f, 4f], [float.PositiveInfinity, 8f], [5f, 6f]], [0, 1, 2, 3]);

        var reject = Assert.Throws<InvalidDataException>(() => Cleaner.Clean(train, MissingValuePolicy.Reject));
        Assert.Equal("Sample 0, feature 1 is NaN (MissingValuePolicy.Reject).", reject.Message);
        var clean = Rows([[1f, 2f]]);
        Assert.Equal([1f, 2f], Cleaner.Clean(clean, MissingValuePolicy.Reject).Features);

        var dropped = Cleaner.Clean(train, MissingValuePolicy.DropRow);
        Assert.Equal([3f, 4f, 5f, 6f], dropped.Features);
        Assert.Equal([1, 3], dropped.Labels!);

        var imputer = new Cleaner(MissingValuePolicy.ImputeColumnMean);
        var imputed = imputer.FitTransform(train);
        Assert.Equal([3f, 6f], imputer.Means.ToArray()); // (1+3+5)/3, (4+8+6)/3
        Assert.Equal([1f, 6f, 3f, 4f, 3f, 8f, 5f, 6f], imputed.Features);
        Assert.Equal([0, 1, 2, 3], imputed.Labels!);

        // Other splits are imputed with the training means.
        var test = Rows([[float.NaN, float.NegativeInfinity], [100f, 200f]]);
        Assert.Equal([3f, 6f, 100f, 200f], imputer.Transform(test).Features);
        Assert.True(float.IsNaN(test.Features[0])); // input untouched

        var noFinite = Rows([[1f, float.NaN], [2f, float.NaN]]);
        Assert.Contains("Feature 1 has no finite value", Assert.Throws<InvalidDataException>(() => imputer.Fit(noFinite)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Cleaner(MissingValuePolicy.Keep));
    }
}
