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
            int[] inputShape = new int[spec.InputShape.Count];
            for (int i = 0; i < inputShape.Length; i++) inputShape[i] = spec.InputShape[i];
            int inputSize = 1;
            foreach (int d in inputShape) inputSize *= d;

            // Node 0 is the input, node k is layer k. The raw input is (H, W, C); every image layer writes (C, H, W);
            // layers that keep their input's layout (dropout) keep it.
            int count = spec.Layers.Count;
            var shapes = new int[count + 1][];
            var rawHwc = new bool[count + 1];
            shapes[0] = inputShape;
            rawHwc[0] = inputShape.Length == 3 && inputShape[2] > 1;
            var layers = new List<LayerPlan>();
            bool[] masked = Masking.MaskedLayers(new List<LayerSpec>(spec.Layers), spec.SourcesOf);
            int offset = 0;
            for (int i = 0; i < count; i++)
            {
                LayerSpec layer = spec.Layers[i];
                EquatableArray<int> sources = spec.SourcesOf(i);
                var inShapes = new List<int[]>();
                bool raw = false;
                foreach (int source in sources)
                {
                    inShapes.Add(shapes[source]);
                    raw |= rawHwc[source];
                }
                ShapeResult next = layer.Kind.OutputShape(layer, new ShapeInput(inShapes, i + 1, sources[0] == 0, raw));
                int[] outShape = next.Shape
                    ?? throw new System.InvalidOperationException($"Layer {i + 1} does not fit its input: {next.Problem?.Id} {string.Join(", ", next.Arguments)}");
                LayerPlan plan = layer.Kind.Plan(layer, new LayerPlanInput(i + 1, inShapes, outShape, offset, rawHwc[sources[0]], masked[i]));
                plan.Sources = new List<int>(sources);
                rawHwc[i + 1] = layer.Kind.KeepsLayout && rawHwc[sources[0]];
                shapes[i + 1] = outShape;
                layers.Add(plan);
                offset += plan.ParameterCount;
            }
            PlanGradientSums(layers);
            int slots = PlanInferenceBuffers(layers);
            return new NetworkPlan(spec, inputSize, offset, layers, Describe(spec), slots);
        }

        /// <summary>
        /// Fan-out: a node read by several layers gets the sum of their gradients. The backward pass runs from the last
        /// layer down, so the last reader of a node writes its ∂L/∂z and every earlier one adds to it.
        /// </summary>
        private static void PlanGradientSums(List<LayerPlan> layers)
        {
            var written = new HashSet<int>();
            for (int i = layers.Count - 1; i >= 0; i--)
            {
                var accumulates = new bool[layers[i].Sources.Count];
                for (int j = 0; j < accumulates.Length; j++)
                {
                    int source = layers[i].Sources[j];
                    accumulates[j] = source != 0 && !written.Add(source);
                }
                layers[i].AccumulatesInto = accumulates;
            }
        }

        /// <summary>
        /// Inference keeps activations in scratch rows by liveness: a layer writes into the first row no later layer still
        /// reads (never one of its own inputs), the last layer into the output, and layers that are identities at inference
        /// read through to their input's row. A stack alternates two rows. Returns how many rows there are (at least 2).
        /// </summary>
        private static int PlanInferenceBuffers(List<LayerPlan> layers)
        {
            int count = layers.Count;
            var owner = new int[count + 1]; // the node whose buffer holds node n's values
            var lastRead = new int[count + 1];
            for (int n = 1; n <= count; n++)
            {
                LayerPlan layer = layers[n - 1];
                owner[n] = layer.IdentityAtInference ? owner[layer.Sources[0]] : n;
                foreach (int source in layer.Sources) lastRead[owner[source]] = System.Math.Max(lastRead[owner[source]], n);
            }
            var slotOwner = new List<int>();
            var slotOf = new int[count + 1];
            slotOf[0] = LayerPlan.InputSlot;
            for (int n = 1; n <= count; n++)
            {
                LayerPlan layer = layers[n - 1];
                if (layer.IdentityAtInference) slotOf[n] = slotOf[layer.Sources[0]];
                else if (n == count) slotOf[n] = LayerPlan.OutputSlot;
                else
                {
                    int slot = slotOwner.FindIndex(o => lastRead[o] < n);
                    if (slot < 0)
                    {
                        slot = slotOwner.Count;
                        slotOwner.Add(n);
                    }
                    else
                    {
                        slotOwner[slot] = n;
                    }
                    slotOf[n] = slot;
                }
                layer.InferenceSlot = slotOf[n];
                var inputs = new int[layer.Sources.Count];
                for (int j = 0; j < inputs.Length; j++) inputs[j] = slotOf[layer.Sources[j]];
                layer.InferenceInputSlots = inputs;
            }
            return System.Math.Max(2, slotOwner.Count);
        }

        /// <summary>The canonical architecture text, used as the model-file fingerprint (it must not change for a given network).</summary>
        public static string Describe(NetworkSpec spec)
        {
            var sb = new StringBuilder();
            sb.Append("Input(").Append(string.Join(",", spec.InputShape)).Append(')');
            for (int i = 0; i < spec.Layers.Count; i++)
            {
                LayerSpec layer = spec.Layers[i];
                sb.Append(' ').Append(layer.Kind.Architecture(layer));
                // a graph's wiring where it is not a stack's (layer k reading node k − 1): node 0 is the input, k is layer k
                EquatableArray<int> sources = spec.SourcesOf(i);
                if (sources.Count != 1 || sources[0] != i) sb.Append('@').Append(string.Join(",", sources));
            }
            sb.Append(" Loss(").Append(spec.Loss).Append(')');
            sb.Append(' ').Append(spec.Optimizer.Kind == OptimizerKind.Adam ? "Adam" : "Sgd");
            return sb.ToString();
        }
    }
}
