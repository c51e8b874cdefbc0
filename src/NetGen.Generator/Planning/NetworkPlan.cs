using System.Collections.Generic;
using NetGen.Generator.Layers;
using NetGen.Generator.Model;

namespace NetGen.Generator.Planning
{
    /// <summary>
    /// What the emitters need, computed once from a spec: shapes, offsets, buffer sizes, and every choice of training
    /// path (fused loss, the first layer's fused Adam step, the two-worker shared layer, indexed rows). The emitters only
    /// read it.
    /// </summary>
    internal sealed class NetworkPlan
    {
        public NetworkPlan(NetworkSpec spec, int inputSize, int parameterCount, IReadOnlyList<LayerPlan> layers, string architecture, int inferenceSlots,
            IReadOnlyList<InputPlan> inputs, int inferenceParameterCount)
        {
            InferenceParameterCount = inferenceParameterCount;
            InferenceSlots = inferenceSlots;
            Inputs = inputs;
            Spec = spec;
            InputSize = inputSize;
            ParameterCount = parameterCount;
            Layers = layers;
            Architecture = architecture;
            int maxHidden = 1, maxPad = 0, maxRecurrent = 0, widest = inputSize, fanOut = 0, inputReaders = 0;
            bool readsStep = false;
            var scratch = new SortedDictionary<int, (SharedScratch Scratch, int Floats)>();
            for (int i = 0; i < layers.Count; i++)
            {
                LayerPlan layer = layers[i];
                maxRecurrent = System.Math.Max(maxRecurrent, layer.InferenceScratchPerRow);
                maxPad = System.Math.Max(maxPad, layer.InferenceScratchPerSample);
                if (i < layers.Count - 1) maxHidden = System.Math.Max(maxHidden, layer.OutSize);
                widest = System.Math.Max(widest, layer.WidestTrainingRow);
                readsStep |= layer.ReadsStep;
                FoldsParameters |= layer.FoldsIntoSource;
                TrainsOnOneWorker |= layer.NeedsWholeBatch;
                for (int j = 0; j < layer.Sources.Count; j++)
                {
                    if (layer.Sources[j] <= 0) inputReaders++;
                    if (layer.AccumulatesInto[j]) fanOut = System.Math.Max(fanOut, layers[layer.Sources[j] - 1].OutSize);
                }
                if (layer.IsFirst && layer.TokenVocabulary is int vocabulary) TokenVocabulary = vocabulary;
                foreach (SharedScratchNeed need in layer.SharedScratch)
                {
                    int floats = scratch.TryGetValue(need.Scratch.Order, out var had) ? System.Math.Max(had.Floats, need.Floats) : need.Floats;
                    scratch[need.Scratch.Order] = (need.Scratch, floats);
                }
            }
            // several inputs are copied into scratch rows of their own at inference
            if (inputs.Count > 1) foreach (InputPlan input in inputs) maxHidden = System.Math.Max(maxHidden, input.Size);
            MaxHiddenWidth = maxHidden;
            MaxPaddedInput = maxPad;
            MaxRecurrentScratch = maxRecurrent;
            WidestTrainingRow = widest;
            ReadsStep = readsStep;
            FanOutWidth = fanOut;
            var shared = new List<(SharedScratch, int)>();
            foreach (var entry in scratch.Values) if (entry.Floats > 0) shared.Add(entry);
            TrainingScratch = shared;
            int chunk = System.Math.Max(1, System.Math.Min(64, Planner.PredictScratchFloats / (inferenceSlots * maxHidden + maxRecurrent)));
            // whole register tiles (4 rows): a chunk of 18 would leave two rows to the one-row tail at every step
            PredictChunkRows = chunk >= 8 ? chunk / 4 * 4 : chunk;

            FusesActivation = spec.Loss is LossKind.SparseCategoricalCrossEntropy or LossKind.CategoricalCrossEntropy or LossKind.BinaryCrossEntropy;
            AcceptsLabels = spec.Loss == LossKind.SparseCategoricalCrossEntropy || spec.Loss == LossKind.CategoricalCrossEntropy ||
                            (spec.Loss == LossKind.BinaryCrossEntropy && OutputSize == 1);
            // the training paths below read the caller's samples in layer 1 only: the input must have no other reader
            IndexedFirstLayer = inputReaders == 1 && inputs.Count == 1 ? layers[0] as DenseLayerPlan : null;
            // the fused step is plain Adam's: weight decay and clipping (a norm needs every gradient before any step) turn it off
            OptimizerSpec optimizer = spec.Optimizer;
            bool plainUpdate = optimizer.WeightDecay == 0f && optimizer.ClipValue == 0f && !optimizer.ClipsByNorm;
            FusedAdamLayer = optimizer.Kind == OptimizerKind.Adam && plainUpdate && !readsStep && IndexedFirstLayer is DenseLayerPlan first &&
                             first.WeightOffset == 0 && first.CanFuseAdam
                ? first
                : null;
            // (not for a layer that keeps its pre-activations: the two halves' sums are activated in one pass that keeps none)
            SharedLayer = FusedAdamLayer is DenseLayerPlan fused && !TrainsOnOneWorker && layers.Count >= 2 && fused.In >= 2 && !fused.KeepsPreActivation ? fused : null;

            OptimizerStateArrays = optimizer.Kind switch
            {
                OptimizerKind.Adam or OptimizerKind.AdamW => 2,
                OptimizerKind.RMSprop => 1 + (optimizer.Momentum > 0 ? 1 : 0) + (optimizer.Centered ? 1 : 0),
                _ => optimizer.Momentum > 0 ? 1 : 0,
            };
            (OptimizerSegments, ClipNormGroups) = PlanOptimizerSegments(optimizer, layers, parameterCount);
        }

        /// <summary>
        /// The parameter ranges the step treats alike, when weight decay or per-tensor norm clipping tells tensors apart:
        /// each trainable tensor decays or not (rank ≥ 2 only with <c>DecayWeightsOnly</c>) and, clipped per tensor, has
        /// a norm group of its own; neighbours that agree merge into one range. Non-trainable tensors (batch
        /// normalization's moving statistics) are in no range: the step never touches them. Empty when the step treats
        /// every parameter alike (one call over the worker's range, as without these options).
        /// </summary>
        private static (IReadOnlyList<OptimizerSegment>, int) PlanOptimizerSegments(OptimizerSpec optimizer, IReadOnlyList<LayerPlan> layers, int parameterCount)
        {
            var segments = new List<OptimizerSegment>();
            bool perTensor = optimizer.ClipNorm > 0;
            if (optimizer.WeightDecay == 0f && !perTensor) return (segments, optimizer.GlobalClipNorm > 0 ? 1 : 0);
            var tensors = new List<ParameterTensor>();
            foreach (LayerPlan layer in layers) tensors.AddRange(layer.Kind.Parameters(layer));
            tensors.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            int groups = 0, at = 0;
            void Add(int start, int end, bool decays, int group, string tensor)
            {
                if (end <= start) return;
                OptimizerSegment? last = segments.Count > 0 ? segments[segments.Count - 1] : null;
                if (last is not null && last.End == start && last.Decays == decays && last.NormGroup == group && group < 0)
                {
                    segments[segments.Count - 1] = new OptimizerSegment(last.Start, end, decays, group, last.Tensors + ", " + tensor);
                }
                else
                {
                    segments.Add(new OptimizerSegment(start, end, decays, group, tensor));
                }
            }
            foreach (ParameterTensor t in tensors)
            {
                if (t.Offset > at) Add(at, t.Offset, false, -1, "(between tensors)");
                if (t.Trainable)
                {
                    bool decays = optimizer.WeightDecay > 0 && (!optimizer.DecayWeightsOnly || t.Shape.Length >= 2);
                    Add(t.Offset, t.Offset + t.Count, decays, perTensor ? groups++ : -1, t.Accessor);
                }
                at = System.Math.Max(at, t.Offset + t.Count);
            }
            if (at < parameterCount) Add(at, parameterCount, false, -1, "(after the tensors)");
            return (segments, perTensor ? groups : optimizer.GlobalClipNorm > 0 ? 1 : 0);
        }

        public NetworkSpec Spec { get; }

        /// <summary>
        /// Floats of the inference parameters: the parameter block with per-channel affines folded into the layers before
        /// them, then the scale and shift of those that cannot fold. Equal to <see cref="ParameterCount"/> when no layer
        /// folds or keeps an affine (inference then reads the parameters themselves).
        /// </summary>
        public int InferenceParameterCount { get; }

        /// <summary>True when inference reads a folded copy of the parameters, rebuilt whenever they change.</summary>
        public bool FoldsParameters { get; }

        /// <summary>True when a layer's training needs the whole batch at once (batch statistics): the trainer runs one worker.</summary>
        public bool TrainsOnOneWorker { get; }

        /// <summary>The inputs, in declaration order: one, or several packed one after the other in each sample.</summary>
        public IReadOnlyList<InputPlan> Inputs { get; }

        /// <summary>Floats per input sample.</summary>
        public int InputSize { get; }

        /// <summary>Floats per output sample (the last layer is dense).</summary>
        public int OutputSize => Last.Out;

        public int ParameterCount { get; }

        public IReadOnlyList<LayerPlan> Layers { get; }

        /// <summary>The widest activation of any layer but the last: the size of each inference scratch row.</summary>
        public int MaxHiddenWidth { get; }

        /// <summary>The largest inference scratch of one sample (a convolution's padded input plus output grid; 0 without).</summary>
        public int MaxPaddedInput { get; }

        /// <summary>The largest inference scratch per row beyond the activations (recurrent state; 0 without).</summary>
        public int MaxRecurrentScratch { get; }

        /// <summary>The widest per-row training buffer (the input included): the trainer checks a batch of them stays addressable.</summary>
        public int WidestTrainingRow { get; }

        /// <summary>Scratch shared by the workspace's layers, each sized for the largest user, in declaration order; only those some layer needs.</summary>
        public IReadOnlyList<(SharedScratch Scratch, int Floats)> TrainingScratch { get; }

        /// <summary>True when training reads the trainer's step and seed (dropout masks): the trainer then has a <c>Seed</c>.</summary>
        public bool ReadsStep { get; }

        /// <summary>The vocabulary bounding every input value when the first layer reads token ids; null otherwise.</summary>
        public int? TokenVocabulary { get; }

        /// <summary>Scratch rows of inference (each <see cref="MaxHiddenWidth"/> wide), assigned by liveness: 2 for a stack.</summary>
        public int InferenceSlots { get; }

        /// <summary>
        /// The widest node read by several layers whose later readers add their gradient to it (0 without fan-out): the
        /// workspace's <c>_dfan</c> holds one reader's ∂L/∂z before it is added.
        /// </summary>
        public int FanOutWidth { get; }

        /// <summary>Rows per step of batched inference (bounds the scratch).</summary>
        public int PredictChunkRows { get; }

        public string Architecture { get; }

        public DenseLayerPlan Last => (DenseLayerPlan)Layers[Layers.Count - 1];

        /// <summary>True when the last layer's forward in training stops at the logits and the loss applies the activation.</summary>
        public bool FusesActivation { get; }

        /// <summary>True when the trainer accepts integer class labels.</summary>
        public bool AcceptsLabels { get; }

        /// <summary>
        /// The first layer when it is dense: the trainer then reads its rows through the batch's row indices
        /// (<c>IIndexedTrainer</c>), and takes a contiguous batch as the identity. Null otherwise.
        /// </summary>
        public DenseLayerPlan? IndexedFirstLayer { get; }

        /// <summary>
        /// The layer whose weights take Adam's step inside the backward pass when the trainer has one worker: the first
        /// layer, when it is dense and its weight gradient keeps its whole reduction in registers (and nothing reads the
        /// step counter during the pass: no dropout). Its weights are the first parameters, usually most of them: without
        /// their gradient written and read back, and without a second pass over them, the step's memory traffic drops.
        /// </summary>
        public DenseLayerPlan? FusedAdamLayer { get; }

        /// <summary>
        /// The layer that two workers share instead of splitting the batch (TrainBatch on two workers): the fused layer, when
        /// it is not the only layer. Each worker sums half of its inputs for every row, runs the rest of the network on half
        /// of the rows, and takes Adam's step for its half of W's rows over the whole batch: a contiguous block of W and of
        /// its moments, which stays in that core's cache; no gradient of the layer is reduced. Reproducible bit for bit at
        /// two workers; one worker's results up to the summation order of the layer's two half-sums and of the other
        /// layers' gradients.
        /// </summary>
        public DenseLayerPlan? SharedLayer { get; }

        /// <summary>Optimizer-state arrays of <see cref="ParameterCount"/> floats (Adam: m, v; RMSprop: square average, then the momentum buffer and the gradient average where used; SGD: the velocity with momentum).</summary>
        public int OptimizerStateArrays { get; }

        /// <summary>
        /// The ranges the step walks when tensors differ in weight decay or clipping norm (<see cref="PlanOptimizerSegments"/>);
        /// empty when one update covers every parameter.
        /// </summary>
        public IReadOnlyList<OptimizerSegment> OptimizerSegments { get; }

        /// <summary>Gradient norms the step needs first: one per trainable tensor with ClipNorm, 1 with GlobalClipNorm, else 0.</summary>
        public int ClipNormGroups { get; }

        public long TotalMacs
        {
            get
            {
                long total = 0;
                foreach (LayerPlan layer in Layers) total += layer.Macs;
                return total;
            }
        }
    }

    /// <summary>
    /// One [Input]: node −<see cref="Index"/>, its values at <see cref="Offset"/> in each packed sample, the parameter the
    /// typed entry points take it as, and (with several inputs) the inference row it is copied into.
    /// </summary>
    internal sealed class InputPlan
    {
        public InputPlan(int index, string parameter, int[] shape, int offset, int inferenceSlot)
        {
            Index = index;
            Parameter = parameter;
            Shape = shape;
            Offset = offset;
            InferenceSlot = inferenceSlot;
            int size = 1;
            foreach (int d in shape) size *= d;
            Size = size;
        }

        public int Index { get; }
        public string Parameter { get; }
        public int[] Shape { get; }
        public int Size { get; }
        public int Offset { get; }
        public int InferenceSlot { get; }

    }

    /// <summary>
    /// A range [<see cref="Start"/>, <see cref="End"/>) of parameters the optimizer steps alike: decayed or not, and the
    /// norm group whose clipping scale it takes (−1: none). <see cref="Tensors"/> names them for the comment.
    /// </summary>
    internal sealed record OptimizerSegment(int Start, int End, bool Decays, int NormGroup, string Tensors);
}
