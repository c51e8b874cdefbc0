using NetGen;
using NetGen.Tests.Networks;

namespace NetGen.Tests;

/// <summary>Every test network with its independent reference description.</summary>
public sealed record NetCase(string Name, Func<int, ITrainableModel> Create, Reference Reference)
{
    public override string ToString() => Name;

    public static readonly NetCase[] All =
    {
        new("FashionMlp", s => new FashionMlp(s), new Reference(784, new[] { (64, Activation.ReLU), (64, Activation.ReLU), (10, Activation.Softmax) }, LossKind.SparseCategoricalCrossEntropy)),
        new("OddSparse", s => new OddSparse(s), new Reference(37, new[] { (33, Activation.ReLU), (19, Activation.Tanh), (7, Activation.Softmax) }, LossKind.SparseCategoricalCrossEntropy)),
        new("CategoricalNet", s => new CategoricalNet(s), new Reference(5, new[] { (17, Activation.Sigmoid), (4, Activation.Softmax) }, LossKind.CategoricalCrossEntropy)),
        new("MultiLabelNet", s => new MultiLabelNet(s), new Reference(6, new[] { (9, Activation.Linear), (3, Activation.Sigmoid) }, LossKind.BinaryCrossEntropy)),
        new("XorNet", s => new XorNet(s), new Reference(2, new[] { (8, Activation.Tanh), (1, Activation.Sigmoid) }, LossKind.BinaryCrossEntropy)),
        new("RegressionNet", s => new RegressionNet(s), new Reference(3, new[] { (16, Activation.ReLU), (2, Activation.Linear) }, LossKind.MeanSquaredError)),
        new("MseReluNet", s => new MseReluNet(s), new Reference(4, new[] { (21, Activation.Tanh), (18, Activation.ReLU) }, LossKind.MeanSquaredError)),
        new("MseSigmoidNet", s => new MseSigmoidNet(s), new Reference(4, new[] { (8, Activation.ReLU), (3, Activation.Sigmoid) }, LossKind.MeanSquaredError)),
        new("MseTanhNet", s => new MseTanhNet(s), new Reference(4, new[] { (8, Activation.Sigmoid), (3, Activation.Tanh) }, LossKind.MeanSquaredError)),
        new("MseSoftmaxNet", s => new MseSoftmaxNet(s), new Reference(4, new[] { (8, Activation.Tanh), (5, Activation.Softmax) }, LossKind.MeanSquaredError)),
        new("SoftmaxRegression", s => new SoftmaxRegression(s), new Reference(20, new[] { (3, Activation.Softmax) }, LossKind.SparseCategoricalCrossEntropy)),
        new("RingsNet", s => new RingsNet(s), new Reference(2, new[] { (32, Activation.ReLU), (32, Activation.ReLU), (2, Activation.Softmax) }, LossKind.SparseCategoricalCrossEntropy)),
        new("GeluSiluNet", s => new GeluSiluNet(s), new Reference(37, new[] { (33, Activation.GELU), (19, Activation.SiLU), (7, Activation.Softmax) }, LossKind.SparseCategoricalCrossEntropy)),
        new("MseGeluNet", s => new MseGeluNet(s), new Reference(4, new[] { (21, Activation.GELUTanh), (5, Activation.GELU) }, LossKind.MeanSquaredError)),
        new("MseSiluNet", s => new MseSiluNet(s), new Reference(6, new[] { (12, Activation.GELUTanh), (3, Activation.SiLU) }, LossKind.MeanSquaredError)),
        // an [Activation] layer after a linear [Dense] computes what the dense layer with that activation does, with the same parameters
        new("DenseActivationLayers", s => new DenseActivationLayers(s), new Reference(7, new[] { (16, Activation.GELU), (12, Activation.Sigmoid), (10, Activation.SiLU), (5, Activation.Softmax) }, LossKind.SparseCategoricalCrossEntropy)),
        new("LeakyEluNet", s => new LeakyEluNet(s), new Reference(13, new[] { (11, Activation.LeakyReLU), (9, Activation.ELU), (5, Activation.Softmax) }, LossKind.SparseCategoricalCrossEntropy, new[] { double.NaN, 0.5, double.NaN })),
        new("MseLeakyNet", s => new MseLeakyNet(s), new Reference(5, new[] { (10, Activation.ELU), (3, Activation.LeakyReLU) }, LossKind.MeanSquaredError, new[] { double.NaN, 0.01 })),
        new("ParametricActivationLayers", s => new ParametricActivationLayers(s), new Reference(6, new[] { (9, Activation.LeakyReLU), (7, Activation.ELU), (3, Activation.ELU) }, LossKind.MeanSquaredError, new[] { 0.2, 1.5, double.NaN })),
        new("MseActivationLayers", s => new MseActivationLayers(s), new Reference(6, new[] { (8, Activation.GELUTanh), (7, Activation.Tanh), (6, Activation.ReLU), (3, Activation.Linear) }, LossKind.MeanSquaredError)),
        new("MaeNet", s => new MaeNet(s), new Reference(4, new[] { (9, Activation.Tanh), (3, Activation.Linear) }, LossKind.MeanAbsoluteError)),
        new("MaeSigmoidNet", s => new MaeSigmoidNet(s), new Reference(5, new[] { (8, Activation.ReLU), (4, Activation.Sigmoid) }, LossKind.MeanAbsoluteError)),
        new("HuberNet", s => new HuberNet(s), new Reference(4, new[] { (10, Activation.ReLU), (3, Activation.Tanh) }, LossKind.Huber) { Delta = 0.5 }),
        new("HuberLinearNet", s => new HuberLinearNet(s), new Reference(3, new[] { (12, Activation.GELU), (2, Activation.Linear) }, LossKind.Huber)),
        new("SmoothSparseNet", s => new SmoothSparseNet(s), new Reference(6, new[] { (11, Activation.ReLU), (10, Activation.Softmax) }, LossKind.SparseCategoricalCrossEntropy) { LabelSmoothing = 0.1f }),
        new("SmoothSparseOddNet", s => new SmoothSparseOddNet(s), new Reference(7, new[] { (6, Activation.Tanh), (5, Activation.Softmax) }, LossKind.SparseCategoricalCrossEntropy) { LabelSmoothing = 0.3f }),
        new("SmoothCategoricalNet", s => new SmoothCategoricalNet(s), new Reference(5, new[] { (7, Activation.Tanh), (4, Activation.Softmax) }, LossKind.CategoricalCrossEntropy) { LabelSmoothing = 0.2f }),
    };

    public static IEnumerable<object[]> Data() => All.Select(c => new object[] { c.Name });

    public static NetCase Get(string name) => All.Single(c => c.Name == name);

    /// <summary>A random batch: inputs in [-1, 1], and labels (when the loss takes them) or targets that fit the loss.</summary>
    public (float[] Inputs, int[]? Labels, float[]? Targets) Batch(int batch, int seed, bool preferLabels = true)
    {
        var random = new Random(seed);
        var r = Reference;
        var inputs = new float[batch * r.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)(random.NextDouble() * 2 - 1);
        bool labels = preferLabels && r.Loss is not (LossKind.MeanSquaredError or LossKind.MeanAbsoluteError or LossKind.Huber) && (r.Loss != LossKind.BinaryCrossEntropy || r.OutputSize == 1);
        if (labels)
        {
            int classes = r.OutputSize == 1 ? 2 : r.OutputSize;
            return (inputs, Enumerable.Range(0, batch).Select(_ => random.Next(classes)).ToArray(), null);
        }
        var targets = new float[batch * r.OutputSize];
        for (int s = 0; s < batch; s++)
        {
            var row = targets.AsSpan(s * r.OutputSize, r.OutputSize);
            switch (r.Loss)
            {
                case LossKind.CategoricalCrossEntropy:
                case LossKind.SparseCategoricalCrossEntropy:
                    // a probability vector, not just one-hot, to exercise the general gradient
                    float sum = 0;
                    for (int j = 0; j < row.Length; j++) sum += row[j] = (float)random.NextDouble();
                    for (int j = 0; j < row.Length; j++) row[j] /= sum;
                    break;
                case LossKind.BinaryCrossEntropy:
                    for (int j = 0; j < row.Length; j++) row[j] = random.Next(2);
                    break;
                default:
                    for (int j = 0; j < row.Length; j++) row[j] = (float)(random.NextDouble() * 2 - 1);
                    break;
            }
        }
        return (inputs, null, targets);
    }

    /// <summary>Random parameters (biases too, so no gradient is trivially zero).</summary>
    public static void Randomize(IModel model, int seed, float scale = 0.5f)
    {
        var random = new Random(seed);
        Span<float> p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (float)((random.NextDouble() * 2 - 1) * scale);
    }
}
