using System;
using System.Globalization;
using NetGen.Generator.Layers;
using NetGen.Generator.Model;

namespace NetGen.Generator.Planning
{
    /// <summary>
    /// Shape arithmetic the windowed kinds share (convolution, pooling). Shapes are [n] for vectors, [steps, features]
    /// for sequences and [height, width, channels] for images.
    /// </summary>
    internal static class ShapeInference
    {
        /// <summary>Output positions along one axis, as TensorFlow computes them.</summary>
        public static int OutputLength(int input, int window, int stride, PaddingKind padding) =>
            padding == PaddingKind.Same ? (input + stride - 1) / stride
            : input < window ? 0 // (not (input − window) / stride + 1: C# division truncates toward zero)
            : (input - window) / stride + 1;

        /// <summary>Zero rows (or columns) added before the input; TensorFlow puts the odd one after.</summary>
        public static int PadBefore(int input, int window, int stride, PaddingKind padding)
        {
            if (padding == PaddingKind.Valid) return 0;
            int output = OutputLength(input, window, stride, padding);
            int total = Math.Max((output - 1) * stride + window - input, 0);
            return total / 2;
        }

        public static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";

        /// <summary>The (height, width, channels) output of square windows over an image, or NG0013 when they do not fit.</summary>
        public static ShapeResult Window(int[] input, int window, int stride, PaddingKind padding, int channels, string what, string display)
        {
            int height = OutputLength(input[0], window, stride, padding);
            int width = OutputLength(input[1], window, stride, padding);
            if (height < 1 || width < 1)
            {
                string problem = string.Format(CultureInfo.InvariantCulture,
                    "the {0}×{0} {1} does not fit the {2}×{3} input with Padding.Valid: use Padding = Padding.Same or a smaller {1}",
                    window, what, input[0], input[1]);
                return ShapeResult.Fails(Diagnostics.DiagnosticDescriptors.ShapeDoesNotFit, display, Format(input), problem);
            }
            return ShapeResult.Of(height, width, channels);
        }
    }

    /// <summary>Where an embedding's token mask reaches, from each kind's <see cref="LayerKind.Mask"/>.</summary>
    internal static class Masking
    {
        /// <summary>
        /// Which layers skip padded steps: those that read the mask a first layer starts, as long as every layer between
        /// passes it on (as in Keras: dropout does, a recurrent layer returning sequences does; anything else stops it).
        /// </summary>
        public static bool[] MaskedLayers(System.Collections.Generic.IReadOnlyList<LayerSpec> layers, System.Func<int, EquatableArray<int>> sourcesOf)
        {
            var masked = new bool[layers.Count];
            var carries = new bool[layers.Count + 1]; // node n's output carries the token mask
            for (int i = 0; i < layers.Count; i++)
            {
                MaskFlow flow = layers[i].Kind.Mask(layers[i]);
                EquatableArray<int> sources = sourcesOf(i);
                bool reaches = sources.Count == 1 && sources[0] > 0 && carries[sources[0]]; // inputs carry no mask
                if (flow == MaskFlow.Starts) carries[i + 1] = true;
                else if (reaches && flow == MaskFlow.PassesThrough) carries[i + 1] = true;
                else if (reaches && (flow == MaskFlow.ReadsAndPasses || flow == MaskFlow.ReadsAndStops))
                {
                    masked[i] = true;
                    carries[i + 1] = flow == MaskFlow.ReadsAndPasses;
                }
            }
            return masked;
        }
    }
}
