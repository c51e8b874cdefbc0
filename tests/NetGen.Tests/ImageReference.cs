using NetGen;
using NetGen.Tests.Support;

namespace NetGen.Tests;

public abstract record RLayer;
public sealed record RDense(int Units, Activation Act) : RLayer;
public sealed record RConv(int Filters, int Kernel, int Stride, bool Same, Activation Act) : RLayer;
public sealed record RPool(bool Max, int Size, int Stride, bool Same) : RLayer;
public sealed record RFlatten : RLayer;
public sealed record RActivation(Activation Act) : RLayer;
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
                    a = Activate(d.Act, z);
                    shape = new[] { m };
                    break;
                }
                case RConv c:
                {
                    int h = shape[0], w = shape[1], ch = shape[2];
                    int oh = OutLength(h, c.Kernel, c.Stride, c.Same), ow = OutLength(w, c.Kernel, c.Stride, c.Same);
                    int pt = PadBefore(h, c.Kernel, c.Stride, c.Same), pl = PadBefore(w, c.Kernel, c.Stride, c.Same);
                    int taps = ch * c.Kernel * c.Kernel;
                    z = new double[c.Filters * oh * ow];
                    for (int f = 0; f < c.Filters; f++)
                        for (int y = 0; y < oh; y++)
                            for (int xx = 0; xx < ow; xx++)
                            {
                                double s = p[offset + c.Filters * taps + f];
                                for (int k = 0; k < ch; k++)
                                    for (int u = 0; u < c.Kernel; u++)
                                        for (int v = 0; v < c.Kernel; v++)
                                        {
                                            int ih = y * c.Stride + u - pt, iw = xx * c.Stride + v - pl;
                                            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                            s += p[offset + ((f * ch + k) * c.Kernel + u) * c.Kernel + v] * a[(k * h + ih) * w + iw];
                                        }
                                z[(f * oh + y) * ow + xx] = s;
                            }
                    offset += c.Filters * taps + c.Filters;
                    a = Activate(c.Act, z);
                    shape = new[] { oh, ow, c.Filters };
                    break;
                }
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
                    a = Activate(act.Act, a);
                    break;
            }
        }
        return (z, a);
    }

    private static double[] Activate(Activation act, double[] z)
    {
        var y = new double[z.Length];
        switch (act)
        {
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
