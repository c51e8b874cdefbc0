using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Layers;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Parsing
{
    /// <summary>The shape check of the whole stack: each layer's kind infers its output from the shape before it.</summary>
    internal static partial class NetworkParser
    {
        /// <summary>Runs the shapes through the layers and reports the first layer that does not fit its input, then a network too large.</summary>
        private static void CheckShapes(string name, Location nameLocation, List<int[]> inputShapes, List<LayerSpec> layers, System.Func<int, EquatableArray<int>> sourcesOf,
            List<AttributeData> layerAttributes, List<DiagnosticInfo> diagnostics, CancellationToken ct)
        {
            ShapeFlow flow = ShapeFlow.Infer(layers, sourcesOf, inputShapes);
            if (flow.FailedAt >= 0)
            {
                ShapeResult result = flow.Results[flow.FailedAt];
                var arguments = new List<string> { (flow.FailedAt + 1).ToString(CultureInfo.InvariantCulture) };
                arguments.AddRange(result.Arguments);
                Add(diagnostics, result.Problem!, AttributeLocation(layerAttributes[flow.FailedAt], ct), arguments.ToArray());
                return;
            }
            long parameters = 0, activations = 0;
            for (int i = 0; i < layers.Count; i++)
            {
                long outSize = 1;
                foreach (int d in flow.Results[i].Shape!) outSize *= d;
                parameters += layers[i].Kind.ParameterCount(layers[i], flow.InShapes[i][0]);
                activations = System.Math.Max(activations, outSize);
            }
            long largest = System.Math.Max(parameters, activations);
            if (largest > MaxElements)
            {
                Add(diagnostics, DiagnosticDescriptors.TooLarge, nameLocation, name, largest.ToString("N0", CultureInfo.InvariantCulture), MaxElements.ToString("N0", CultureInfo.InvariantCulture));
            }
        }
    }
}
