using NetGen;

namespace NetGen.Tests;

public abstract record SLayer;

/// <summary>Embedding(V, D): weights [V, D], row = token id.</summary>
public sealed record SEmbedding(int Vocabulary, int Dimension, bool MaskZero = false) : SLayer;

/// <summary>SimpleRNN(U): kernel [F, U], recurrent kernel [U, U], bias [U].</summary>
public sealed record SSimpleRnn(int Units, Activation Act = Activation.Tanh, bool ReturnSequences = false) : SLayer;

/// <summary>LSTM(U): kernel [F, 4U], recurrent kernel [U, 4U], bias [4U]; gate blocks i, f, c, o.</summary>
public sealed record SLstm(int Units, bool ReturnSequences = false) : SLayer;

/// <summary>GRU(U), reset_after: kernel [F, 3U], recurrent kernel [U, 3U], bias [2, 3U]; gate blocks z, r, h.</summary>
public sealed record SGru(int Units, bool ReturnSequences = false) : SLayer;

/// <summary>Dropout as at inference (or with rate 0): the identity; a mask passes through.</summary>
public sealed record SDropout : SLayer;

/// <summary>Flatten of a (T, U) sequence, step-major.</summary>
public sealed record SFlatten : SLayer;

public sealed record SDense(int Units, Activation Act = Activation.Linear) : SLayer;

/// <summary>Global max or average pooling of a (T, F) sequence over its steps: (F).</summary>
public sealed record SGlobalPool(bool Max) : SLayer;

/// <summary>One tensor of the parameter block as the reference lays it out.</summary>
public sealed record STensor(int Layer, string Name, int Offset, int Rows, int Cols)
{
    public int Length => Rows * Cols;
}

/// <summary>
/// A plain double-precision forward pass of sequence networks (Input(T, F) or Input(T) token ids → [Embedding] →
/// SimpleRNN / LSTM / GRU (stackable, last state or every step) → [Dropout] / [Flatten] → Dense…), written from the
/// layers' definitions (Keras's formulations, GRU with reset_after) and independently of the generator. Masking:
/// after an Embedding with MaskZero, a step whose token id is 0 is skipped by every recurrent layer that sees the
/// sequence (states carried over; with ReturnSequences the carried-over state is that step's output). Gradients come
/// from central differences of the mean loss.
/// </summary>
public sealed class SequenceReference
{
    private readonly int[] _inputShape;
    private readonly SLayer[] _layers;
    private readonly STensor[] _tensors;

    public SequenceReference(int[] inputShape, SLayer[] layers, LossKind loss)
    {
        _inputShape = inputShape;
        _layers = layers;
        Loss = loss;
        _tensors = BuildLayout();
    }

    public LossKind Loss { get; }
    public IReadOnlyList<SLayer> Layers => _layers;
    public int InputSize => _inputShape.Aggregate(1, (a, b) => a * b);
    public int Steps => _inputShape[0];
    public bool TokenInput => _inputShape.Length == 1;
    public int OutputSize { get; private set; }
    public int ParameterCount => _tensors.Length == 0 ? 0 : _tensors[^1].Offset + _tensors[^1].Length;

    /// <summary>Every tensor, in parameter-block order (layer after layer; kernel, recurrent kernel, bias within one).</summary>
    public IReadOnlyList<STensor> Tensors => _tensors;

    /// <summary>The tensor <paramref name="name"/> ("embeddings", "kernel", "recurrent", "bias", "weights", "biases") of layer <paramref name="layer"/> (zero-based, as declared).</summary>
    public STensor Tensor(int layer, string name) => _tensors.Single(t => t.Layer == layer && t.Name == name);

    private STensor[] BuildLayout()
    {
        var list = new List<STensor>();
        int offset = 0;
        int steps = _inputShape[0];
        int width = _inputShape.Length == 2 ? _inputShape[1] : 1;
        bool sequence = true;
        void Add(int layer, string name, int rows, int cols)
        {
            list.Add(new STensor(layer, name, offset, rows, cols));
            offset += rows * cols;
        }
        for (int l = 0; l < _layers.Length; l++)
        {
            switch (_layers[l])
            {
                case SEmbedding e:
                    if (!TokenInput || l != 0) throw new ArgumentException("Embedding must follow Input(T)");
                    Add(l, "embeddings", e.Vocabulary, e.Dimension);
                    width = e.Dimension;
                    break;
                case SSimpleRnn r:
                    if (!sequence) throw new ArgumentException("a recurrent layer needs a sequence");
                    Add(l, "kernel", width, r.Units);
                    Add(l, "recurrent", r.Units, r.Units);
                    Add(l, "bias", 1, r.Units);
                    width = r.Units;
                    sequence = r.ReturnSequences;
                    break;
                case SLstm r:
                    if (!sequence) throw new ArgumentException("a recurrent layer needs a sequence");
                    Add(l, "kernel", width, 4 * r.Units);
                    Add(l, "recurrent", r.Units, 4 * r.Units);
                    Add(l, "bias", 1, 4 * r.Units);
                    width = r.Units;
                    sequence = r.ReturnSequences;
                    break;
                case SGru r:
                    if (!sequence) throw new ArgumentException("a recurrent layer needs a sequence");
                    Add(l, "kernel", width, 3 * r.Units);
                    Add(l, "recurrent", r.Units, 3 * r.Units);
                    Add(l, "bias", 2, 3 * r.Units);
                    width = r.Units;
                    sequence = r.ReturnSequences;
                    break;
                case SDropout:
                    break;
                case SFlatten:
                    if (sequence) width *= steps;
                    sequence = false;
                    break;
                case SGlobalPool:
                    if (!sequence) throw new ArgumentException("global pooling needs a sequence");
                    sequence = false;
                    break;
                case SDense d:
                    if (sequence) throw new ArgumentException("Dense after a sequence needs Flatten");
                    Add(l, "weights", width, d.Units);
                    Add(l, "biases", 1, d.Units);
                    width = d.Units;
                    break;
            }
        }
        if (sequence) throw new ArgumentException("the network must end in a vector");
        OutputSize = width;
        return list.ToArray();
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    private static double Act(Activation act, double v) => act switch
    {
        Activation.ReLU => Math.Max(0, v),
        Activation.Sigmoid => Sigmoid(v),
        Activation.Tanh => Math.Tanh(v),
        Activation.Linear => v,
        _ => throw new ArgumentException($"{act} is not an element-wise activation"),
    };

    /// <summary>The token id at one step, checked as the layer documents (an integer in [0, V)).</summary>
    public static int Token(float value, int vocabulary)
    {
        if (float.IsNaN(value) || value < 0 || value >= vocabulary || value != MathF.Floor(value))
            throw new ArgumentOutOfRangeException(nameof(value), $"token id {value} is not an integer in [0, {vocabulary})");
        return (int)value;
    }

    /// <summary>The last layer's pre-activation values (logits) and its activated outputs, for one sample.</summary>
    public (double[] Logits, double[] Outputs) Forward(double[] p, ReadOnlySpan<float> x)
    {
        if (x.Length != InputSize) throw new ArgumentException("input length");
        int steps = Steps;
        // the running value: a sequence seq[t][k], or a vector vec[k]
        double[][]? seq;
        double[]? vec = null;
        bool[]? present = null; // null: no mask; else present[t] is false for a masked step
        if (TokenInput)
        {
            seq = new double[steps][];
            for (int t = 0; t < steps; t++) seq[t] = new[] { (double)x[t] };
        }
        else
        {
            int f = _inputShape[1];
            seq = new double[steps][];
            for (int t = 0; t < steps; t++)
            {
                seq[t] = new double[f];
                for (int k = 0; k < f; k++) seq[t][k] = x[(t * f) + k];
            }
        }

        double[] logits = Array.Empty<double>(), outputs = Array.Empty<double>();
        for (int l = 0; l < _layers.Length; l++)
        {
            switch (_layers[l])
            {
                case SEmbedding e:
                {
                    STensor w = Tensor(l, "embeddings");
                    var o = new double[steps][];
                    if (e.MaskZero) present = new bool[steps];
                    for (int t = 0; t < steps; t++)
                    {
                        int id = Token(x[t], e.Vocabulary);
                        if (present is not null) present[t] = id != 0;
                        o[t] = new double[e.Dimension];
                        for (int d = 0; d < e.Dimension; d++) o[t][d] = p[w.Offset + (id * e.Dimension) + d];
                    }
                    seq = o;
                    break;
                }
                case SSimpleRnn or SLstm or SGru:
                {
                    var (states, last) = _layers[l] switch
                    {
                        SSimpleRnn r => SimpleRnn(p, l, r, seq!, present),
                        SLstm r => Lstm(p, l, r, seq!, present),
                        SGru r => Gru(p, l, r, seq!, present),
                        _ => throw new InvalidOperationException(),
                    };
                    bool returnSequences = _layers[l] switch
                    {
                        SSimpleRnn r => r.ReturnSequences,
                        SLstm r => r.ReturnSequences,
                        SGru r => r.ReturnSequences,
                        _ => false,
                    };
                    if (returnSequences)
                    {
                        seq = states; // the mask, if any, goes on to the next layer
                        vec = null;
                    }
                    else
                    {
                        seq = null;
                        vec = last;
                        present = null;
                    }
                    break;
                }
                case SDropout:
                    break;
                case SFlatten:
                    if (seq is not null)
                    {
                        vec = seq.SelectMany(s => s).ToArray();
                        seq = null;
                        present = null;
                    }
                    break;
                case SGlobalPool pool:
                {
                    int features = seq![0].Length;
                    vec = new double[features];
                    for (int k = 0; k < features; k++)
                    {
                        double best = double.NegativeInfinity, sum = 0;
                        foreach (double[] step in seq)
                        {
                            best = Math.Max(best, step[k]);
                            sum += step[k];
                        }
                        vec[k] = pool.Max ? best : sum / seq.Length;
                    }
                    seq = null;
                    present = null;
                    break;
                }
                case SDense d:
                {
                    STensor w = Tensor(l, "weights"), b = Tensor(l, "biases");
                    double[] a = vec!;
                    int n = a.Length, m = d.Units;
                    var z = new double[m];
                    for (int j = 0; j < m; j++)
                    {
                        double s = p[b.Offset + j];
                        for (int i = 0; i < n; i++) s += a[i] * p[w.Offset + (i * m) + j];
                        z[j] = s;
                    }
                    logits = z;
                    if (d.Act == Activation.Softmax)
                    {
                        double max = z.Max(), sum = 0;
                        var y = new double[m];
                        for (int j = 0; j < m; j++) sum += y[j] = Math.Exp(z[j] - max);
                        for (int j = 0; j < m; j++) y[j] /= sum;
                        vec = y;
                    }
                    else
                    {
                        vec = z.Select(v => Act(d.Act, v)).ToArray();
                    }
                    outputs = vec;
                    break;
                }
            }
        }
        if (_layers[^1] is not SDense)
        {
            // the network ends in a recurrent layer (or flatten): its values are both logits and outputs
            logits = outputs = vec!;
        }
        return (logits, outputs);
    }

    /// <summary>x_t·W for every output column j of a [F, cols] kernel at <paramref name="offset"/>.</summary>
    private static double Dot(double[] p, int offset, int cols, double[] v, int j)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++) s += v[i] * p[offset + (i * cols) + j];
        return s;
    }

    private (double[][] States, double[] Last) SimpleRnn(double[] p, int l, SSimpleRnn r, double[][] xs, bool[]? present)
    {
        int u = r.Units;
        STensor w = Tensor(l, "kernel"), rec = Tensor(l, "recurrent"), b = Tensor(l, "bias");
        var h = new double[u];
        var states = new double[xs.Length][];
        for (int t = 0; t < xs.Length; t++)
        {
            if (present is null || present[t])
            {
                var next = new double[u];
                for (int j = 0; j < u; j++)
                {
                    double z = p[b.Offset + j] + Dot(p, w.Offset, u, xs[t], j) + Dot(p, rec.Offset, u, h, j);
                    next[j] = Act(r.Act, z);
                }
                h = next;
            }
            states[t] = (double[])h.Clone();
        }
        return (states, h);
    }

    private (double[][] States, double[] Last) Lstm(double[] p, int l, SLstm r, double[][] xs, bool[]? present)
    {
        int u = r.Units, cols = 4 * u;
        STensor w = Tensor(l, "kernel"), rec = Tensor(l, "recurrent"), b = Tensor(l, "bias");
        var h = new double[u];
        var c = new double[u];
        var states = new double[xs.Length][];
        for (int t = 0; t < xs.Length; t++)
        {
            if (present is null || present[t])
            {
                var z = new double[cols];
                for (int j = 0; j < cols; j++) z[j] = p[b.Offset + j] + Dot(p, w.Offset, cols, xs[t], j) + Dot(p, rec.Offset, cols, h, j);
                var nh = new double[u];
                var nc = new double[u];
                for (int k = 0; k < u; k++)
                {
                    double i = Sigmoid(z[k]);
                    double f = Sigmoid(z[u + k]);
                    double g = Math.Tanh(z[(2 * u) + k]);
                    double o = Sigmoid(z[(3 * u) + k]);
                    nc[k] = (f * c[k]) + (i * g);
                    nh[k] = o * Math.Tanh(nc[k]);
                }
                h = nh;
                c = nc;
            }
            states[t] = (double[])h.Clone();
        }
        return (states, h);
    }

    private (double[][] States, double[] Last) Gru(double[] p, int l, SGru r, double[][] xs, bool[]? present)
    {
        int u = r.Units, cols = 3 * u;
        STensor w = Tensor(l, "kernel"), rec = Tensor(l, "recurrent"), b = Tensor(l, "bias");
        int bx = b.Offset, bh = b.Offset + cols; // row 0: input bias, row 1: recurrent bias
        var h = new double[u];
        var states = new double[xs.Length][];
        for (int t = 0; t < xs.Length; t++)
        {
            if (present is null || present[t])
            {
                var xz = new double[cols];
                var hz = new double[cols];
                for (int j = 0; j < cols; j++)
                {
                    xz[j] = p[bx + j] + Dot(p, w.Offset, cols, xs[t], j);
                    hz[j] = p[bh + j] + Dot(p, rec.Offset, cols, h, j);
                }
                var nh = new double[u];
                for (int k = 0; k < u; k++)
                {
                    double z = Sigmoid(xz[k] + hz[k]);
                    double rr = Sigmoid(xz[u + k] + hz[u + k]);
                    double n = Math.Tanh(xz[(2 * u) + k] + (rr * hz[(2 * u) + k]));
                    nh[k] = (z * h[k]) + ((1 - z) * n);
                }
                h = nh;
            }
            states[t] = (double[])h.Clone();
        }
        return (states, h);
    }

    /// <summary>Loss of one sample, as Keras defines it (cross-entropies from the logits).</summary>
    public double SampleLoss(double[] p, ReadOnlySpan<float> x, int label, ReadOnlySpan<float> target)
    {
        var (logits, y) = Forward(p, x);
        switch (Loss)
        {
            case LossKind.SparseCategoricalCrossEntropy:
            {
                double max = logits.Max(), sum = 0;
                foreach (double v in logits) sum += Math.Exp(v - max);
                return max + Math.Log(sum) - logits[label];
            }
            case LossKind.CategoricalCrossEntropy:
            {
                double max = logits.Max(), sum = 0;
                foreach (double v in logits) sum += Math.Exp(v - max);
                double lse = max + Math.Log(sum), total = 0;
                for (int j = 0; j < logits.Length; j++) total += target[j] * (lse - logits[j]);
                return total;
            }
            case LossKind.BinaryCrossEntropy:
            {
                double s = 0;
                for (int j = 0; j < logits.Length; j++)
                {
                    double t = logits.Length == 1 && target.IsEmpty ? label : target[j];
                    s += Math.Max(logits[j], 0) - (logits[j] * t) + Math.Log(1 + Math.Exp(-Math.Abs(logits[j])));
                }
                return s / logits.Length;
            }
            default:
            {
                double e = 0;
                for (int j = 0; j < y.Length; j++) e += (y[j] - target[j]) * (y[j] - target[j]);
                return e / y.Length;
            }
        }
    }

    /// <summary>Mean loss over the batch: labels for the label losses, else targets (<see cref="OutputSize"/> per sample).</summary>
    public double MeanLoss(double[] p, float[] inputs, int[]? labels, float[]? targets, int batch)
    {
        double total = 0;
        int n = OutputSize;
        for (int r = 0; r < batch; r++)
        {
            total += SampleLoss(
                p,
                inputs.AsSpan(r * InputSize, InputSize),
                labels is null ? -1 : labels[r],
                targets is null ? ReadOnlySpan<float>.Empty : targets.AsSpan(r * n, n));
        }
        return total / batch;
    }

    /// <summary>Central differences of <see cref="MeanLoss"/> for the given parameters (all when null); NaN for the others.</summary>
    public double[] FiniteDifferenceGradient(double[] p, float[] inputs, int[]? labels, float[]? targets, int batch, IEnumerable<int>? indices = null, double h = 1e-6)
    {
        var g = new double[p.Length];
        if (indices is not null) Array.Fill(g, double.NaN);
        foreach (int i in indices ?? Enumerable.Range(0, p.Length))
        {
            double saved = p[i];
            p[i] = saved + h;
            double up = MeanLoss(p, inputs, labels, targets, batch);
            p[i] = saved - h;
            double down = MeanLoss(p, inputs, labels, targets, batch);
            p[i] = saved;
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }
}
