using NetGen;
using NetGen.Data;
using NetGen.Evaluation;
using NetGen.Training;

namespace NetGen.Tests;

/// <summary>A residual block: layer 1 feeds the block and the sum (fan-out), Add joins them.</summary>
[Input(6)]
[Dense(5, Activation.Tanh, Name = "h")]
[Dense(5, Activation.ReLU)]
[Dense(5, Name = "f")]
[Add("h", "f")]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class ResidualNet;

/// <summary>
/// The input read by two layers, a gate (Multiply), and a Concatenate of the gated branch, the raw input and the
/// ungated branch again (layer 1 is read by Multiply and Concatenate: fan-out).
/// </summary>
[Input(7, Name = "x")]
[Dense(4, Activation.Tanh, Name = "a")]
[Dense(4, Activation.Sigmoid, Input = "x", Name = "g")]
[Multiply("a", "g", Name = "m")]
[Concatenate("m", "x", "a")]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.CategoricalCrossEntropy)]
[Sgd(LearningRate = 0.1f)]
public partial class GatedConcatNet;

/// <summary>Two inputs: each through a layer of its own, summed (both branches feed the sum and the concatenation: fan-out).</summary>
[Input(5, Name = "a")]
[Input(3, Name = "b")]
[Dense(4, Activation.Tanh, Input = "a", Name = "ha")]
[Dense(4, Activation.ReLU, Input = "b", Name = "hb")]
[Add("ha", "hb", Name = "s")]
[Concatenate("s", "ha")]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class TwoInputNet;

/// <summary>Two inputs and float targets: one branch through a layer, the other joined as it is.</summary>
[Input(3, Name = "u")]
[Input(2, Name = "v")]
[Dense(4, Activation.Tanh, Input = "u", Name = "hu")]
[Concatenate("hu", "v")]
[Dense(2)]
[Loss(LossKind.MeanSquaredError)]
[Sgd(LearningRate = 0.05f)]
public partial class TwoInputRegressor;

/// <summary>An image branch (a convolution) and a numeric vector (each image's 28 row means), concatenated.</summary>
[Input(28, 28, 1, Name = "image")]
[Input(28, Name = "profile")]
[Conv2D(8, 3, Activation.ReLU, Input = "image")]
[MaxPool2D(2)]
[Flatten(Name = "features")]
[Dense(16, Activation.ReLU, Input = "profile", Name = "p")]
[Concatenate("features", "p")]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class ImageAndProfile;

/// <summary>The Fashion-MNIST MLP with a residual connection around its second and third layers.</summary>
[Input(784)]
[Dense(64, Activation.ReLU, Name = "h")]
[Dense(64, Activation.ReLU)]
[Dense(64, Name = "f")]
[Add("h", "f")]
[Dense(10, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 1e-3f)]
public partial class ResidualFashion;

/// <summary>
/// Generated graphs (named layers, Add, Multiply, Concatenate, fan-out) against a double-precision reference: forward
/// values, and the generated gradients against central differences of the reference's loss.
/// </summary>
public class GraphTests
{
    /// <summary>A double-precision evaluator of graphs of dense layers and merges, written independently of the generator.</summary>
    private sealed record Node(string Op, int[] Sources, int Units = 0, Activation Activation = Activation.Linear);

    private static readonly Node[] Residual =
    {
        new("dense", [0], 5, Activation.Tanh),
        new("dense", [1], 5, Activation.ReLU),
        new("dense", [2], 5),
        new("add", [1, 3]),
        new("dense", [4], 3, Activation.Softmax),
    };

    private static readonly Node[] GatedConcat =
    {
        new("dense", [0], 4, Activation.Tanh),
        new("dense", [0], 4, Activation.Sigmoid),
        new("multiply", [1, 2]),
        new("concat", [3, 0, 1]),
        new("dense", [4], 3, Activation.Softmax),
    };

    private static readonly Node[] TwoInputs =
    {
        new("dense", [0], 4, Activation.Tanh),
        new("dense", [-1], 4, Activation.ReLU),
        new("add", [1, 2]),
        new("concat", [3, 1]),
        new("dense", [4], 3, Activation.Softmax),
    };

    /// <summary>
    /// Forward of one sample; parameters laid out as NetGen's (weights [in, out] then biases, layer after layer). The
    /// sample is the inputs one after the other (sizes <paramref name="inputSizes"/>); input j is node −j, layer k node k.
    /// </summary>
    private static double[] Forward(Node[] graph, double[] p, ReadOnlySpan<float> x, int[]? inputSizes = null)
    {
        inputSizes ??= [x.Length];
        int m = inputSizes.Length;
        var all = new double[graph.Length + m][];
        for (int j = 0, at = 0; j < m; at += inputSizes[j], j++) all[m - 1 - j] = x.Slice(at, inputSizes[j]).ToArray().Select(v => (double)v).ToArray();
        var values = new ArraySegment<double[]>(all, m - 1, graph.Length + 1);
        int offset = 0;
        for (int n = 0; n < graph.Length; n++)
        {
            Node node = graph[n];
            double[][] inputs = node.Sources.Select(s => all[s + m - 1]).ToArray();
            switch (node.Op)
            {
                case "dense":
                {
                    double[] input = inputs[0];
                    int fanIn = input.Length, units = node.Units;
                    var z = new double[units];
                    for (int j = 0; j < units; j++)
                    {
                        double s = p[offset + fanIn * units + j];
                        for (int i = 0; i < fanIn; i++) s += input[i] * p[offset + i * units + j];
                        z[j] = s;
                    }
                    offset += fanIn * units + units;
                    values[n + 1] = Activate(node.Activation, z);
                    break;
                }
                case "add":
                    values[n + 1] = Enumerable.Range(0, inputs[0].Length).Select(i => inputs.Sum(v => v[i])).ToArray();
                    break;
                case "multiply":
                    values[n + 1] = Enumerable.Range(0, inputs[0].Length).Select(i => inputs.Aggregate(1.0, (product, v) => product * v[i])).ToArray();
                    break;
                default:
                    values[n + 1] = inputs.SelectMany(v => v).ToArray();
                    break;
            }
        }
        return values[graph.Length];
    }

    private static double[] Activate(Activation activation, double[] z) => activation switch
    {
        Activation.ReLU => z.Select(v => Math.Max(0, v)).ToArray(),
        Activation.Tanh => z.Select(Math.Tanh).ToArray(),
        Activation.Sigmoid => z.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(),
        Activation.Softmax => Softmax(z),
        _ => z,
    };

    private static double[] Softmax(double[] z)
    {
        double max = z.Max();
        double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    /// <summary>Mean cross-entropy over the batch, against one-hot classes.</summary>
    private static double MeanLoss(Node[] graph, double[] p, float[] inputs, int inputSize, int[] labels, int[]? inputSizes = null)
    {
        double total = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            double[] y = Forward(graph, p, inputs.AsSpan(r * inputSize, inputSize), inputSizes);
            total -= Math.Log(y[labels[r]]);
        }
        return total / labels.Length;
    }

    private static (float[] Inputs, int[] Labels) Batch(int rows, int inputSize, int seed)
    {
        var random = new Random(seed);
        float[] x = Enumerable.Range(0, rows * inputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        int[] labels = Enumerable.Range(0, rows).Select(_ => random.Next(3)).ToArray();
        return (x, labels);
    }

    private static void Randomize(IModel model, int seed)
    {
        var random = new Random(seed);
        Span<float> p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (float)(random.NextDouble() - 0.5);
    }

    public static IEnumerable<object[]> Graphs => new[] { new object[] { "residual" }, new object[] { "gated-concat" }, new object[] { "two-inputs" } };

    private static (ITrainableModel Model, Node[] Graph, int[]? InputSizes) Create(string name) => name switch
    {
        "residual" => (new ResidualNet(1), Residual, null),
        "gated-concat" => (new GatedConcatNet(1), GatedConcat, null),
        _ => (new TwoInputNet(1), TwoInputs, [5, 3]),
    };

    [Theory]
    [MemberData(nameof(Graphs))]
    public void Forward_matches_the_double_reference_batched_and_alone(string name)
    {
        var (model, graph, sizes) = Create(name);
        Randomize(model, 2);
        double[] p = model.Parameters.ToArray().Select(v => (double)v).ToArray();
        const int rows = 11;
        var (inputs, _) = Batch(rows, model.InputSize, 3);
        var outputs = new float[rows * model.OutputSize];
        model.Predict(inputs, outputs, rows);
        var single = new float[model.OutputSize];
        double worst = 0;
        for (int r = 0; r < rows; r++)
        {
            double[] expected = Forward(graph, p, inputs.AsSpan(r * model.InputSize, model.InputSize), sizes);
            model.Predict(inputs.AsSpan(r * model.InputSize, model.InputSize), single);
            for (int j = 0; j < expected.Length; j++)
            {
                worst = Math.Max(worst, Math.Abs(outputs[r * model.OutputSize + j] - expected[j]));
                Assert.Equal(outputs[r * model.OutputSize + j], single[j]);
            }
        }
        Assert.True(worst <= 1e-5, $"max |generated − reference| = {worst:E3}");
    }

    [Theory]
    [MemberData(nameof(Graphs))]
    public void Gradients_match_central_differences_of_the_double_reference(string name)
    {
        var (model, graph, sizes) = Create(name);
        Randomize(model, 4);
        double[] p = model.Parameters.ToArray().Select(v => (double)v).ToArray();
        const int rows = 5;
        var (inputs, labels) = Batch(rows, model.InputSize, 5);
        IGradientTrainer trainer = model.CreateTrainer(rows, 1);
        using var dispose = (IDisposable)trainer;
        float[] targets = new float[rows * model.OutputSize];
        for (int r = 0; r < rows; r++) targets[r * model.OutputSize + labels[r]] = 1f;
        float loss = trainer.ComputeGradients(inputs, targets);
        Assert.Equal(MeanLoss(graph, p, inputs, model.InputSize, labels, sizes), loss, 5);
        float[] generated = trainer.Gradients.ToArray();
        Assert.Equal(p.Length, generated.Length);
        double worst = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double h = 1e-5, saved = p[i];
            p[i] = saved + h; double up = MeanLoss(graph, p, inputs, model.InputSize, labels, sizes);
            p[i] = saved - h; double down = MeanLoss(graph, p, inputs, model.InputSize, labels, sizes);
            p[i] = saved;
            double fd = (up - down) / (2 * h);
            double error = Math.Abs(fd - generated[i]) / Math.Max(1e-4, Math.Abs(fd) + Math.Abs(generated[i]));
            worst = Math.Max(worst, error);
        }
        Assert.True(worst < 1e-3, $"worst relative gradient error {worst:E3} over {p.Length} parameters");
    }

    [Fact]
    public void The_fan_out_gradient_is_the_sum_over_both_paths()
    {
        // Cutting the skip (zeroing the block's last layer) must leave layer 1's gradient equal to the path through Add
        // alone; with the block it must differ: both readers contribute. Guards against a second reader overwriting.
        var model = new ResidualNet(1);
        Randomize(model, 7);
        var (inputs, labels) = Batch(4, ResidualNet.InputSize, 8);
        using var trainer = model.CreateTrainer(4);
        trainer.ComputeGradients(inputs, labels);
        float[] withBlock = trainer.Gradients.Slice(0, 6 * 5).ToArray();
        model.Dense3Weights.Clear();
        model.Dense3Biases.Clear();
        trainer.ComputeGradients(inputs, labels);
        float[] skipOnly = trainer.Gradients.Slice(0, 6 * 5).ToArray();
        Assert.NotEqual(withBlock, skipOnly);
        // with layer 3 zeroed, layer 2's contribution through it is zero: layer 1's gradient comes from the skip alone,
        // which the double reference confirms through the full gradient check above; here its size must stay finite and nonzero
        Assert.Contains(skipOnly, v => v != 0f);
    }

    [Fact]
    public void Two_workers_sharing_the_first_layer_match_one_worker()
    {
        // The residual MLP takes the two-worker shared-layer step (its first layer is dense with Adam): the rest of the
        // network, fan-out included, runs in Middle on each worker's rows.
        var one = new ResidualFashion(3);
        var two = new ResidualFashion(3);
        var (inputs, _) = Batch(32, 784, 9);
        int[] labels = Enumerable.Range(0, 32).Select(i => i % 10).ToArray();
        using (var a = one.CreateTrainer(32, 1))
        using (var b = two.CreateTrainer(32, 2))
        {
            for (int step = 0; step < 5; step++)
            {
                float la = a.TrainBatch(inputs, labels);
                float lb = b.TrainBatch(inputs, labels);
                Assert.Equal(la, lb, 4);
            }
        }
        float[] pa = one.Parameters.ToArray(), pb = two.Parameters.ToArray();
        double worst = pa.Zip(pb, (x, y) => Math.Abs(x - y)).Max();
        Assert.True(worst < 1e-4, $"parameters differ by up to {worst:E3}");
    }

    [Fact]
    public void One_span_per_input_is_the_packed_sample()
    {
        var model = new TwoInputNet(3);
        Randomize(model, 11);
        var random = new Random(12);
        float[] a = Enumerable.Range(0, 4 * 5).Select(_ => (float)random.NextDouble()).ToArray();
        float[] b = Enumerable.Range(0, 4 * 3).Select(_ => (float)random.NextDouble()).ToArray();
        var packed = new float[4 * TwoInputNet.InputSize];
        TwoInputNet.Pack(a, b, packed, 4);
        Assert.Equal(a.AsSpan(5, 5).ToArray(), packed.AsSpan(8, 5).ToArray());  // sample 1: a then b
        Assert.Equal(b.AsSpan(3, 3).ToArray(), packed.AsSpan(13, 3).ToArray());
        var fromPacked = new float[4 * 3];
        var fromSpans = new float[4 * 3];
        model.Predict(packed, fromPacked, 4);
        model.Predict(a, b, fromSpans, 4);
        Assert.Equal(fromPacked, fromSpans);
        var one = new float[3];
        model.Predict(a.AsSpan(0, 5), b.AsSpan(0, 3), one);
        Assert.Equal(fromPacked.AsSpan(0, 3).ToArray(), one);
        Assert.Throws<ArgumentException>(() => model.Predict(a.AsSpan(0, 4), b.AsSpan(0, 3), one));
        Assert.Throws<ArgumentException>(() => TwoInputNet.Pack(a, b.AsSpan(0, 11), packed, 4));

        // TrainBatch on the spans takes the same step as on the packed samples
        var twin = new TwoInputNet(3);
        model.Parameters.CopyTo(twin.Parameters);
        int[] labels = [0, 2, 1, 2];
        using var t1 = model.CreateTrainer(4);
        using var t2 = twin.CreateTrainer(4);
        Assert.Equal(t1.TrainBatch(packed, labels), t2.TrainBatch(a, b, labels));
        Assert.Equal(model.Parameters.ToArray(), twin.Parameters.ToArray());
    }

    [Fact]
    public void Fit_and_Evaluate_take_one_span_per_input_as_they_take_packed_samples()
    {
        var random = new Random(21);
        const int n = 40;
        float[] a = Enumerable.Range(0, n * 5).Select(_ => (float)random.NextDouble()).ToArray();
        float[] b = Enumerable.Range(0, n * 3).Select(_ => (float)random.NextDouble()).ToArray();
        int[] labels = Enumerable.Range(0, n).Select(i => i % 3).ToArray();
        var packed = new float[n * TwoInputNet.InputSize];
        TwoInputNet.Pack(a, b, packed, n);
        var options = new FitOptions { Epochs = 3, BatchSize = 8, Seed = 5, ValidationFraction = 0.25 };

        var one = new TwoInputNet(1);
        var two = new TwoInputNet(1);
        using var t1 = one.CreateTrainer(8);
        using var t2 = two.CreateTrainer(8);
        TrainingHistory fromPacked = t1.Fit(new Dataset(packed, [TwoInputNet.InputSize], labels), options);
        TrainingHistory fromSpans = t2.Fit(a, b, labels, options);
        Assert.Equal(one.Parameters.ToArray(), two.Parameters.ToArray());
        Assert.Equal(fromPacked.Epochs.Select(e => e.Loss), fromSpans.Epochs.Select(e => e.Loss));
        Assert.Equal(fromPacked.Epochs.Select(e => e.ValidationLoss), fromSpans.Epochs.Select(e => e.ValidationLoss));

        EvaluationResult packedResult = Evaluator.Evaluate(one, new Dataset(packed, [TwoInputNet.InputSize], labels));
        EvaluationResult spanResult = two.Evaluate(a, b, labels);
        Assert.Equal(packedResult.Loss, spanResult.Loss);
        Assert.Equal(packedResult.Accuracy, spanResult.Accuracy);

        // an input whose length does not match the labels' count is refused before anything trains
        float[] before = two.Parameters.ToArray();
        Assert.Throws<ArgumentException>(() => t2.Fit(a.AsSpan(0, 5 * (n - 1)), b, labels, options));
        Assert.Throws<ArgumentException>(() => two.Evaluate(a, b.AsSpan(0, 3), labels));
        Assert.Equal(before, two.Parameters.ToArray());
    }

    [Fact]
    public void Fit_and_Evaluate_take_one_span_per_input_with_float_targets()
    {
        var random = new Random(22);
        const int n = 30;
        float[] u = Enumerable.Range(0, n * 3).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] v = Enumerable.Range(0, n * 2).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        // targets: the sum of u and the difference of v, a function both inputs are needed for
        float[] targets = Enumerable.Range(0, n).SelectMany(i => new[] { u[3 * i] + u[3 * i + 1] + u[3 * i + 2], v[2 * i] - v[2 * i + 1] }).ToArray();
        var packed = new float[n * TwoInputRegressor.InputSize];
        TwoInputRegressor.Pack(u, v, packed, n);
        var options = new FitOptions { Epochs = 20, BatchSize = 10, Seed = 3 };

        var one = new TwoInputRegressor(2);
        var two = new TwoInputRegressor(2);
        using var t1 = one.CreateTrainer(10);
        using var t2 = two.CreateTrainer(10);
        TrainingHistory fromPacked = t1.Fit(new Dataset(packed, [TwoInputRegressor.InputSize], targets, 2), options);
        TrainingHistory fromSpans = t2.Fit(u, v, targets, options);
        Assert.Equal(one.Parameters.ToArray(), two.Parameters.ToArray());
        Assert.Equal(fromPacked.Epochs.Select(e => e.Loss), fromSpans.Epochs.Select(e => e.Loss));
        Assert.True(fromSpans.Epochs[^1].Loss < fromSpans.Epochs[0].Loss, "the loss did not fall");

        EvaluationResult packedResult = Evaluator.Evaluate(one, new Dataset(packed, [TwoInputRegressor.InputSize], targets, 2));
        Assert.Equal(packedResult.Loss, two.Evaluate(u, v, targets).Loss);
        Assert.Throws<ArgumentException>(() => t2.Fit(u, v, targets.AsSpan(0, 5), options)); // not a whole number of samples
    }

    [Fact]
    public void An_image_and_a_numeric_vector_train_together_on_fashion_mnist()
    {
        (Dataset train, Dataset test) = FashionMnist.LoadSubset();
        var scale = Scale.DivideBy(255f);
        (float[] Pixels, float[] Profile, int[] Labels) Inputs(Dataset images)
        {
            images = scale.Transform(images);
            int n = images.Count;
            float[] pixels = images.Features.ToArray();
            var profile = new float[n * 28];
            for (int s = 0; s < n; s++)
                for (int row = 0; row < 28; row++)
                    profile[s * 28 + row] = pixels.AsSpan(s * 784 + row * 28, 28).ToArray().Average();
            return (pixels, profile, images.Labels!);
        }
        (float[] trainPixels, float[] trainProfile, int[] trainLabels) = Inputs(train);
        (float[] testPixels, float[] testProfile, int[] testLabels) = Inputs(test);
        var model = new ImageAndProfile(0);
        using var trainer = model.CreateTrainer(32);
        TrainingHistory history = trainer.Fit(trainPixels, trainProfile, trainLabels, new FitOptions { Epochs = 2, BatchSize = 32, Seed = 0 });
        Assert.True(history.Epochs[^1].Loss < history.Epochs[0].Loss, "the training loss did not fall");
        EvaluationResult result = model.Evaluate(testPixels, testProfile, testLabels);
        Assert.True(result.Accuracy >= 0.75, $"test accuracy {result.Accuracy:F4} after 2 epochs on the 6,000-image subset");
    }

    [Fact]
    public void A_residual_mlp_trains_on_fashion_mnist()
    {
        (Dataset train, Dataset test) = FashionMnist.LoadSubset();
        var scale = Scale.DivideBy(255f);
        train = scale.Transform(train);
        test = scale.Transform(test);
        var model = new ResidualFashion(0);
        using var trainer = model.CreateTrainer(32);
        TrainingHistory history = trainer.Fit(train, new FitOptions { Epochs = 3, BatchSize = 32, Seed = 0 });
        Assert.True(history.Epochs[^1].Loss < history.Epochs[0].Loss, "the training loss did not fall");
        EvaluationResult result = Evaluator.Evaluate(model, test);
        Assert.True(result.Accuracy >= 0.78, $"test accuracy {result.Accuracy:F4} after 3 epochs on the 6,000-image subset");
        // the fingerprint carries the wiring: a stack of the same layers is another architecture
        Assert.Equal("Input(784) Dense(64,ReLU) Dense(64,ReLU) Dense(64,Linear) Add@1,3 Dense(10,Softmax) Loss(SparseCategoricalCrossEntropy) Adam", ResidualFashion.Architecture);
    }
}
