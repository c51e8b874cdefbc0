using NetGen.Data;

namespace NetGen.Runtime.Tests.Data;

public sealed class FashionMnistTests
{
    private static readonly Lazy<(Dataset Train, Dataset Test)> Subset = new(() =>
    {
        string dir = FashionMnist.FindSubsetDirectory() ?? throw new InvalidOperationException("data/fashion-mnist-subset not found above the test directory");
        return FashionMnist.Load(dir);
    });

    private static readonly Lazy<(Dataset Train, Dataset Test)> Full = new(() => FashionMnist.Load(FashionMnist.DefaultDirectory));

    [Fact]
    public void ClassNames()
    {
        Assert.Equal(
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            FashionMnist.ClassNames);
        Assert.Equal("/usr/share/datasets/fashion-mnist", FashionMnist.DefaultDirectory);
    }

    [Fact]
    public void SubsetIsFoundAndBalanced()
    {
        string? dir = FashionMnist.FindSubsetDirectory();
        Assert.NotNull(dir);
        Assert.EndsWith(Path.Combine("data", "fashion-mnist-subset"), dir);

        var (train, test) = Subset.Value;
        Assert.Equal(6000, train.Count);
        Assert.Equal(1000, test.Count);
        Assert.Equal(Enumerable.Repeat(600, 10), train.CountPerClass());
        Assert.Equal(Enumerable.Repeat(100, 10), test.CountPerClass());
        Assert.Equal([28, 28], train.SampleShape.ToArray());
        Assert.Equal(784, train.Reshape(784).FeatureSize);
        Assert.Equal(784, test.Reshape(784).SampleShape[0]);
        Assert.Same(FashionMnist.ClassNames, train.ClassNames);
        Assert.Equal(0f, train.Features.Min());
        Assert.Equal(255f, train.Features.Max());
        Assert.All(train.Features, v => Assert.Equal(MathF.Round(v), v));
    }

    [Fact]
    public void SubsetKeepsFileOrder()
    {
        var (train, _) = Subset.Value;
        // The subset takes the first 600 of each class in file order, so the labels are the full file's labels
        // with each class's surplus removed; the first 10 labels of the full training file are these.
        Assert.Equal([9, 0, 0, 3, 0, 2, 7, 2, 5, 5], train.Labels!.Take(10));
    }

    [Fact]
    public void MissingDirectory()
    {
        using var dir = new TempDirectory();
        Assert.False(FashionMnist.TryLoad(dir.Path, out var train, out var test));
        Assert.Null(train);
        Assert.Null(test);
        Assert.False(FashionMnist.TryLoad(Path.Combine(dir.Path, "nope"), out _, out _));
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(dir.Path));
        Assert.Contains("train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte", e.Message);
    }

    [Fact]
    public void LoadsRawAndGzipFilesFromADirectory()
    {
        using var dir = new TempDirectory();
        var (images, labels, _, _) = TestData.ImagesAndLabels(20, 28, 28);
        dir.Write(FashionMnist.TrainImages + ".gz", TestData.Gzip(images));
        dir.Write(FashionMnist.TrainLabels, labels);
        dir.Write(FashionMnist.TestImages, images);
        dir.Write(FashionMnist.TestLabels + ".gz", TestData.Gzip(labels));
        Assert.True(FashionMnist.TryLoad(dir.Path, out var train, out var test));
        Assert.Equal(20, train.Count);
        Assert.Equal(train.Features, test.Features);
        Assert.Equal(train.Labels!, test.Labels!);

        // A damaged file is an error, not "absent".
        dir.Write(FashionMnist.TestLabels + ".gz", TestData.Gzip(labels[..^1]));
        Assert.Throws<InvalidDataException>(() => FashionMnist.TryLoad(dir.Path, out _, out _));
    }

    [RequiresFashionMnistFact]
    public void FullDataSetSizesAndBalance()
    {
        var (train, test) = Full.Value;
        Assert.Equal(60000, train.Count);
        Assert.Equal(10000, test.Count);
        Assert.Equal(Enumerable.Repeat(6000, 10), train.CountPerClass());
        Assert.Equal(Enumerable.Repeat(1000, 10), test.CountPerClass());
        Assert.Equal([28, 28], train.SampleShape.ToArray());
    }

    [RequiresFashionMnistFact]
    public void SubsetIsTheFirstSamplesOfEachClassOfTheFullSet()
    {
        var (fullTrain, fullTest) = Full.Value;
        var (train, test) = Subset.Value;
        AssertFirstPerClass(fullTrain, train, 600);
        AssertFirstPerClass(fullTest, test, 100);

        static void AssertFirstPerClass(Dataset full, Dataset subset, int perClass)
        {
            var counts = new int[10];
            var expected = new List<int>();
            for (int i = 0; i < full.Count && expected.Count < 10 * perClass; i++)
                if (counts[full.Labels![i]]++ < perClass) expected.Add(i);
            var reference = full.Subset(expected.ToArray());
            Assert.Equal(reference.Labels!, subset.Labels!);
            Assert.True(reference.Features.AsSpan().SequenceEqual(subset.Features));
        }
    }
}
