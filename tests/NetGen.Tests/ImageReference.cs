using NetGen;
using NetGen.Tests.Support;

namespace NetGen.Tests;

public abstract record RLayer;
public sealed record RDense(int Units, Activation Act, double Alpha = double.NaN) : RLayer;
public sealed record RConv(int Filters, int Kernel, int Stride, bool Same, Activation Act, double Alpha = double.NaN) : RLayer;
/// <summary>Any convolution: rectangular kernel, per-axis strides and dilations, with or without bias; depthwise when <see cref="Multiplier"/> is set.</summary>
public sealed record RWindowConv(int Filters, int KernelHeight, int KernelWidth, Activation Act, int StrideHeight = 1, int StrideWidth = 1,
    int DilationHeight = 1, int DilationWidth = 1, bool Same = false, bool Bias = true, int? Multiplier = null) : RLayer
{
    public static RWindowConv Depthwise(int multiplier, int kernelHeight, int kernelWidth, Activation act, int strideHeight = 1, int strideWidth = 1,
        int dilationHeight = 1, int dilationWidth = 1, bool same = false, bool bias = true) =>
        new(0, kernelHeight, kernelWidth, act, strideHeight, strideWidth, dilationHeight, dilationWidth, same, bias, multiplier);
}
public sealed record RPool(bool Max, int Size, int Stride, bool Same) : RLayer;
public sealed record RFlatten : RLayer;
public sealed record RActivation(Activation Act, double Alpha = double.NaN) : RLayer;
/// <summary>Layer normalization over the last axis of a vector or sequence: γ then β in the parameters, when present.</summary>
public sealed record RLayerNorm(double Epsilon = 1e-3, bool Center = true, bool Scale = true) : RLayer;
/// <summary>Global max or average pooling: (H, W, C) → (C).</summary>
public sealed record RGlobalPool(bool Max) : RLayer;

/// <summary>
/// A plain double-precision forward pass of image networks (channel-major inside, (H, W, C) input), written from
/// the definitions and independently of the generator; gradients come from its central differences.
/// </summary>
public sealed class ImageReference(int[] inputShape, RLayer[] layers, LossKind loss)
{
    public int InputSize => inputShape.Aggregate(1, (a, b) => a * b);
    public LossKind Loss => loss;

    private static int OutLength(int input, int window, int stride, bool same) => same ? (input + stride - 1) / stride : (input - window) / stride + 1;
    private static int PadBefore(int input, int window, int stride, bool same)
    {
        if (!same) return 0;
        int output = OutLength(input, window, stride, same);
        return Math.Max((output - 1) * stride + window - input, 0) / 2;
    }

    /// <summary>The logits (or outputs before the last activation) and the activated outputs.</summary>
    public (double[] Logits, double[] Outputs) Forward(double[] p, ReadOnlySpan<float> x)
    {
        int[] shape = (int[])inputShape.Clone();
        double[] a;
        if (shape.Length == 3)
        {
            // (H, W, C) → (C, H, W)
            int h = shape[0], w = shape[1], c = shape[2];
            a = new double[x.Length];
            for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) for (int k = 0; k < c; k++) a[(k * h + i) * w + j] = x[(i * w + j) * c + k];
        }
        else
        {
            a = new double[x.Length];
            for (int i = 0; i < x.Length; i++) a[i] = x[i];
        }
        int offset = 0;
        double[] z = a;
        foreach (RLayer layer in layers)
        {
            switch (layer)
            {
                case RDense d:
                {
                    int n = a.Length, m = d.Units;
                    z = new double[m];
                    for (int j = 0; j < m; j++)
                    {
                        double s = p[offset + n * m + j];
                        for (int i = 0; i < n; i++) s += a[i] * p[offset + i * m + j];
                        z[j] = s;
                    }
                    offset += n * m + m;
                    a = Activate(d.Act, z, d.Alpha);
                    shape = new[] { m };
                    break;
                }
                case RConv c:
                    (z, shape) = Convolve(a, shape, p, ref offset, new RWindowConv(c.Filters, c.Kernel, c.Kernel, c.Act, c.Stride, c.Stride, Same: c.Same));
                    a = Activate(c.Act, z, c.Alpha);
                    break;
                case RWindowConv c:
                    (z, shape) = Convolve(a, shape, p, ref offset, c);
                    a = Activate(c.Act, z, double.NaN);
                    break;
                case RPool pool:
                {
                    int h = shape[0], w = shape[1], ch = shape[2];
                    int oh = OutLength(h, pool.Size, pool.Stride, pool.Same), ow = OutLength(w, pool.Size, pool.Stride, pool.Same);
                    int pt = PadBefore(h, pool.Size, pool.Stride, pool.Same), pl = PadBefore(w, pool.Size, pool.Stride, pool.Same);
                    var o = new double[ch * oh * ow];
                    for (int k = 0; k < ch; k++)
                        for (int y = 0; y < oh; y++)
                            for (int xx = 0; xx < ow; xx++)
                            {
                                double best = double.NegativeInfinity, sum = 0;
                                int count = 0;
                                for (int u = 0; u < pool.Size; u++)
                                    for (int v = 0; v < pool.Size; v++)
                                    {
                                        int ih = y * pool.Stride + u - pt, iw = xx * pool.Stride + v - pl;
                                        if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                        double value = a[(k * h + ih) * w + iw];
                                        best = Math.Max(best, value);
                                        sum += value;
                                        count++;
                                    }
                                o[(k * oh + y) * ow + xx] = pool.Max ? best : sum / count;
                            }
                    a = z = o;
                    shape = new[] { oh, ow, ch };
                    break;
                }
                case RGlobalPool pool:
                {
                    int positions = shape[0] * shape[1], ch = shape[2];
                    var o = new double[ch];
                    for (int k = 0; k < ch; k++)
                    {
                        double best = double.NegativeInfinity, sum = 0;
                        for (int i = 0; i < positions; i++)
                        {
                            best = Math.Max(best, a[k * positions + i]);
                            sum += a[k * positions + i];
                        }
                        o[k] = pool.Max ? best : sum / positions;
                    }
                    a = z = o;
                    shape = new[] { ch };
                    break;
                }
                case RFlatten:
                    shape = new[] { a.Length };
                    z = a;
                    break;
                case RActivation act:
                    z = a;
                    a = Activate(act.Act, a, act.Alpha);
                    break;
                case RLayerNorm norm:
                {
                    // each row of the last axis by its own mean and (biased) variance: y = γ (x − μ)/√(σ² + ε) + β
                    int n = shape[^1];
                    double[] gamma = norm.Scale ? p[offset..(offset + n)] : Enumerable.Repeat(1.0, n).ToArray();
                    if (norm.Scale) offset += n;
                    double[] beta = norm.Center ? p[offset..(offset + n)] : new double[n];
                    if (norm.Center) offset += n;
                    var y = new double[a.Length];
                    for (int r = 0; r < a.Length / n; r++)
                    {
                        double mean = 0, variance = 0;
                        for (int i = 0; i < n; i++) mean += a[r * n + i];
                        mean /= n;
                        for (int i = 0; i < n; i++) variance += (a[r * n + i] - mean) * (a[r * n + i] - mean);
                        variance /= n;
                        double inverse = 1 / Math.Sqrt(variance + norm.Epsilon);
                        for (int i = 0; i < n; i++) y[r * n + i] = gamma[i] * (a[r * n + i] - mean) * inverse + beta[i];
                    }
                    z = a = y;
                    break;
                }
            }
        }
        return (z, a);
    }

    /// <summary>
    /// The convolution from its definition: output (f, y, x) sums kernel tap (u, v) times the input at
    /// (y·sh + u·dh − top, x·sw + v·dw − left), zero outside; TensorFlow's padding for the dilated extent. A depthwise
    /// filter f reads input channel f / multiplier only.
    /// </summary>
    private static (double[] Z, int[] Shape) Convolve(double[] a, int[] shape, double[] p, ref int offset, RWindowConv c)
    {
        int h = shape[0], w = shape[1], ch = shape[2];
        int filters = c.Multiplier is int m ? ch * m : c.Filters;
        int perFilter = c.Multiplier is null ? ch : 1;
        int extentH = (c.KernelHeight - 1) * c.DilationHeight + 1, extentW = (c.KernelWidth - 1) * c.DilationWidth + 1;
        int oh = OutLength(h, extentH, c.StrideHeight, c.Same), ow = OutLength(w, extentW, c.StrideWidth, c.Same);
        int pt = PadBefore(h, extentH, c.StrideHeight, c.Same), pl = PadBefore(w, extentW, c.StrideWidth, c.Same);
        int taps = perFilter * c.KernelHeight * c.KernelWidth;
        var z = new double[filters * oh * ow];
        for (int f = 0; f < filters; f++)
            for (int y = 0; y < oh; y++)
                for (int xx = 0; xx < ow; xx++)
                {
                    double s = c.Bias ? p[offset + filters * taps + f] : 0;
                    for (int k = 0; k < perFilter; k++)
                    {
                        int channel = c.Multiplier is int mm ? f / mm : k;
                        for (int u = 0; u < c.KernelHeight; u++)
                            for (int v = 0; v < c.KernelWidth; v++)
                            {
                                int ih = y * c.StrideHeight + u * c.DilationHeight - pt, iw = xx * c.StrideWidth + v * c.DilationWidth - pl;
                                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                s += p[offset + ((f * perFilter + k) * c.KernelHeight + u) * c.KernelWidth + v] * a[(channel * h + ih) * w + iw];
                            }
                    }
                    z[(f * oh + y) * ow + xx] = s;
                }
        offset += filters * taps + (c.Bias ? filters : 0);
        return (z, new[] { oh, ow, filters });
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

    public double MeanLoss(double[] p, float[] inputs, int[]? labels, float[]? targets, int batch)
    {
        double total = 0;
        for (int r = 0; r < batch; r++)
        {
            var (logits, y) = Forward(p, inputs.AsSpan(r * InputSize, InputSize));
            int n = y.Length;
            switch (loss)
            {
                case LossKind.SparseCategoricalCrossEntropy:
                {
                    double max = logits.Max(), sum = 0;
                    foreach (double v in logits) sum += Math.Exp(v - max);
                    total += max + Math.Log(sum) - logits[labels![r]];
                    break;
                }
                default: // mean squared error
                {
                    double e = 0;
                    for (int j = 0; j < n; j++) e += (y[j] - targets![r * n + j]) * (y[j] - targets[r * n + j]);
                    total += e / n;
                    break;
                }
            }
        }
        return total / batch;
    }

    public double[] FiniteDifferenceGradient(double[] p, float[] inputs, int[]? labels, float[]? targets, int batch)
    {
        var g = new double[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            double saved = p[i], h = 1e-6;
            p[i] = saved + h; double up = MeanLoss(p, inputs, labels, targets, batch);
            p[i] = saved - h; double down = MeanLoss(p, inputs, labels, targets, batch);
            p[i] = saved;
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }
}
