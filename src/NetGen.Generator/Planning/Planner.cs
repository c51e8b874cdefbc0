using System.Globalization;
using System.Linq;
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

            // Input j is node −j, layer k node k.
            int count = spec.Layers.Count, m = spec.InputCount;
            var inputShapes = new List<int[]>();
            var inputSizes = new int[m];
            inputSize = 0;
            for (int j = 0; j < m; j++)
            {
                inputShapes.Add(spec.InputShapeOf(j).ToArray());
                inputSizes[j] = inputShapes[j].Aggregate(1, (a, d) => a * d);
                inputSize += inputSizes[j];
            }
            var layerSpecs = new List<LayerSpec>(spec.Layers);
            ShapeFlow shapes = ShapeFlow.Infer(layerSpecs, spec.SourcesOf, inputShapes);
            if (shapes.FailedAt >= 0)
            {
                ShapeResult failed = shapes.Results[shapes.FailedAt];
                throw new System.InvalidOperationException($"Layer {shapes.FailedAt + 1} does not fit its input: {failed.Problem?.Id} {string.Join(", ", failed.Arguments)}");
            }
            var layers = new List<LayerPlan>();
            bool[] masked = Masking.MaskedLayers(layerSpecs, spec.SourcesOf);
            int offset = 0;
            for (int i = 0; i < count; i++)
            {
                LayerSpec layer = spec.Layers[i];
                LayerPlan plan = layer.Kind.Plan(layer, new LayerPlanInput(i + 1, shapes.InShapes[i], shapes.Results[i].Shape!, offset, shapes.InputIsHwc[i], masked[i]));
                plan.Sources = new List<int>(spec.SourcesOf(i));
                layers.Add(plan);
                offset += plan.ParameterCount;
            }
            PlanGradientSums(layers);
            PlanGradientBuffers(layers);
            int inferenceParameters = PlanFolding(layers, offset);
            int[] inputSlots = new int[m];
            int slots = PlanInferenceBuffers(layers, m, inputSlots);
            var inputs = new InputPlan[m];
            for (int j = 0, start = 0; j < m; start += inputSizes[j], j++)
            {
                inputs[j] = new InputPlan(j, ParameterName(spec.InputNameOf(j), j), inputShapes[j], start, inputSlots[j]);
            }
            return new NetworkPlan(spec, inputSize, offset, layers, Describe(spec), slots, inputs, inferenceParameters);
        }

        /// <summary>The C# parameter the typed entry points take input <paramref name="j"/> as: its name when that is an identifier.</summary>
        private static string ParameterName(string? name, int j)
        {
            // the other parameters of the typed entry points keep their names
            if (name is null || !Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsValidIdentifier(name) ||
                name is "output" or "outputs" or "batch" or "samples" or "labels" or "targets" or "sample" or "rented" or "r")
                return "input" + (j + 1);
            return Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + name : name;
        }

        /// <summary>
        /// Inference folds a per-channel affine (batch normalization) into the layer it reads when that layer is linear, has
        /// weights and a bias per output channel, and is read by nothing else: the affine then costs nothing. An affine that
        /// cannot fold keeps its scale and shift after the parameter block. Returns the floats of the inference parameters.
        /// </summary>
        private static int PlanFolding(List<LayerPlan> layers, int parameterCount)
        {
            var readers = new int[layers.Count + 1];
            foreach (LayerPlan layer in layers) foreach (int source in layer.Sources) if (source > 0) readers[source]++;
            int floats = parameterCount;
            foreach (LayerPlan layer in layers)
            {
                if (!layer.FoldsIntoSource) continue;
                int source = layer.Sources[0];
                LayerPlan? producer = source > 0 ? layers[source - 1] : null;
                if (producer is { OutputChannelWeights: not null, FoldedInto: null } && producer.Activation.Kind == ActivationKind.Linear && readers[source] == 1 &&
                    !producer.FoldsIntoSource)
                {
                    layer.FoldedInto = producer;
                    continue;
                }
                layer.InferenceOffset = floats;
                floats += layer.InferenceFloats;
            }
            return floats;
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
                    accumulates[j] = source > 0 && !written.Add(source);
                }
                layers[i].AccumulatesInto = accumulates;
            }
        }

        /// <summary>
        /// ∂L/∂z buffers by liveness. The backward pass runs from the last layer down: layer k's ∂L/∂z is written first
        /// when its last reader runs its backward (the loss, for the last layer) and read last in layer k's own backward;
        /// a buffer whose layer's backward has run serves the next one written. A stack alternates two. Layer 1 keeps a
        /// buffer of its own: on two workers sharing it, worker 1 writes its rows into worker 0's.
        /// </summary>
        private static void PlanGradientBuffers(List<LayerPlan> layers)
        {
            int count = layers.Count;
            var firstWritten = new int[count + 1];
            firstWritten[count] = count + 1; // the loss writes the last layer's
            for (int i = 1; i <= count; i++)
            {
                foreach (int source in layers[i - 1].Sources) if (source > 0) firstWritten[source] = System.Math.Max(firstWritten[source], i);
            }
            var occupant = new List<int>(); // per buffer: the layer whose ∂L/∂z it holds now
            var owner = new List<int>();    // per buffer: the layer whose field allocates it
            for (int time = count + 1; time >= 1; time--)
            {
                for (int k = count; k >= 1; k--)
                {
                    if (firstWritten[k] != time) continue;
                    int buffer = k == 1 ? -1 : occupant.FindIndex(o => o > time && o != 1);
                    if (buffer < 0)
                    {
                        occupant.Add(k);
                        owner.Add(k);
                        buffer = occupant.Count - 1;
                    }
                    occupant[buffer] = k;
                    layers[k - 1].DeltaOwner = owner[buffer];
                }
            }
            foreach (LayerPlan layer in layers)
            {
                LayerPlan first = layers[layer.DeltaOwner - 1];
                first.DeltaFloatsPerRow = System.Math.Max(first.DeltaFloatsPerRow, layer.OutSize);
            }
        }

        /// <summary>
        /// Inference keeps activations in scratch rows by liveness: a layer writes into the first row no later layer still
        /// reads (never one of its own inputs), the last layer into the output, and layers that are identities at inference
        /// read through to their input's row. A stack alternates two rows. Returns how many rows there are (at least 2).
        /// </summary>
        private static int PlanInferenceBuffers(List<LayerPlan> layers, int m, int[] inputSlots)
        {
            int count = layers.Count;
            int At(int node) => node + m - 1; // input j is node −j
            var owner = new int[count + m]; // the node whose buffer holds node n's values
            var lastRead = new int[count + m];
            for (int j = 0; j < m; j++) owner[At(-j)] = -j;
            for (int n = 1; n <= count; n++)
            {
                LayerPlan layer = layers[n - 1];
                owner[At(n)] = layer.IdentityAtInference ? owner[At(layer.Sources[0])] : n;
                foreach (int source in layer.Sources) lastRead[At(owner[At(source)])] = System.Math.Max(lastRead[At(owner[At(source)])], n);
            }
            var slotOwner = new List<int>();
            var slotOf = new int[count + m];
            // one input is read where the caller has it; several are copied out of each packed sample into a row each first
            for (int j = 0; j < m; j++)
            {
                if (m == 1) slotOf[At(0)] = LayerPlan.InputSlot;
                else
                {
                    slotOf[At(-j)] = slotOwner.Count;
                    slotOwner.Add(-j);
                }
                inputSlots[j] = slotOf[At(-j)];
            }
            for (int n = 1; n <= count; n++)
            {
                LayerPlan layer = layers[n - 1];
                if (layer.IdentityAtInference) slotOf[At(n)] = slotOf[At(layer.Sources[0])];
                else if (n == count) slotOf[At(n)] = LayerPlan.OutputSlot;
                else
                {
                    int slot = slotOwner.FindIndex(o => lastRead[At(o)] < n);
                    if (slot < 0)
                    {
                        slot = slotOwner.Count;
                        slotOwner.Add(n);
                    }
                    else
                    {
                        slotOwner[slot] = n;
                    }
                    slotOf[At(n)] = slot;
                }
                layer.InferenceSlot = slotOf[At(n)];
                var inputs = new int[layer.Sources.Count];
                for (int j = 0; j < inputs.Length; j++) inputs[j] = slotOf[At(layer.Sources[j])];
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
            sb.Append(" Loss(").Append(spec.Loss);
            // the loss's settings, only where it has them, so the text of every network declared before they existed stays
            if (spec.Loss == LossKind.Huber) sb.Append(",delta=").Append(spec.HuberDelta.ToString("R", CultureInfo.InvariantCulture));
            if (spec.LabelSmoothing != 0f) sb.Append(",label_smoothing=").Append(spec.LabelSmoothing.ToString("R", CultureInfo.InvariantCulture));
            sb.Append(')');
            sb.Append(' ').Append(DescribeOptimizer(spec.Optimizer));
            return sb.ToString();
        }

        /// <summary>
        /// The optimizer's part of the fingerprint: <c>Adam</c> or <c>Sgd</c> as before for the settings that existed, then
        /// the kind and every setting that changes the update or the state's layout, e.g.
        /// <c>AdamW(weight_decay=0.01,weights_only,global_clipnorm=1)</c>, <c>RMSprop(momentum,centered)</c>.
        /// </summary>
        public static string DescribeOptimizer(OptimizerSpec o)
        {
            string F(float f) => f.ToString("R", CultureInfo.InvariantCulture);
            var settings = new List<string>();
            if (o.Kind == OptimizerKind.Sgd && o.Nesterov) settings.Add("nesterov");
            if (o.Kind == OptimizerKind.RMSprop && o.Momentum > 0) settings.Add("momentum");
            if (o.Kind == OptimizerKind.RMSprop && o.Centered) settings.Add("centered");
            if (o.WeightDecay > 0) settings.Add("weight_decay=" + F(o.WeightDecay));
            if (o.WeightDecay > 0 && o.DecayWeightsOnly) settings.Add("weights_only");
            if (o.ClipValue > 0) settings.Add("clipvalue=" + F(o.ClipValue));
            if (o.ClipNorm > 0) settings.Add("clipnorm=" + F(o.ClipNorm));
            if (o.GlobalClipNorm > 0) settings.Add("global_clipnorm=" + F(o.GlobalClipNorm));
            string name = o.Kind == OptimizerKind.Sgd ? "Sgd" : o.Kind.ToString();
            return settings.Count == 0 ? name : name + "(" + string.Join(",", settings) + ")";
        }
    }
}
