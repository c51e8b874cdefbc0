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
        private static void CheckShapes(string name, Location nameLocation, int[] inputShape, List<LayerSpec> layers,
            List<AttributeData> layerAttributes, List<DiagnosticInfo> diagnostics, CancellationToken ct)
        {
            int[] shape = inputShape;
            long parameters = 0, activations = 0;
            for (int i = 0; i < layers.Count; i++)
            {
                LayerSpec layer = layers[i];
                ShapeResult result = layer.Kind.OutputShape(layer, new ShapeInput(shape, i + 1));
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
                shape = next;
            }
            long largest = System.Math.Max(parameters, activations);
            if (largest > MaxElements)
            {
                Add(diagnostics, DiagnosticDescriptors.TooLarge, nameLocation, name, largest.ToString("N0", CultureInfo.InvariantCulture), MaxElements.ToString("N0", CultureInfo.InvariantCulture));
            }
        }
    }
}
