using System;
using System.Collections.Generic;

namespace NetGen.Data;

/// <summary>
/// Shuffling and train/validation/test splits. All randomness comes from <see cref="SeededRandom"/>, so the
/// same seed gives the same result on every machine and .NET version.
/// </summary>
/// <remarks>
/// Split sizes: each split gets <c>round(n × fraction)</c> samples (midpoint away from zero) and the training split
/// the rest; when possible every split gets at least one sample (training first, then test, then validation).
/// Stratified splits do this per class, so every class with at least 2 samples has one in training and one in test,
/// and with at least 3 also one in validation; the overall fractions can then differ slightly from the requested
/// ones. Each returned split is in random order.
/// </remarks>
public static class DataSplits
{
    /// <summary>A random permutation of 0 … <paramref name="count"/> − 1.</summary>
    public static int[] Permutation(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var indices = new int[count];
        for (int i = 0; i < count; i++) indices[i] = i;
        var random = CreateRandom(seed);
        random.Shuffle(indices.AsSpan());
        return indices;
    }

    /// <summary>A copy of <paramref name="data"/> in random order.</summary>
    public static Dataset Shuffle(Dataset data, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Subset(Permutation(data.Count, seed));
    }

    /// <summary>Splits into training and test sets.</summary>
    /// <param name="data">The samples.</param>
    /// <param name="testFraction">The share of samples for the test set, in (0, 1).</param>
    /// <param name="seed">The seed.</param>
    /// <param name="stratify">Keep each class's proportion in both sets (needs labels).</param>
    public static (Dataset Train, Dataset Test) TrainTestSplit(Dataset data, double testFraction, int seed, bool stratify = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckFraction(testFraction, nameof(testFraction));
        var (train, _, test) = SplitIndices(data, 0, testFraction, seed, stratify);
        return (data.Subset(train), data.Subset(test));
    }

    /// <summary>Splits into training, validation and test sets.</summary>
    /// <param name="data">The samples.</param>
    /// <param name="validationFraction">The share for the validation set, in (0, 1).</param>
    /// <param name="testFraction">The share for the test set, in (0, 1); the two shares must add up to less than 1.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="stratify">Keep each class's proportion in every set (needs labels).</param>
    public static (Dataset Train, Dataset Validation, Dataset Test) TrainValidationTestSplit(
        Dataset data, double validationFraction, double testFraction, int seed, bool stratify = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckFraction(validationFraction, nameof(validationFraction));
        CheckFraction(testFraction, nameof(testFraction));
        if (!(validationFraction + testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction,
                $"The validation and test fractions ({validationFraction} + {testFraction}) must add up to less than 1, leaving samples to train on.");
        var (train, validation, test) = SplitIndices(data, validationFraction, testFraction, seed, stratify);
        return (data.Subset(train), data.Subset(validation), data.Subset(test));
    }

    /// <summary>
    /// The sample indices of a training/validation/test split (validation empty when <paramref name="validationFraction"/> is 0).
    /// </summary>
    public static (int[] Train, int[] Validation, int[] Test) SplitIndices(
        Dataset data, double validationFraction, double testFraction, int seed, bool stratify = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (validationFraction != 0) CheckFraction(validationFraction, nameof(validationFraction));
        CheckFraction(testFraction, nameof(testFraction));
        if (!(validationFraction + testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The validation and test fractions must add up to less than 1.");
        if (stratify && data.Labels is null)
            throw new ArgumentException("A stratified split needs class labels; this dataset has " + (data.HasTargets ? "float targets." : "no labels."), nameof(stratify));

        var random = CreateRandom(seed);
        var train = new List<int>();
        var validation = new List<int>();
        var test = new List<int>();
        if (stratify)
        {
            int[] labels = data.Labels!;
            var byClass = new SortedDictionary<int, List<int>>();
            for (int i = 0; i < labels.Length; i++)
            {
                if (!byClass.TryGetValue(labels[i], out var list)) byClass[labels[i]] = list = new List<int>();
                list.Add(i);
            }
            foreach (var members in byClass.Values)
                Deal(members.ToArray(), validationFraction, testFraction, ref random, train, validation, test);
        }
        else
        {
            var all = new int[data.Count];
            for (int i = 0; i < all.Length; i++) all[i] = i;
            Deal(all, validationFraction, testFraction, ref random, train, validation, test);
        }
        int[] trainArray = train.ToArray(), validationArray = validation.ToArray(), testArray = test.ToArray();
        random.Shuffle(trainArray.AsSpan());
        random.Shuffle(validationArray.AsSpan());
        random.Shuffle(testArray.AsSpan());
        return (trainArray, validationArray, testArray);
    }

    private static void Deal(int[] members, double validationFraction, double testFraction, ref SeededRandom random,
        List<int> train, List<int> validation, List<int> test)
    {
        random.Shuffle(members.AsSpan());
        var (v, t) = Counts(members.Length, validationFraction, testFraction);
        test.AddRange(members.AsSpan(0, t));
        validation.AddRange(members.AsSpan(t, v));
        train.AddRange(members.AsSpan(t + v));
    }

    /// <summary>Validation and test counts for <paramref name="n"/> samples (training gets the rest).</summary>
    internal static (int Validation, int Test) Counts(int n, double validationFraction, double testFraction)
    {
        int t = (int)Math.Round(n * testFraction, MidpointRounding.AwayFromZero);
        int v = (int)Math.Round(n * validationFraction, MidpointRounding.AwayFromZero);
        int minT = n >= 2 ? 1 : 0;
        int minV = validationFraction > 0 && n >= 3 ? 1 : 0;
        t = Math.Clamp(t, minT, n);
        v = Math.Clamp(v, minV, n);
        while (n - t - v < 1 && n > 0)
        {
            if (v > minV && (v >= t || t <= minT)) v--;
            else if (t > minT) t--;
            else break;
        }
        return (v, t);
    }

    private static void CheckFraction(double fraction, string name)
    {
        if (!(fraction > 0 && fraction < 1))
            throw new ArgumentOutOfRangeException(name, fraction, $"{name} must be strictly between 0 and 1.");
    }

    private static SeededRandom CreateRandom(int seed) => new(unchecked((ulong)(long)seed));
}
