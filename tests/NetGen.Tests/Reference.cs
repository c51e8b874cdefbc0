using NetGen;
using NetGen.Tests.Support;

namespace NetGen.Tests;

/// <summary>
/// A plain double-precision implementation of dense networks (forward, loss, backpropagation), written
/// independently of the generator, to check the generated code against.
/// </summary>
public sealed class Reference
{
    /// <param name="alphas">Each layer's LeakyReLU or ELU α (NaN: Keras's default); null: all defaults.</param>
    public Reference(int inputSize, (int Units, Activation Activation)[] layers, LossKind loss, double[]? alphas = null)
    {
        InputSize = inputSize;
        Layers = layers;
        Loss = loss;
        Alphas = alphas ?? Enumerable.Repeat(double.NaN, layers.Length).ToArray();
    }

    public double[] Alphas { get; }

    /// <summary>Huber's δ (1 unless set).</summary>
    public double Delta { get; init; } = 1;

    /// <summary>Label smoothing ε of the categorical losses, as a float (the trainer and Keras smooth in single precision).</summary>
    public float LabelSmoothing { get; init; }

    public int InputSize { get; }
    public (int Units, Activation Activation)[] Layers { get; }
    public LossKind Loss { get; }
    public int OutputSize => Layers[^1].Units;

    /// <summary>Weight offset and bias offset of each layer in the parameter block (weights [in, out] then biases).</summary>
    public (int W, int B, int In, int Out)[] Offsets()
    {
        var result = new (int, int, int, int)[Layers.Length];
        int offset = 0, width = InputSize;
        for (int l = 0; l < Layers.Length; l++)
        {
            int units = Layers[l].Units;
            result[l] = (offset, offset + width * units, width, units);
            offset += width * units + units;
            width = units;
        }
        return result;
    }

    public int ParameterCount => Offsets() is var o ? o[^1].B + o[^1].Out : 0;

    /// <summary>Activations of every layer for one sample: a[0] = input, a[l] = output of layer l; z[l] pre-activations.</summary>
    public (double[][] A, double[][] Z) Forward(double[] p, ReadOnlySpan<float> x)
    {
        var offsets = Offsets();
        var a = new double[Layers.Length + 1][];
        var z = new double[Layers.Length + 1][];
        a[0] = new double[x.Length];
        for (int i = 0; i < x.Length; i++) a[0][i] = x[i];
        for (int l = 0; l < Layers.Length; l++)
        {
            var (wo, bo, n, m) = offsets[l];
            z[l + 1] = new double[m];
            for (int j = 0; j < m; j++)
            {
                double s = p[bo + j];
                for (int i = 0; i < n; i++) s += a[l][i] * p[wo + i * m + j];
                z[l + 1][j] = s;
            }
            a[l + 1] = Activate(Layers[l].Activation, z[l + 1], Alphas[l]);
        }
        return (a, z);
    }

    private static double[] Activate(Activation act, double[] z, double alpha)
    {
        var y = new double[z.Length];
        alpha = ParametricActivations.Alpha(act, alpha);
        switch (act)
        {
            case Activation.LeakyReLU: for (int i = 0; i < z.Length; i++) y[i] = ParametricActivations.LeakyRelu(z[i], alpha); break;
            case Activation.ELU: for (int i = 0; i < z.Length; i++) y[i] = ParametricActivations.Elu(z[i], alpha); break;
            case Activation.ReLU: for (int i = 0; i < z.Length; i++) y[i] = Math.Max(0, z[i]); break;
            case Activation.Sigmoid: for (int i = 0; i < z.Length; i++) y[i] = 1 / (1 + Math.Exp(-z[i])); break;
            case Activation.Tanh: for (int i = 0; i < z.Length; i++) y[i] = Math.Tanh(z[i]); break;
            case Activation.GELU: for (int i = 0; i < z.Length; i++) y[i] = DoubleErf.Gelu(z[i]); break;
            case Activation.GELUTanh: for (int i = 0; i < z.Length; i++) y[i] = DoubleErf.GeluTanh(z[i]); break;
            case Activation.SiLU: for (int i = 0; i < z.Length; i++) y[i] = DoubleErf.Silu(z[i]); break;
            case Activation.Softmax:
                double max = z.Max(), sum = 0;
                for (int i = 0; i < z.Length; i++) sum += y[i] = Math.Exp(z[i] - max);
                for (int i = 0; i < z.Length; i++) y[i] /= sum;
                break;
            default: Array.Copy(z, y, z.Length); break;
        }
        return y;
    }

    /// <summary>Target vector of one sample: one-hot for labels (or the 0/1 value for one output).</summary>
    private double[] Target(int sample, int[]? labels, float[]? targets)
    {
        var t = new double[OutputSize];
        if (labels is not null)
        {
            if (OutputSize == 1) t[0] = labels[sample];
            else t[labels[sample]] = 1;
        }
        else
        {
            for (int j = 0; j < OutputSize; j++) t[j] = targets![sample * OutputSize + j];
        }
        if (LabelSmoothing != 0 && Loss is LossKind.CategoricalCrossEntropy or LossKind.SparseCategoricalCrossEntropy)
        {
            // t·(1 − ε) + ε/K, in float as Keras computes it
            for (int j = 0; j < t.Length; j++) t[j] = (float)t[j] * (1f - LabelSmoothing) + LabelSmoothing / t.Length;
        }
        return t;
    }

    /// <summary>Mean loss over the batch, as Keras defines it.</summary>
    public double MeanLoss(double[] p, float[] inputs, int[]? labels, float[]? targets, int batch)
    {
        double total = 0;
        for (int r = 0; r < batch; r++)
        {
            var (a, z) = Forward(p, inputs.AsSpan(r * InputSize, InputSize));
            double[] t = Target(r, labels, targets);
            double[] y = a[^1], logits = z[^1];
            switch (Loss)
            {
                case LossKind.SparseCategoricalCrossEntropy:
                case LossKind.CategoricalCrossEntropy:
                    double max = logits.Max(), sum = 0;
                    foreach (double v in logits) sum += Math.Exp(v - max);
                    double lse = max + Math.Log(sum);
                    for (int j = 0; j < t.Length; j++) total += t[j] * (lse - logits[j]);
                    break;
                case LossKind.BinaryCrossEntropy:
                    double s = 0;
                    for (int j = 0; j < t.Length; j++) s += Math.Max(logits[j], 0) - logits[j] * t[j] + Math.Log(1 + Math.Exp(-Math.Abs(logits[j])));
                    total += s / t.Length;
                    break;
                case LossKind.MeanAbsoluteError:
                    double absolute = 0;
                    for (int j = 0; j < t.Length; j++) absolute += Math.Abs(y[j] - t[j]);
                    total += absolute / t.Length;
                    break;
                case LossKind.Huber:
                    double huber = 0;
                    for (int j = 0; j < t.Length; j++)
                    {
                        double d = y[j] - t[j];
                        huber += Math.Abs(d) <= Delta ? 0.5 * d * d : Delta * (Math.Abs(d) - 0.5 * Delta);
                    }
                    total += huber / t.Length;
                    break;
                default:
                    double e = 0;
                    for (int j = 0; j < t.Length; j++) e += (y[j] - t[j]) * (y[j] - t[j]);
                    total += e / t.Length;
                    break;
            }
        }
        return total / batch;
    }

    /// <summary>Gradient of <see cref="MeanLoss"/> by backpropagation, in double.</summary>
    public double[] Gradient(double[] p, float[] inputs, int[]? labels, float[]? targets, int batch)
    {
        var offsets = Offsets();
        var grad = new double[p.Length];
        for (int r = 0; r < batch; r++)
        {
            var (a, z) = Forward(p, inputs.AsSpan(r * InputSize, InputSize));
            double[] t = Target(r, labels, targets);
            int L = Layers.Length;
            double[] y = a[L];
            var delta = new double[OutputSize];
            switch (Loss)
            {
                case LossKind.SparseCategoricalCrossEntropy:
                case LossKind.CategoricalCrossEntropy:
                    double ts = t.Sum();
                    for (int j = 0; j < delta.Length; j++) delta[j] = (y[j] * ts - t[j]) / batch;
                    break;
                case LossKind.BinaryCrossEntropy:
                    for (int j = 0; j < delta.Length; j++) delta[j] = (y[j] - t[j]) / (batch * (double)t.Length);
                    break;
                default:
                    var dy = new double[OutputSize];
                    for (int j = 0; j < dy.Length; j++)
                    {
                        double d = y[j] - t[j];
                        double dLoss = Loss switch
                        {
                            LossKind.MeanAbsoluteError => Math.Sign(d), // sign(0) = 0, as PyTorch
                            LossKind.Huber => Math.Clamp(d, -Delta, Delta),
                            _ => 2 * d,
                        };
                        dy[j] = dLoss / (batch * (double)t.Length);
                    }
                    delta = Backward(Layers[L - 1].Activation, Alphas[L - 1], y, z[L], dy);
                    break;
            }
            for (int l = L - 1; l >= 0; l--)
            {
                var (wo, bo, n, m) = offsets[l];
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < m; j++) grad[wo + i * m + j] += a[l][i] * delta[j];
                for (int j = 0; j < m; j++) grad[bo + j] += delta[j];
                if (l == 0) break;
                var dx = new double[n];
                for (int i = 0; i < n; i++)
                {
                    double s = 0;
                    for (int j = 0; j < m; j++) s += delta[j] * p[wo + i * m + j];
                    dx[i] = s;
                }
                delta = Backward(Layers[l - 1].Activation, Alphas[l - 1], a[l], z[l], dx);
            }
        }
        return grad;
    }

    private static double[] Backward(Activation act, double alpha, double[] y, double[] z, double[] dy)
    {
        var dz = new double[y.Length];
        alpha = ParametricActivations.Alpha(act, alpha);
        switch (act)
        {
            case Activation.LeakyReLU: for (int i = 0; i < y.Length; i++) dz[i] = dy[i] * ParametricActivations.LeakyReluDerivative(z[i], alpha); break;
            case Activation.ELU: for (int i = 0; i < y.Length; i++) dz[i] = dy[i] * ParametricActivations.EluDerivative(z[i], alpha); break;
            case Activation.GELU: for (int i = 0; i < y.Length; i++) dz[i] = dy[i] * DoubleErf.GeluDerivative(z[i]); break;
            case Activation.GELUTanh: for (int i = 0; i < y.Length; i++) dz[i] = dy[i] * DoubleErf.GeluTanhDerivative(z[i]); break;
            case Activation.SiLU: for (int i = 0; i < y.Length; i++) dz[i] = dy[i] * DoubleErf.SiluDerivative(z[i]); break;
            case Activation.ReLU: for (int i = 0; i < y.Length; i++) dz[i] = y[i] > 0 ? dy[i] : 0; break;
            case Activation.Sigmoid: for (int i = 0; i < y.Length; i++) dz[i] = dy[i] * y[i] * (1 - y[i]); break;
            case Activation.Tanh: for (int i = 0; i < y.Length; i++) dz[i] = dy[i] * (1 - y[i] * y[i]); break;
            case Activation.Softmax:
                double dot = 0;
                for (int i = 0; i < y.Length; i++) dot += dy[i] * y[i];
                for (int i = 0; i < y.Length; i++) dz[i] = y[i] * (dy[i] - dot);
                break;
            default: Array.Copy(dy, dz, dy.Length); break;
        }
        return dz;
    }
}
