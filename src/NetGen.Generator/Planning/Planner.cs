using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using NetGen.Generator.Model;

namespace NetGen.Generator.Planning
{
    /// <summary>A pure function from a valid spec to a plan. No Roslyn types.</summary>
    internal static class Planner
    {
        /// <summary>Floats of stack scratch a batched Predict may use per chunk (both ping-pong buffers).</summary>
        public const int PredictScratchFloats = 16 * 1024;

        public static NetworkPlan Plan(NetworkSpec spec)
        {
            int width = 1;
            foreach (int d in spec.InputShape) width *= d;
            int inputSize = width;

            var layers = new List<DenseLayerPlan>();
            int offset = 0;
            int maxHidden = 1;
            for (int i = 0; i < spec.Layers.Count; i++)
            {
                switch (spec.Layers[i])
                {
                    case DenseSpec dense:
                        var layer = new DenseLayerPlan(i + 1, width, dense.Units, dense.Activation, offset, offset + width * dense.Units);
                        layers.Add(layer);
                        offset += layer.ParameterCount;
                        width = dense.Units;
                        if (i < spec.Layers.Count - 1) maxHidden = Math.Max(maxHidden, width);
                        break;
                    default:
                        throw new InvalidOperationException("Unknown layer kind " + spec.Layers[i].GetType().Name);
                }
            }

            int chunk = Math.Max(1, Math.Min(64, PredictScratchFloats / 2 / maxHidden));
            return new NetworkPlan(spec, inputSize, width, offset, new EquatableArray<DenseLayerPlan>(layers), maxHidden, chunk, Describe(spec));
        }

        /// <summary>The canonical architecture text, used as the model-file fingerprint.</summary>
        public static string Describe(NetworkSpec spec)
        {
            var sb = new StringBuilder();
            sb.Append("Input(").Append(string.Join(",", spec.InputShape)).Append(')');
            foreach (LayerSpec layer in spec.Layers)
            {
                if (layer is DenseSpec dense)
                {
                    sb.Append(" Dense(").Append(dense.Units.ToString(CultureInfo.InvariantCulture)).Append(',').Append(dense.Activation).Append(')');
                }
            }
            sb.Append(" Loss(").Append(spec.Loss).Append(')');
            sb.Append(' ').Append(spec.Optimizer.Kind == OptimizerKind.Adam ? "Adam" : "Sgd");
            return sb.ToString();
        }
    }
}
