using NetGen.Data;

namespace NetGen.Runtime.Tests.Training;

/// <summary>Multinomial logistic regression: outputs = softmax(x·W + b), W stored [in, out] then b. Allocates nothing.</summary>
internal sealed class SoftmaxRegression : IModel
{
    private readonly float[] _parameters;

    public SoftmaxRegression(int inputSize, int classes, LossKind loss = LossKind.SparseCategoricalCrossEntropy)
    {
        InputSize = inputSize;
        OutputSize = classes;
        Loss = loss;
        _parameters = new float[inputSize * classes + classes];
        ParameterBlocks =
        [
            new ParameterBlock("0.weight", 0, [inputSize, classes], 0, "weight"),
            new ParameterBlock("0.bias", inputSize * classes, [classes], 0, "bias"),
        ];
    }

    public int InputSize { get; }
    public int OutputSize { get; }
    public int ParameterCount => _parameters.Length;
    public LossKind Loss { get; }
    public string Architecture => $"Input({InputSize}) Dense({OutputSize},Softmax) Loss({Loss}) Sgd";
    public Span<float> Parameters => _parameters;
    public IReadOnlyList<ParameterBlock> ParameterBlocks { get; }

    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        int d = InputSize, k = OutputSize;
        ReadOnlySpan<float> w = _parameters.AsSpan(0, d * k), b = _parameters.AsSpan(d * k, k);
        float max = float.NegativeInfinity;
        for (int c = 0; c < k; c++)
        {
            float z = b[c];
            for (int j = 0; j < d; j++) z += input[j] * w[j * k + c];
            output[c] = z;
            if (z > max) max = z;
        }
        float sum = 0;
        for (int c = 0; c < k; c++) sum += output[c] = MathF.Exp(output[c] - max);
        for (int c = 0; c < k; c++) output[c] /= sum;
    }

    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batch)
    {
        for (int i = 0; i < batch; i++)
            Predict(inputs.Slice(i * InputSize, InputSize), outputs.Slice(i * OutputSize, OutputSize));
    }

    public int Classify(ReadOnlySpan<float> input)
    {
        Span<float> output = stackalloc float[OutputSize];
        Predict(input, output);
        int best = 0;
        for (int c = 1; c < output.Length; c++) if (output[c] > output[best]) best = c;
        return best;
    }
}

/// <summary>Plain mini-batch SGD on the cross-entropy of a <see cref="SoftmaxRegression"/>. Allocates nothing after construction.</summary>
internal sealed class SgdTrainer : ITrainer
{
    private readonly SoftmaxRegression _model;
    private readonly float[] _probabilities, _gradient;
    private readonly int[] _batchSizes = new int[10_000];

    public SgdTrainer(SoftmaxRegression model, int maxBatchSize, float learningRate)
    {
        _model = model;
        MaxBatchSize = maxBatchSize;
        LearningRate = learningRate;
        _probabilities = new float[maxBatchSize * model.OutputSize];
        _gradient = new float[model.ParameterCount];
    }

    public IModel Model => _model;
    public int MaxBatchSize { get; }
    public float LearningRate { get; }
    public long Step { get; set; }
    public Span<float> OptimizerState => Span<float>.Empty;
    public bool AcceptsLabels { get; init; } = true;
    public int LabelCalls { get; private set; }
    public int TargetCalls { get; private set; }
    public int RecordedBatches { get; private set; }
    public ReadOnlySpan<int> BatchSizes => _batchSizes.AsSpan(0, RecordedBatches);

    public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        if (!AcceptsLabels) throw new NotSupportedException("This trainer takes targets only.");
        LabelCalls++;
        int n = labels.Length, k = _model.OutputSize;
        Span<float> p = Forward(inputs, n);
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            Span<float> row = p.Slice(i * k, k);
            loss -= Math.Log(Math.Max(row[labels[i]], 1e-7f));
            row[labels[i]] -= 1f; // dL/dz = p − onehot
        }
        Update(inputs, p, n);
        return (float)(loss / n);
    }

    public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)
    {
        TargetCalls++;
        int k = _model.OutputSize, n = targets.Length / k;
        Span<float> p = Forward(inputs, n);
        double loss = 0;
        for (int i = 0; i < n * k; i++)
        {
            if (targets[i] != 0) loss -= targets[i] * Math.Log(Math.Max(p[i], 1e-7f));
            p[i] -= targets[i];
        }
        Update(inputs, p, n);
        return (float)(loss / n);
    }

    private Span<float> Forward(ReadOnlySpan<float> inputs, int n)
    {
        if (n < 1 || n > MaxBatchSize) throw new ArgumentOutOfRangeException(nameof(n));
        if (inputs.Length != n * _model.InputSize) throw new ArgumentException("inputs and batch disagree");
        if (RecordedBatches < _batchSizes.Length) _batchSizes[RecordedBatches++] = n;
        Span<float> p = _probabilities.AsSpan(0, n * _model.OutputSize);
        _model.Predict(inputs, p, n);
        return p;
    }

    private void Update(ReadOnlySpan<float> inputs, ReadOnlySpan<float> dz, int n)
    {
        int d = _model.InputSize, k = _model.OutputSize;
        Span<float> g = _gradient;
        g.Clear();
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> x = inputs.Slice(i * d, d), e = dz.Slice(i * k, k);
            for (int j = 0; j < d; j++)
                for (int c = 0; c < k; c++) g[j * k + c] += x[j] * e[c];
            for (int c = 0; c < k; c++) g[d * k + c] += e[c];
        }
        Span<float> w = _model.Parameters;
        float scale = LearningRate / n;
        for (int i = 0; i < w.Length; i++) w[i] -= scale * g[i];
        Step++;
    }
}

/// <summary>Outputs softmax(Parameters) whatever the input: the parameters are the logits.</summary>
internal sealed class ConstantModel : IModel
{
    private readonly float[] _logits;

    public ConstantModel(int inputSize, int classes)
    {
        InputSize = inputSize;
        OutputSize = classes;
        _logits = new float[classes];
        ParameterBlocks = [new ParameterBlock("0.bias", 0, [classes], 0, "bias")];
    }

    public int InputSize { get; }
    public int OutputSize { get; }
    public int ParameterCount => _logits.Length;
    public LossKind Loss => LossKind.SparseCategoricalCrossEntropy;
    public string Architecture => $"Input({InputSize}) Constant({OutputSize},Softmax)";
    public Span<float> Parameters => _logits;
    public IReadOnlyList<ParameterBlock> ParameterBlocks { get; }

    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        float max = float.NegativeInfinity;
        foreach (float z in _logits) max = Math.Max(max, z);
        float sum = 0;
        for (int c = 0; c < OutputSize; c++) sum += output[c] = MathF.Exp(_logits[c] - max);
        for (int c = 0; c < OutputSize; c++) output[c] /= sum;
    }

    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batch)
    {
        for (int i = 0; i < batch; i++)
            Predict(inputs.Slice(i * InputSize, InputSize), outputs.Slice(i * OutputSize, OutputSize));
    }

    public int Classify(ReadOnlySpan<float> input)
    {
        int best = 0;
        for (int c = 1; c < OutputSize; c++) if (_logits[c] > _logits[best]) best = c;
        return best;
    }
}

/// <summary>
/// Learns nothing: for epoch e (counted from its own steps) returns <c>Losses[e]</c> and sets the model's logits to
/// <c>Logits[e]</c>. Records batch sizes and the sample ids (first feature) it was shown, and can return NaN at a given step.
/// </summary>
internal sealed class ScriptedTrainer : ITrainer
{
    private readonly ConstantModel _model;
    private readonly int[] _batchSizes = new int[10_000];
    private readonly int[] _sampleIds = new int[100_000];

    public ScriptedTrainer(ConstantModel model, int maxBatchSize, int batchesPerEpoch, double[] losses, float[][]? logits = null)
    {
        _model = model;
        MaxBatchSize = maxBatchSize;
        BatchesPerEpoch = batchesPerEpoch;
        Losses = losses;
        Logits = logits;
    }

    public IModel Model => _model;
    public int MaxBatchSize { get; }
    public int BatchesPerEpoch { get; }
    public double[] Losses { get; }
    public float[][]? Logits { get; }
    public long Step { get; set; }
    public Span<float> OptimizerState => Span<float>.Empty;
    public bool AcceptsLabels => true;
    public long BadStep { get; init; } = -1;
    public float BadLoss { get; init; } = float.NaN;
    public int RecordedBatches { get; private set; }
    public int RecordedSamples { get; private set; }
    public ReadOnlySpan<int> BatchSizes => _batchSizes.AsSpan(0, RecordedBatches);
    public ReadOnlySpan<int> SampleIds => _sampleIds.AsSpan(0, RecordedSamples);

    public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) => Record(inputs, labels.Length);

    public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets) => Record(inputs, targets.Length / _model.OutputSize);

    private float Record(ReadOnlySpan<float> inputs, int n)
    {
        if (n < 1 || n > MaxBatchSize || inputs.Length != n * _model.InputSize) throw new ArgumentException("bad batch");
        _batchSizes[RecordedBatches++] = n;
        for (int i = 0; i < n; i++) _sampleIds[RecordedSamples++] = (int)inputs[i * _model.InputSize];
        long step = Step++;
        int epoch = (int)(step / BatchesPerEpoch);
        if (Logits is not null) Logits[Math.Min(epoch, Logits.Length - 1)].CopyTo(_model.Parameters);
        if (step == BadStep) return BadLoss;
        return (float)Losses[Math.Min(epoch, Losses.Length - 1)];
    }
}

internal static class TestData
{
    /// <summary>Three Gaussian blobs in 2-D (σ = 1, centres 6 apart), classes interleaved.</summary>
    public static Dataset Blobs(int count, ulong seed)
    {
        float[][] centres = [[-3f, 0f], [3f, 0f], [0f, 5f]];
        var random = new SeededRandom(seed);
        var features = new float[count * 2];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int c = i % 3;
            labels[i] = c;
            for (int j = 0; j < 2; j++) features[i * 2 + j] = centres[c][j] + Gaussian(ref random);
        }
        return new Dataset(features, [2], labels, ["left", "right", "top"]);
    }

    /// <summary>Samples whose only feature is their index, with the given label for all of them.</summary>
    public static Dataset Indexed(int count, int label = 0)
    {
        var features = new float[count];
        for (int i = 0; i < count; i++) features[i] = i;
        var labels = new int[count];
        Array.Fill(labels, label);
        return new Dataset(features, [1], labels);
    }

    /// <summary>The same data with one-hot float targets instead of labels.</summary>
    public static Dataset OneHot(Dataset data, int classes)
    {
        var targets = new float[data.Count * classes];
        for (int i = 0; i < data.Count; i++) targets[i * classes + data.Labels![i]] = 1f;
        return new Dataset(data.Features, data.SampleShape.ToArray(), targets, classes);
    }

    private static float Gaussian(ref SeededRandom random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
