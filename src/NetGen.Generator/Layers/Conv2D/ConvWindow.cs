using System.Globalization;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// The sliding window of a convolution (<c>[Conv2D]</c>, <c>[DepthwiseConv2D]</c>): kernel, strides and dilations per
    /// axis, padding, and whether it adds a bias. Padding.Same pads as TensorFlow for every kernel, stride and dilation:
    /// the total is what the dilated kernel needs, the odd row or column goes at the bottom or right.
    /// </summary>
    internal sealed record ConvWindow(
        int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, int DilationHeight, int DilationWidth, PaddingKind Padding, bool UseBias)
    {
        /// <summary>Rows the dilated kernel spans: (kernel − 1) · dilation + 1.</summary>
        public int ExtentHeight => (KernelHeight - 1) * DilationHeight + 1;

        /// <summary>Columns the dilated kernel spans.</summary>
        public int ExtentWidth => (KernelWidth - 1) * DilationWidth + 1;

        public bool IsSquare => KernelHeight == KernelWidth;

        public bool IsDilated => DilationHeight != 1 || DilationWidth != 1;

        /// <summary>What <c>[Conv2D]</c> could declare before rectangular kernels, per-axis strides, dilation and UseBias.</summary>
        public bool IsPlain => IsSquare && StrideHeight == StrideWidth && !IsDilated && UseBias;

        /// <summary>Taps per input channel.</summary>
        public int Taps => KernelHeight * KernelWidth;

        /// <summary>The kernel as written in messages and comments: <c>3</c> or <c>3×5</c>.</summary>
        public string Kernel => IsSquare ? Int(KernelHeight) : $"{Int(KernelHeight)}×{Int(KernelWidth)}";

        /// <summary>The stride as text: <c>2</c> or <c>2×1</c>.</summary>
        public string Stride => StrideHeight == StrideWidth ? Int(StrideHeight) : $"{Int(StrideHeight)}×{Int(StrideWidth)}";

        /// <summary>The dilation as text: <c>2</c> or <c>2×1</c>.</summary>
        public string Dilation => DilationHeight == DilationWidth ? Int(DilationHeight) : $"{Int(DilationHeight)}×{Int(DilationWidth)}";

        /// <summary>Stride, dilation, padding and bias for a kind's names and fingerprint (<c>s2</c>, <c>d2x1</c>, <c>_Same</c>, <c>_NoBias</c>); empty for the defaults.</summary>
        public string NameSuffix =>
            (StrideHeight != 1 || StrideWidth != 1 ? "s" + Stride.Replace("×", "x") : "") +
            (IsDilated ? "d" + Dilation.Replace("×", "x") : "") +
            (Padding == PaddingKind.Same ? "_Same" : "") + (UseBias ? "" : "_NoBias");

        /// <summary>The comment's words for stride and dilation: <c>, stride 2</c>, <c>, dilation 2×1</c>.</summary>
        public string DescribeSteps =>
            (StrideHeight != 1 || StrideWidth != 1 ? ", stride " + Stride : "") + (IsDilated ? ", dilation " + Dilation : "");

        public int PadTop(int inHeight) => ShapeInference.PadBefore(inHeight, ExtentHeight, StrideHeight, Padding);

        public int PadLeft(int inWidth) => ShapeInference.PadBefore(inWidth, ExtentWidth, StrideWidth, Padding);

        /// <summary>Rows of the zero-padded copy: enough for every window, at least the input.</summary>
        public int PaddedHeight(int inHeight, int outHeight) => System.Math.Max((outHeight - 1) * StrideHeight + ExtentHeight, PadTop(inHeight) + inHeight);

        /// <summary>Columns of the zero-padded copy: enough for every window, at least the input.</summary>
        public int PaddedWidth(int inWidth, int outWidth) => System.Math.Max((outWidth - 1) * StrideWidth + ExtentWidth, PadLeft(inWidth) + inWidth);

        /// <summary>The (height, width, <paramref name="channels"/>) output over an image, or NG0013 when the window does not fit.</summary>
        public ShapeResult OutputShape(int[] input, int channels, string display)
        {
            int height = ShapeInference.OutputLength(input[0], ExtentHeight, StrideHeight, Padding);
            int width = ShapeInference.OutputLength(input[1], ExtentWidth, StrideWidth, Padding);
            if (height >= 1 && width >= 1) return ShapeResult.Of(height, width, channels);
            string kernel = IsSquare ? $"{Int(KernelHeight)}×{Int(KernelHeight)}" : Kernel;
            string dilated = IsDilated ? $" (dilated to {Int(ExtentHeight)}×{Int(ExtentWidth)})" : "";
            string problem = $"the {kernel} kernel{dilated} does not fit the {Int(input[0])}×{Int(input[1])} input with Padding.Valid: use Padding = Padding.Same or a smaller kernel";
            return ShapeResult.Fails(DiagnosticDescriptors.ShapeDoesNotFit, display, ShapeInference.Format(input), problem);
        }

        /// <summary>
        /// Reads <c>Stride</c>/<c>StrideHeight</c>/<c>StrideWidth</c>, <c>DilationRate</c>/<c>DilationHeight</c>/<c>DilationWidth</c>,
        /// <c>Padding</c> and <c>UseBias</c>: NG0004 for a size below 1, NG0040 for a both-axes setting beside a per-axis one,
        /// NG0041 for a stride and a dilation both above 1.
        /// </summary>
        public static ConvWindow Read(LayerAttribute a, string attribute, int kernelHeight, int kernelWidth)
        {
            var (sh, sw) = PerAxis(a, attribute, "Stride", "StrideHeight", "StrideWidth");
            var (dh, dw) = PerAxis(a, attribute, "DilationRate", "DilationHeight", "DilationWidth");
            var window = new ConvWindow(kernelHeight, kernelWidth, sh, sw, dh, dw, a.Padding(), a.NamedBool("UseBias", fallback: true));
            if ((sh > 1 || sw > 1) && window.IsDilated)
            {
                a.Report(DiagnosticDescriptors.StrideWithDilation, -1, a.Named("DilationRate", 0) != 0 ? "DilationRate" : dh > 1 ? "DilationHeight" : "DilationWidth",
                    a.Position, attribute, window.Stride, window.Dilation);
            }
            return window;
        }

        private static (int Height, int Width) PerAxis(LayerAttribute a, string attribute, string both, string height, string width)
        {
            int value = a.Named(both, 1);
            if (value <= 0 || value > NetworkParser.MaxDimension) a.Size(-1, both, $"Layer {a.Position} ([{attribute}] {both})", value);
            int h = a.Named(height, 0), w = a.Named(width, 0);
            if (h < 0 || h > NetworkParser.MaxDimension) a.Size(-1, height, $"Layer {a.Position} ([{attribute}] {height})", h);
            if (w < 0 || w > NetworkParser.MaxDimension) a.Size(-1, width, $"Layer {a.Position} ([{attribute}] {width})", w);
            if (a.Named(both, 0) != 0 && (h != 0 || w != 0))
            {
                a.Report(DiagnosticDescriptors.ConflictingWindowSettings, -1, h != 0 ? height : width, a.Position, attribute, both, height, width);
            }
            return (h > 0 ? h : value, w > 0 ? w : value);
        }

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
