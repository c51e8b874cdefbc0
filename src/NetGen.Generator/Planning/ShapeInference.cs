using System;
using System.Globalization;
using NetGen.Generator.Model;

namespace NetGen.Generator.Planning
{
    /// <summary>
    /// How each layer kind transforms its input shape. Shapes are [n] for vectors and [height, width, channels] for
    /// images. Used by the parser (to report a layer that does not fit) and by the planner.
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

        /// <summary>The layer's output shape, or null with <paramref name="problem"/> saying why the input does not fit.</summary>
        public static int[]? Next(int[] input, LayerSpec layer, out string? problem)
        {
            problem = null;
            switch (layer)
            {
                case DenseSpec dense:
                    if (input.Length != 1)
                    {
                        problem = "flat";
                        return null;
                    }
                    return new[] { dense.Units };

                case Conv2DSpec conv:
                    if (input.Length != 3)
                    {
                        problem = "image";
                        return null;
                    }
                    return Window(input, conv.KernelSize, conv.Stride, conv.Padding, conv.Filters, "kernel", out problem);

                case Pool2DSpec pool:
                    if (input.Length != 3)
                    {
                        problem = "image";
                        return null;
                    }
                    return Window(input, pool.Size, pool.Stride, pool.Padding, input[2], "window", out problem);

                case FlattenSpec:
                    long size = 1;
                    foreach (int d in input) size *= d;
                    return new[] { (int)size };

                case DropoutSpec:
                    return (int[])input.Clone();

                case EmbeddingSpec embedding:
                    if (input.Length != 1)
                    {
                        problem = "tokens";
                        return null;
                    }
                    return new[] { input[0], embedding.Dimension };

                case RecurrentSpec recurrent:
                    if (input.Length != 2)
                    {
                        problem = "sequence";
                        return null;
                    }
                    return recurrent.ReturnSequences ? new[] { input[0], recurrent.Units } : new[] { recurrent.Units };

                default:
                    throw new InvalidOperationException("Unknown layer kind " + layer.GetType().Name);
            }
        }

        /// <summary>
        /// Which layers skip padded steps: the recurrent layers an embedding's <c>MaskZero</c> reaches. The mask passes
        /// through dropout and through recurrent layers that return sequences (as in Keras); anything else stops it.
        /// </summary>
        public static bool[] MaskedLayers(System.Collections.Generic.IReadOnlyList<LayerSpec> layers)
        {
            var masked = new bool[layers.Count];
            if (layers.Count == 0 || layers[0] is not EmbeddingSpec { MaskZero: true }) return masked;
            for (int i = 1; i < layers.Count; i++)
            {
                if (layers[i] is DropoutSpec) continue;
                if (layers[i] is not RecurrentSpec recurrent) break;
                masked[i] = true;
                if (!recurrent.ReturnSequences) break;
            }
            return masked;
        }

        private static int[]? Window(int[] input, int window, int stride, PaddingKind padding, int channels, string what, out string? problem)
        {
            problem = null;
            int height = OutputLength(input[0], window, stride, padding);
            int width = OutputLength(input[1], window, stride, padding);
            if (height < 1 || width < 1)
            {
                problem = string.Format(CultureInfo.InvariantCulture,
                    "the {0}×{0} {1} does not fit the {2}×{3} input with Padding.Valid: use Padding = Padding.Same or a smaller {1}",
                    window, what, input[0], input[1]);
                return null;
            }
            return new[] { height, width, channels };
        }
    }
}
