using System;
using System.Collections.Generic;
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

    /// <summary>
    /// Shapes through the graph, one layer after another, as each kind infers them: every layer's input shapes, whether
    /// it reads the raw (height, width, channels) image, and its output. The parser checks with it, the planner plans
    /// with it. Input j is node −j, layer k node k. Stops at the first layer that does not fit.
    /// </summary>
    internal sealed class ShapeFlow
    {
        private ShapeFlow(int count)
        {
            InShapes = new List<int[]>[count];
            InputIsHwc = new bool[count];
            Results = new ShapeResult[count];
        }

        /// <summary>Every layer's input shapes, in source order.</summary>
        public List<int[]>[] InShapes { get; }

        /// <summary>For every layer: its (first) input is the raw multi-channel image, stored (H, W, C).</summary>
        public bool[] InputIsHwc { get; }

        /// <summary>Every layer's output shape or problem, up to <see cref="FailedAt"/>.</summary>
        public ShapeResult[] Results { get; }

        /// <summary>The 0-based index of the first layer that does not fit its input; −1 when all do.</summary>
        public int FailedAt { get; private set; } = -1;

        public static ShapeFlow Infer(System.Collections.Generic.IReadOnlyList<LayerSpec> layers, Func<int, EquatableArray<int>> sourcesOf,
            System.Collections.Generic.IReadOnlyList<int[]> inputShapes)
        {
            int count = layers.Count, m = inputShapes.Count; // node n at n + m − 1
            var flow = new ShapeFlow(count);
            var shapes = new int[count + m][];
            var raw = new bool[count + m];
            for (int j = 0; j < m; j++)
            {
                shapes[m - 1 - j] = inputShapes[j];
                raw[m - 1 - j] = inputShapes[j].Length == 3 && inputShapes[j][2] > 1;
            }
            for (int i = 0; i < count; i++)
            {
                LayerSpec layer = layers[i];
                EquatableArray<int> sources = sourcesOf(i);
                var inShapes = new List<int[]>();
                bool readsRaw = false;
                foreach (int source in sources)
                {
                    inShapes.Add(shapes[source + m - 1]);
                    readsRaw |= raw[source + m - 1];
                }
                ShapeResult result = layer.Kind.OutputShape(layer, new ShapeInput(inShapes, sources[0] <= 0, readsRaw));
                flow.InShapes[i] = inShapes;
                flow.InputIsHwc[i] = raw[sources[0] + m - 1];
                flow.Results[i] = result;
                if (result.Shape is null)
                {
                    flow.FailedAt = i;
                    break;
                }
                // every image layer writes (C, H, W); layers that keep their input's layout (dropout) keep it
                shapes[i + m] = result.Shape;
                raw[i + m] = layer.Kind.KeepsLayout && raw[sources[0] + m - 1];
            }
            return flow;
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
