using NetGen.Data;

namespace NetGen.Runtime.Tests.Data;

public sealed class DatasetTests
{
    [Fact]
    public void UnlabeledDatasetSubsetsAndReshapes()
    {
        var d = new Dataset([1f, 2f, 3f, 4f, 5f, 6f], [3]);
        Assert.False(d.HasLabels);
        Assert.False(d.HasTargets);
        Assert.Equal(2, d.Count);
        Assert.Equal(0, d.ClassCount);
        Assert.Empty(d.CountPerClass());
        var s = d.Subset([1]);
        Assert.Equal([4f, 5f, 6f], s.Features);
        Assert.False(s.HasLabels || s.HasTargets);
        Assert.Equal([3, 1], d.Reshape(3, 1).SampleShape.ToArray());
    }

    [Fact]
    public void ReshapeMustKeepTheSampleSize()
    {
        var d = new Dataset(new float[8], [4], [0, 1]);
        Assert.Equal([2, 2], d.Reshape(2, 2).SampleShape.ToArray());
        Assert.Throws<ArgumentException>(() => d.Reshape(2));
        Assert.Throws<ArgumentException>(() => new Dataset(new float[8], [4]).Reshape(2));
    }

    [Fact]
    public void WithFeaturesKeepsLabelsAndChecksTheCount()
    {
        var d = new Dataset([1f, 2f], [1], [3, 4], ["a", "b", "c", "d", "e"]);
        var w = d.WithFeatures([5f, 6f]);
        Assert.Equal([5f, 6f], w.Features);
        Assert.Same(d.Labels, w.Labels);
        Assert.Same(d.ClassNames, w.ClassNames);
        Assert.Equal([0, 0, 0, 1, 1], d.CountPerClass());
        Assert.Throws<ArgumentException>(() => d.WithFeatures([1f, 2f, 3f, 4f]));
        Assert.Equal([2], d.WithFeatures([1f, 2f, 3f, 4f], [2]).SampleShape.ToArray());
    }

    [Fact]
    public void TargetDatasetSubset()
    {
        var d = new Dataset([1f, 2f, 3f], [1], [10f, 11f, 20f, 21f, 30f, 31f], 2);
        var s = d.Subset([2, 0]);
        Assert.Equal([3f, 1f], s.Features);
        Assert.Equal([30f, 31f, 10f, 11f], s.Targets!);
        Assert.True(s.HasTargets);
    }
}
