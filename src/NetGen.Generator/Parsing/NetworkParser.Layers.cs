using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Layers;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing
{
    /// <summary>The shape check of the whole stack: each layer's kind infers its output from the shape before it.</summary>
    internal static partial class NetworkParser
    {
        /// <summary>Runs the shapes through the layers and reports the first layer that does not fit its input, then a network too large.</summary>
        private static void CheckShapes(string name, Location nameLocation, List<int[]> inputShapes, List<LayerSpec> layers, System.Func<int, EquatableArray<int>> sourcesOf,
            List<AttributeData> layerAttributes, List<DiagnosticInfo> diagnostics, CancellationToken ct)
        {
            int m = inputShapes.Count; // node n (input j is node −j) at n + m − 1
            int[] inputShape = inputShapes[0];
            var shapes = new int[layers.Count + m][];
            var raw = new bool[layers.Count + m];
            for (int j = 0; j < m; j++)
            {
                shapes[m - 1 - j] = inputShapes[j];
                raw[m - 1 - j] = inputShapes[j].Length == 3 && inputShapes[j][2] > 1;
            }
            long parameters = 0, activations = 0;
            for (int i = 0; i < layers.Count; i++)
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
                int[] shape = inShapes.Count > 0 ? inShapes[0] : inputShape;
                ShapeResult result = layer.Kind.OutputShape(layer, new ShapeInput(inShapes, i + 1, sources.Count > 0 && sources[0] <= 0, readsRaw));
                if (result.Shape is not int[] next)
                {
                    var arguments = new List<string> { (i + 1).ToString(CultureInfo.InvariantCulture) };
                    arguments.AddRange(result.Arguments);
                    Add(diagnostics, result.Problem!, AttributeLocation(layerAttributes[i], ct), arguments.ToArray());
                    return;
                }

                long outSize = 1;
                foreach (int d in next) outSize *= d;
                parameters += layer.Kind.ParameterCount(layer, shape);
                activations = System.Math.Max(activations, outSize);
                shapes[i + m] = next;
                raw[i + m] = layer.Kind.KeepsLayout && sources.Count > 0 && raw[sources[0] + m - 1];
            }
            long largest = System.Math.Max(parameters, activations);
            if (largest > MaxElements)
            {
                Add(diagnostics, DiagnosticDescriptors.TooLarge, nameLocation, name, largest.ToString("N0", CultureInfo.InvariantCulture), MaxElements.ToString("N0", CultureInfo.InvariantCulture));
            }
        }
    }
}
