using System.Collections.Generic;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>One layer: its position, shapes and activation. Images are [height, width, channels] in shapes and
    /// stored channel-major (C, H, W) in buffers, except the raw input, which is (H, W, C).</summary>
    internal abstract class LayerPlan
    {
        protected LayerPlan(int index, int[] inShape, int[] outShape, ActivationFunction activation)
        {
            Index = index;
            InShape = inShape;
            OutShape = outShape;
            Activation = activation;
            InSize = Product(inShape);
            OutSize = Product(outShape);
        }

        /// <summary>1-based position in the declaration.</summary>
        public int Index { get; }

        public int[] InShape { get; }

        public int[] OutShape { get; }

        public ActivationFunction Activation { get; }

        /// <summary>The activation the layer's own kernel applies (a dense softmax layer's kernel is linear: the network applies softmax per row).</summary>
        public virtual ActivationFunction KernelActivation => Activation;

        /// <summary>
        /// True when training keeps the layer's pre-activations (<c>_z{index}</c>): its forward writes them, then the
        /// activation; its backward first turns ∂L/∂A into ∂L/∂z from them. For activations whose derivative needs its
        /// input (GELU, SiLU: <see cref="Activations.DerivativeFromInput"/>).
        /// </summary>
        public virtual bool KeepsPreActivation => Activations.DerivativeFromInput(Activation);

        /// <summary>
        /// The activation whose derivative the layers reading this one apply, from its outputs, when they write its ∂L/∂z:
        /// linear when the layer applies its derivative itself (GELU, SiLU).
        /// </summary>
        public ActivationFunction ReaderActivation => Activations.DerivativeFromInput(Activation) ? ActivationKind.Linear : Activation;

        public int InSize { get; }

        public int OutSize { get; }

        public virtual int ParameterCount => 0;

        public virtual long Macs => 0;

        /// <summary>The vocabulary that bounds every input value, for a layer that reads the network's token ids; null otherwise.</summary>
        public virtual int? TokenVocabulary => null;

        /// <summary>True when the layer's training code reads the trainer's step and seed (dropout masks).</summary>
        public virtual bool ReadsStep => false;

        /// <summary>Layers that inference skips (their output is their input).</summary>
        public virtual bool IdentityAtInference => false;

        /// <summary>
        /// Where the weights and bias of each output channel lie, for a per-channel affine read after the layer (batch
        /// normalization) to fold into at inference; null for layers that cannot take one (no bias, not linear in them).
        /// </summary>
        public virtual ChannelWeights? OutputChannelWeights => null;

        /// <summary>True when the layer's training reads statistics of the whole batch (batch normalization): one worker trains it.</summary>
        public virtual bool NeedsWholeBatch => false;

        /// <summary>True for a layer that is a per-channel affine at inference and folds into the layer it reads when it can.</summary>
        public virtual bool FoldsIntoSource => false;

        /// <summary>The layer this one is folded into at inference (its weights and bias absorb it); null when not folded. Set by the planner.</summary>
        public LayerPlan? FoldedInto { get; internal set; }

        /// <summary>Floats the layer keeps in the model's inference parameters after the parameter block (an unfolded affine's scale and shift).</summary>
        public virtual int InferenceFloats => 0;

        /// <summary>Where those floats start in the inference parameters. Set by the planner.</summary>
        public int InferenceOffset { get; internal set; }

        /// <summary>
        /// The nodes the layer reads, set by the planner: 0 is the network input, k is layer k. One for all kinds but the
        /// merges; a stack's layer k reads node k − 1.
        /// </summary>
        public IReadOnlyList<int> Sources { get; internal set; } = System.Array.Empty<int>();

        /// <summary>
        /// For each source, true when the layer adds its gradient to what a later reader of the same node wrote already
        /// (fan-out: that node's ∂L/∂z is the sum over its readers), false when it writes it first. Set by the planner.
        /// </summary>
        public IReadOnlyList<bool> AccumulatesInto { get; internal set; } = System.Array.Empty<bool>();

        /// <summary>The layer whose ∂L/∂z buffer this layer's reuses (itself when it allocates one). Set by the planner.</summary>
        public int DeltaOwner { get; internal set; }

        /// <summary>For a layer that allocates a ∂L/∂z buffer: floats per row, the widest of the layers that reuse it. Set by the planner.</summary>
        public int DeltaFloatsPerRow { get; internal set; }

        /// <summary>Inference buffer of the network input (<c>x</c>), for <see cref="InferenceInputSlots"/>.</summary>
        public const int InputSlot = -2;

        /// <summary>Inference buffer of the network output (<c>y</c>).</summary>
        public const int OutputSlot = -1;

        /// <summary>The inference scratch row the layer writes (0, 1, …), or <see cref="OutputSlot"/>; an identity's input's. Set by the planner.</summary>
        public int InferenceSlot { get; internal set; }

        /// <summary>The inference rows the layer reads, one per source (<see cref="InputSlot"/> for the network input). Set by the planner.</summary>
        public IReadOnlyList<int> InferenceInputSlots { get; internal set; } = System.Array.Empty<int>();

        /// <summary>True when the layer reads the network's input: there is no layer before it to backpropagate into.</summary>
        public bool IsFirst => Sources.Count > 0 && Sources[0] <= 0;

        /// <summary>The layer's kind: its parser, shapes, emitters.</summary>
        public abstract LayerKind Kind { get; }

        /// <summary>The attribute as written, e.g. <c>Conv2D(6, 5)</c>, for the architecture table.</summary>
        public abstract string Title { get; }

        /// <summary>Floats of inference scratch per row beyond the two activation buffers (recurrent state).</summary>
        public virtual int InferenceScratchPerRow => 0;

        /// <summary>Floats of inference scratch for one sample, shared by all rows (a convolution's padded input and grid).</summary>
        public virtual int InferenceScratchPerSample => 0;

        /// <summary>The widest per-row training buffer of the layer (the trainer checks they stay addressable).</summary>
        public virtual int WidestTrainingRow => OutSize;

        /// <summary>Scratch the layer's training code shares with other layers' (the workspace keeps the largest of each).</summary>
        public virtual SharedScratchNeed[] SharedScratch => System.Array.Empty<SharedScratchNeed>();

        private static int Product(int[] shape)
        {
            int n = 1;
            foreach (int d in shape) n *= d;
            return n;
        }
    }

    /// <summary>
    /// The layout of a linear layer's weights by output channel: channel k's <see cref="Elements"/> weights start at
    /// <see cref="WeightOffset"/> + k·<see cref="ChannelStride"/>, <see cref="ElementStride"/> apart; its bias at
    /// <see cref="BiasOffset"/> + k.
    /// </summary>
    internal sealed class ChannelWeights
    {
        public ChannelWeights(int channels, int weightOffset, int channelStride, int elementStride, int elements, int biasOffset)
        {
            Channels = channels;
            WeightOffset = weightOffset;
            ChannelStride = channelStride;
            ElementStride = elementStride;
            Elements = elements;
            BiasOffset = biasOffset;
        }

        public int Channels { get; }
        public int WeightOffset { get; }
        public int ChannelStride { get; }
        public int ElementStride { get; }
        public int Elements { get; }
        public int BiasOffset { get; }
    }

    /// <summary>Workspace scratch that layers share: each is sized for the largest layer that uses it.</summary>
    internal sealed class SharedScratch
    {
        private SharedScratch(int order, string field, string comment)
        {
            Order = order;
            Field = field;
            Comment = comment;
        }

        /// <summary>One dense layer's weights transposed, for its input gradient.</summary>
        public static readonly SharedScratch TransposedWeights = new SharedScratch(0, "_transposed", "one dense layer's weights transposed, for input gradients");

        /// <summary>One sample's gradient with respect to a padded convolution input.</summary>
        public static readonly SharedScratch PaddedInputGradient = new SharedScratch(1, "_dpad", "one sample's gradient with respect to a padded convolution input");

        /// <summary>One sample's convolution outputs, or their gradients, on the padded grid.</summary>
        public static readonly SharedScratch Grid = new SharedScratch(2, "_grid", "one sample's convolution outputs, or their gradients, on the padded grid");

        /// <summary>Declaration order in the workspace.</summary>
        public int Order { get; }
        public string Field { get; }
        public string Comment { get; }
    }

    /// <summary>A layer's need for <see cref="Scratch"/> of <see cref="Floats"/> floats.</summary>
    internal readonly struct SharedScratchNeed
    {
        public SharedScratchNeed(SharedScratch scratch, int floats)
        {
            Scratch = scratch;
            Floats = floats;
        }

        public SharedScratch Scratch { get; }
        public int Floats { get; }
    }
}
