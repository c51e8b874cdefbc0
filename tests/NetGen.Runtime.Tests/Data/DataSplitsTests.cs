using NetGen.Data;

namespace NetGen.Runtime.Tests.Data;

public sealed class DataSplitsTests
{
    /// <summary>Sample i has the single feature i, so samples can be identified after a split.</summary>
    private static Dataset Numbered(params int[] classSizes)
    {
        int n = classSizes.Sum();
        var features = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
        var labels = new int[n];
        // Interleave classes so that class membership does not follow the index order.
        var remaining = (int[])classSizes.Clone();
        for (int i = 0, c = 0; i < n; c = (c + 1) % classSizes.Length)
        {
            if (remaining[c] == 0) continue;
            remaining[c]--;
            labels[i++] = c;
        }
        return new Dataset(features, [1], labels);
    }

    private static int[] Ids(Dataset d) => d.Features.Select(f => (int)f).ToArray();

    [Fact]
    public void ShuffleIsAPermutationKeepingLabelsWithTheirSamples()
    {
        var data = Numbered(30, 20, 10);
        var a = DataSplits.Shuffle(data, 7);
        Assert.Equal(Enumerable.Range(0, 60), Ids(a).Order());
        Assert.NotEqual(Enumerable.Range(0, 60), Ids(a));
        for (int i = 0; i < a.Count; i++) Assert.Equal(data.Labels![(int)a.Features[i]], a.Labels![i]);
        Assert.Equal(Ids(a), Ids(DataSplits.Shuffle(data, 7)));
        Assert.NotEqual(Ids(a), Ids(DataSplits.Shuffle(data, 8)));
    }

    [Fact]
    public void PermutationIsTheSameOnEveryMachine()
    {
        // Pins SeededRandom + Fisher–Yates (value computed independently with a Python transcription of
        // xoshiro128** seeded by SplitMix64): a change here changes every published split.
        Assert.Equal([7, 5, 1, 9, 2, 6, 3, 0, 8, 4], DataSplits.Permutation(10, 42));
        Assert.Empty(DataSplits.Permutation(0, 1));
    }

    [Fact]
    public void TrainTestSizesDisjointnessAndCoverage()
    {
        var data = Numbered(100);
        var (train, test) = DataSplits.TrainTestSplit(data, 0.2, seed: 1);
        Assert.Equal(80, train.Count);
        Assert.Equal(20, test.Count);
        Assert.Empty(Ids(train).Intersect(Ids(test)));
        Assert.Equal(Enumerable.Range(0, 100), Ids(train).Concat(Ids(test)).Order());
    }

    [Fact]
    public void TrainValidationTestSizesDisjointnessAndCoverage()
    {
        var data = Numbered(101);
        var (train, validation, test) = DataSplits.TrainValidationTestSplit(data, 0.1, 0.25, seed: 3);
        Assert.Equal(10, validation.Count);  // 10.1 → 10
        Assert.Equal(25, test.Count);        // 25.25 → 25
        Assert.Equal(66, train.Count);
        var all = Ids(train).Concat(Ids(validation)).Concat(Ids(test)).ToArray();
        Assert.Equal(Enumerable.Range(0, 101), all.Order());
    }

    [Fact]
    public void StratifiedKeepsClassProportions()
    {
        var data = Numbered(50, 30, 20);
        var (train, test) = DataSplits.TrainTestSplit(data, 0.2, seed: 5, stratify: true);
        Assert.Equal([10, 6, 4], test.CountPerClass());
        Assert.Equal([40, 24, 16], train.CountPerClass());
        Assert.Equal(Enumerable.Range(0, 100), Ids(train).Concat(Ids(test)).Order());
        for (int i = 0; i < test.Count; i++) Assert.Equal(data.Labels![(int)test.Features[i]], test.Labels![i]);

        var (tr, va, te) = DataSplits.TrainValidationTestSplit(data, 0.1, 0.3, seed: 5, stratify: true);
        Assert.Equal([5, 3, 2], va.CountPerClass());
        Assert.Equal([15, 9, 6], te.CountPerClass());
        Assert.Equal([30, 18, 12], tr.CountPerClass());
    }

    [Fact]
    public void StratifiedGivesSmallClassesOneSamplePerSplitWherePossible()
    {
        var data = Numbered(40, 2, 1, 3);
        var (train, test) = DataSplits.TrainTestSplit(data, 0.1, seed: 2, stratify: true);
        Assert.Equal([4, 1, 0, 1], test.CountPerClass());   // class 1 (2 samples): one each; class 2 (1 sample): train only
        Assert.Equal([36, 1, 1, 2], train.CountPerClass());

        var (tr, va, te) = DataSplits.TrainValidationTestSplit(data, 0.1, 0.1, seed: 2, stratify: true);
        Assert.Equal([32, 1, 1, 1], tr.CountPerClass());
        Assert.Equal([4, 0, 0, 1], va.CountPerClass());
        Assert.Equal([4, 1, 0, 1], te.CountPerClass());
    }

    [Fact]
    public void SameSeedSameSplitDifferentSeedDifferentSplit()
    {
        var data = Numbered(60, 40);
        foreach (bool stratify in new[] { false, true })
        {
            var (a, b) = DataSplits.TrainTestSplit(data, 0.25, 11, stratify);
            var (c, d) = DataSplits.TrainTestSplit(data, 0.25, 11, stratify);
            var (e, f) = DataSplits.TrainTestSplit(data, 0.25, 12, stratify);
            Assert.Equal(Ids(a), Ids(c));
            Assert.Equal(Ids(b), Ids(d));
            Assert.NotEqual(Ids(b).Order(), Ids(f).Order());
            Assert.Equal(Ids(a).Length, Ids(e).Length);
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void FractionsMustBeStrictlyBetweenZeroAndOne(double fraction)
    {
        var data = Numbered(10);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DataSplits.TrainTestSplit(data, fraction, 1));
        Assert.Equal("testFraction", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplits.TrainValidationTestSplit(data, fraction, 0.2, 1));
    }

    [Fact]
    public void FractionsMustLeaveTrainingData()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplits.TrainValidationTestSplit(Numbered(10), 0.5, 0.5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplits.TrainValidationTestSplit(Numbered(10), 0.6, 0.5, 1));
    }

    [Fact]
    public void StratifyNeedsLabels()
    {
        var targets = new Dataset([1f, 2f, 3f], [1], [0f, 1f, 2f], 1);
        Assert.Throws<ArgumentException>(() => DataSplits.TrainTestSplit(targets, 0.3, 1, stratify: true));
        var (train, test) = DataSplits.TrainTestSplit(targets, 0.3, 1);
        Assert.Equal(2, train.Count);
        Assert.Equal(1, test.Count);
        Assert.Equal(train.Features, train.Targets!.Select(t => t + 1f));
    }

    [Fact]
    public void TinyDatasetsStillGetATrainingSample()
    {
        var (train, test) = DataSplits.TrainTestSplit(Numbered(1), 0.5, 1);
        Assert.Equal(1, train.Count);
        Assert.Equal(0, test.Count);
        var (tr, va, te) = DataSplits.TrainValidationTestSplit(Numbered(3), 0.1, 0.1, 1);
        Assert.Equal((1, 1, 1), (tr.Count, va.Count, te.Count));
    }
}
