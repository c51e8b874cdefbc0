using NetGen;
using NetGen.Data;
using NetGen.Samples.InferenceService;
using NetGen.Serialization;

namespace NetGen.Service.Tests;

/// <summary>A network that is not the seed: its model files must not load into the service.</summary>
[Input(784)]
[Dense(32, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class OtherMlp;

/// <summary>Model files and inputs shared by the tests, made once per test run in a temporary folder.</summary>
public static class TestModels
{
    private static readonly Lazy<string> s_directory = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), "netgen-service-tests-" + Environment.ProcessId);
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    });

    private static readonly Lazy<string> s_seedModel = new(() =>
    {
        string path = Path.Combine(s_directory.Value, "seed.ngmf");
        ModelFile.Save(new FashionMlp(seed: 7), path);
        return path;
    });

    private static readonly Lazy<float[][]> s_images = new(() =>
    {
        // Real Fashion-MNIST test images (pixels / 255) when the repository's subset is found, else seeded noise.
        const int count = 64;
        var images = new float[count][];
        if (FashionMnist.FindSubsetDirectory() is string subset)
        {
            Dataset test = FashionMnist.Load(subset).Test;
            for (int i = 0; i < count; i++)
                images[i] = test.GetFeatures(i * 7).ToArray().Select(p => p / 255f).ToArray();
        }
        else
        {
            var random = new Random(1);
            for (int i = 0; i < count; i++)
                images[i] = Enumerable.Range(0, Predictor.InputSize).Select(_ => random.NextSingle()).ToArray();
        }
        return images;
    });

    /// <summary>A temporary folder for this test run.</summary>
    public static string Directory => s_directory.Value;

    /// <summary>A model file of the seed network (seeded initialization).</summary>
    public static string SeedModelPath => s_seedModel.Value;

    /// <summary>64 inputs of 784 floats.</summary>
    public static float[][] Images => s_images.Value;

    /// <summary>A fresh path in the temporary folder.</summary>
    public static string NewPath(string name) => Path.Combine(s_directory.Value, $"{Guid.NewGuid():N}-{name}");

    /// <summary><c>{"features":[...]}</c> for one input, written as the service's clients would.</summary>
    public static string SingleBody(float[] features) =>
        "{\"features\":[" + string.Join(",", features.Select(f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]}";

    /// <summary><c>{"batch":[[...], ...]}</c>.</summary>
    public static string BatchBody(IEnumerable<float[]> rows) =>
        "{\"batch\":[" + string.Join(",", rows.Select(r => "[" + string.Join(",", r.Select(f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]")) + "]}";
}
