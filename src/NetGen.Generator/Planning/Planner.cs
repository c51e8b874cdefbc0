using System.Collections.Generic;
using System.Text;
using NetGen.Generator.Layers;
using NetGen.Generator.Model;

namespace NetGen.Generator.Planning
{
    /// <summary>
    /// A pure function from a valid spec to a plan: the one pass that makes every decision the emitters read (shapes,
    /// offsets, layouts, buffers, which training paths exist). No Roslyn types.
    /// </summary>
    internal static class Planner
    {
        /// <summary>Floats of stack scratch a batched Predict may use per chunk (both ping-pong buffers).</summary>
        public const int PredictScratchFloats = 16 * 1024;

        public static NetworkPlan Plan(NetworkSpec spec)
        {
            int[] shape = new int[spec.InputShape.Count];
            for (int i = 0; i < shape.Length; i++) shape[i] = spec.InputShape[i];
            int inputSize = 1;
            foreach (int d in shape) inputSize *= d;

            // The raw input is (H, W, C); every image layer writes (C, H, W). Layers that keep their input's layout (dropout) keep it.
            bool hwc = shape.Length == 3 && shape[2] > 1;
            var layers = new List<LayerPlan>();
            bool[] masked = Masking.MaskedLayers(new List<LayerSpec>(spec.Layers));
            int offset = 0;
            for (int i = 0; i < spec.Layers.Count; i++)
            {
                LayerSpec layer = spec.Layers[i];
                ShapeResult next = layer.Kind.OutputShape(layer, new ShapeInput(shape, i + 1));
                int[] outShape = next.Shape
                    ?? throw new System.InvalidOperationException($"Layer {i + 1} does not fit its input: {next.Problem?.Id} {string.Join(", ", next.Arguments)}");
                LayerPlan plan = layer.Kind.Plan(layer, new LayerPlanInput(i + 1, shape, outShape, offset, hwc, masked[i]));
                if (!layer.Kind.KeepsLayout) hwc = false;
                layers.Add(plan);
                offset += plan.ParameterCount;
                shape = outShape;
            }
            return new NetworkPlan(spec, inputSize, offset, layers, Describe(spec));
        }

        /// <summary>The canonical architecture text, used as the model-file fingerprint (it must not change for a given network).</summary>
        public static string Describe(NetworkSpec spec)
        {
            var sb = new StringBuilder();
            sb.Append("Input(").Append(string.Join(",", spec.InputShape)).Append(')');
            foreach (LayerSpec layer in spec.Layers)
            {
                sb.Append(' ').Append(layer.Kind.Architecture(layer));
            }
            sb.Append(" Loss(").Append(spec.Loss).Append(')');
            sb.Append(' ').Append(spec.Optimizer.Kind == OptimizerKind.Adam ? "Adam" : "Sgd");
            return sb.ToString();
        }
    }
}
