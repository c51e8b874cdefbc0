using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Planning
{
    /// <summary>What the emitters need, computed once from a spec: shapes, offsets, buffer sizes.</summary>
    internal sealed class NetworkPlan
    {
        public NetworkPlan(NetworkSpec spec, int inputSize, int parameterCount, IReadOnlyList<LayerPlan> layers, string architecture)
        {
            Spec = spec;
            InputSize = inputSize;
            ParameterCount = parameterCount;
            Layers = layers;
            Architecture = architecture;
            int maxHidden = 1, maxPad = 0, maxRecurrent = 0;
            for (int i = 0; i < layers.Count; i++)
            {
                if (layers[i] is RecurrentLayerPlan rnn && rnn.InferenceScratchPerRow > maxRecurrent) maxRecurrent = rnn.InferenceScratchPerRow;
                if (i < layers.Count - 1 && layers[i].OutSize > maxHidden) maxHidden = layers[i].OutSize;
                if (layers[i] is Conv2DLayerPlan conv && conv.PaddedSize + conv.GridSize > maxPad) maxPad = conv.PaddedSize + conv.GridSize;
            }
            MaxHiddenWidth = maxHidden;
            MaxPaddedInput = maxPad;
            MaxRecurrentScratch = maxRecurrent;
            int chunk = System.Math.Max(1, System.Math.Min(64, Planner.PredictScratchFloats / (2 * maxHidden + maxRecurrent)));
            // whole register tiles (4 rows): a chunk of 18 would leave two rows to the one-row tail at every step
            PredictChunkRows = chunk >= 8 ? chunk / 4 * 4 : chunk;
        }

        public NetworkSpec Spec { get; }

        /// <summary>Floats per input sample.</summary>
        public int InputSize { get; }

        /// <summary>Floats per output sample (the last layer is dense).</summary>
        public int OutputSize => Last.Out;

        public int ParameterCount { get; }

        public IReadOnlyList<LayerPlan> Layers { get; }

        /// <summary>The widest activation of any layer but the last: the size of each inference scratch row.</summary>
        public int MaxHiddenWidth { get; }

        /// <summary>The largest convolution scratch of one sample: padded input plus output grid (0 without convolutions).</summary>
        public int MaxPaddedInput { get; }

        /// <summary>The largest recurrent inference scratch per row (0 without recurrent layers).</summary>
        public int MaxRecurrentScratch { get; }

        /// <summary>The first layer's embedding, whose vocabulary bounds every input value; null for other networks.</summary>
        public EmbeddingLayerPlan? Embedding => Layers.Count > 0 ? Layers[0] as EmbeddingLayerPlan : null;

        /// <summary>Rows per step of batched inference (bounds the scratch).</summary>
        public int PredictChunkRows { get; }

        public string Architecture { get; }

        public DenseLayerPlan Last => (DenseLayerPlan)Layers[Layers.Count - 1];

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

    /// <summary>One layer: its position, shapes and activation. Images are [height, width, channels] in shapes and
    /// stored channel-major (C, H, W) in buffers, except the raw input, which is (H, W, C).</summary>
    internal abstract class LayerPlan
    {
        protected LayerPlan(int index, int[] inShape, int[] outShape, ActivationKind activation)
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

        public ActivationKind Activation { get; }

        public int InSize { get; }

        public int OutSize { get; }

        public virtual int ParameterCount => 0;

        public virtual long Macs => 0;

        /// <summary>Layers that inference skips (their output is their input).</summary>
        public virtual bool IdentityAtInference => false;

        public bool IsFirst => Index == 1;

        /// <summary>The attribute as written, e.g. <c>Conv2D(6, 5)</c>.</summary>
        public abstract string Kind { get; }

        private static int Product(int[] shape)
        {
            int n = 1;
            foreach (int d in shape) n *= d;
            return n;
        }
    }

    /// <summary>
    /// A dense layer. Weights are stored [In, Out] row-major (Keras's kernel layout) at
    /// <see cref="WeightOffset"/> in the parameter block, biases [Out] at <see cref="BiasOffset"/>.
    /// </summary>
    internal sealed class DenseLayerPlan : LayerPlan
    {
        public DenseLayerPlan(int index, int[] inShape, int units, ActivationKind activation, int weightOffset)
            : base(index, inShape, new[] { units }, activation)
        {
            WeightOffset = weightOffset;
            BiasOffset = weightOffset + InSize * units;
        }

        public int In => InSize;

        public int Out => OutSize;

        public int WeightOffset { get; }

        public int BiasOffset { get; }

        public int WeightCount => In * Out;

        public override int ParameterCount => In * Out + Out;

        public override long Macs => (long)In * Out;

        public override string Kind => "Dense";

        /// <summary>Softmax is applied by the network after the layer's linear kernel.</summary>
        public ActivationKind KernelActivation => Activation == ActivationKind.Softmax ? ActivationKind.Linear : Activation;
    }

    /// <summary>
    /// A 2-D convolution, stride 1 or more, computed directly on a zero-padded copy of each sample.
    /// Weights are stored [Filters, Channels, Kernel, Kernel] (PyTorch's layout) at <see cref="WeightOffset"/>.
    /// </summary>
    internal sealed class Conv2DLayerPlan : LayerPlan
    {
        public Conv2DLayerPlan(int index, int[] inShape, int[] outShape, Conv2DSpec spec, int weightOffset, bool inputIsHwc)
            : base(index, inShape, outShape, spec.Activation)
        {
            Filters = spec.Filters;
            KernelSize = spec.KernelSize;
            Stride = spec.Stride;
            Padding = spec.Padding;
            WeightOffset = weightOffset;
            BiasOffset = weightOffset + Filters * Taps;
            InputIsHwc = inputIsHwc;
            PadTop = ShapeInference.PadBefore(InHeight, KernelSize, Stride, Padding);
            PadLeft = ShapeInference.PadBefore(InWidth, KernelSize, Stride, Padding);
            // rows and columns of the padded copy: enough for every window, at least the input
            PaddedHeight = System.Math.Max((OutHeight - 1) * Stride + KernelSize, PadTop + InHeight);
            PaddedWidth = System.Math.Max((OutWidth - 1) * Stride + KernelSize, PadLeft + InWidth);
            if (UsesGrid)
            {
                GridColumns = (OutHeight * PaddedWidth + 15) / 16 * 16;
                int lastTap = (Channels - 1) * PaddedHeight * PaddedWidth + (KernelSize - 1) * PaddedWidth + KernelSize - 1;
                PaddedSize = System.Math.Max(Channels * PaddedHeight * PaddedWidth, lastTap + GridColumns);
            }
            else
            {
                PaddedSize = Channels * PaddedHeight * PaddedWidth;
            }
        }

        /// <summary>
        /// Stride 1 runs on the padded grid: output (oh, ow) is computed at oh·PaddedWidth + ow, where every tap is a
        /// shifted contiguous view of the padded input, so whole registers cover whole output planes; the PaddedWidth −
        /// OutWidth extra columns per row are computed and dropped.
        /// </summary>
        public bool UsesGrid => Stride == 1;

        /// <summary>
        /// Training runs in sample lanes when the grid would waste more than a fifth of its columns (LeNet's second
        /// convolution: 144 columns for 100 outputs): 16 samples side by side, one pixel of each per register, so every
        /// lane of every FMA is an output. Packing and unpacking cost a transpose of the layer's inputs and outputs,
        /// which is small beside the products only when the waste is large. Inference keeps the grid (one sample).
        /// </summary>
        public bool TrainsInLanes => UsesGrid && OutHeight * OutWidth * 5 < GridColumns * 4;

        /// <summary>Pixels of one sample's zero-padded input (without the grid's slack): floats per lane.</summary>
        public int PaddedPixels => Channels * PaddedHeight * PaddedWidth;

        /// <summary>Columns of the grid (OutHeight × PaddedWidth rounded up to 16); 0 off the grid path.</summary>
        public int GridColumns { get; }

        /// <summary>Floats of one filter-major grid of all filters: the scratch for outputs or their gradients.</summary>
        public int GridSize => Filters * GridColumns;

        public int InHeight => InShape[0];
        public int InWidth => InShape[1];
        public int Channels => InShape[2];
        public int OutHeight => OutShape[0];
        public int OutWidth => OutShape[1];
        public int Filters { get; }
        public int KernelSize { get; }
        public int Stride { get; }
        public PaddingKind Padding { get; }
        public int PadTop { get; }
        public int PadLeft { get; }
        public int PaddedHeight { get; }
        public int PaddedWidth { get; }

        /// <summary>Floats of one sample's zero-padded input, with the slack the grid's last registers read.</summary>
        public int PaddedSize { get; }

        /// <summary>Weights per filter: channels × kernel × kernel.</summary>
        public int Taps => Channels * KernelSize * KernelSize;

        public int WeightOffset { get; }
        public int BiasOffset { get; }
        public int WeightCount => Filters * Taps;

        /// <summary>True when the input is the network's raw (height, width, channels) input with several channels.</summary>
        public bool InputIsHwc { get; }

        public override int ParameterCount => WeightCount + Filters;

        public override long Macs => (long)OutHeight * OutWidth * Filters * Taps;

        public override string Kind => $"Conv2D({Filters}, {KernelSize})";
    }

    /// <summary>Max or average pooling, per channel.</summary>
    internal sealed class Pool2DLayerPlan : LayerPlan
    {
        public Pool2DLayerPlan(int index, int[] inShape, int[] outShape, Pool2DSpec spec, bool inputIsHwc)
            : base(index, inShape, outShape, ActivationKind.Linear)
        {
            Pool = spec.Kind;
            Size = spec.Size;
            Stride = spec.Stride;
            Padding = spec.Padding;
            PadTop = ShapeInference.PadBefore(InHeight, Size, Stride, Padding);
            PadLeft = ShapeInference.PadBefore(InWidth, Size, Stride, Padding);
            InputIsHwc = inputIsHwc;
        }

        public PoolKind Pool { get; }
        public int InHeight => InShape[0];
        public int InWidth => InShape[1];
        public int Channels => InShape[2];
        public int OutHeight => OutShape[0];
        public int OutWidth => OutShape[1];
        public int Size { get; }
        public int Stride { get; }
        public PaddingKind Padding { get; }
        public int PadTop { get; }
        public int PadLeft { get; }
        public bool InputIsHwc { get; }

        public override string Kind => (Pool == PoolKind.Max ? "MaxPool2D(" : "AvgPool2D(") + Size + ")";
    }

    /// <summary>Flatten: the same floats, one dimension.</summary>
    internal sealed class FlattenLayerPlan : LayerPlan
    {
        public FlattenLayerPlan(int index, int[] inShape) : base(index, inShape, new[] { Size(inShape) }, ActivationKind.Linear)
        {
        }

        private static int Size(int[] shape)
        {
            int n = 1;
            foreach (int d in shape) n *= d;
            return n;
        }

        public override bool IdentityAtInference => true;

        public override string Kind => "Flatten";
    }

    /// <summary>Inverted dropout: training only.</summary>
    internal sealed class DropoutLayerPlan : LayerPlan
    {
        public DropoutLayerPlan(int index, int[] shape, float rate) : base(index, shape, shape, ActivationKind.Linear)
        {
            Rate = rate;
        }

        public float Rate { get; }

        public override bool IdentityAtInference => true;

        public override string Kind => "Dropout(" + Emit.Literal.Float(Rate) + ")";
    }
}

namespace NetGen.Generator.Planning
{
    /// <summary>Token ids [steps] to vectors [steps, dimension]. Weights [Vocabulary, Dimension] at <see cref="WeightOffset"/>.</summary>
    internal sealed class EmbeddingLayerPlan : LayerPlan
    {
        public EmbeddingLayerPlan(int index, int[] inShape, EmbeddingSpec spec, int weightOffset)
            : base(index, inShape, new[] { inShape[0], spec.Dimension }, ActivationKind.Linear)
        {
            Vocabulary = spec.Vocabulary;
            Dimension = spec.Dimension;
            MaskZero = spec.MaskZero;
            WeightOffset = weightOffset;
        }

        public int Vocabulary { get; }
        public int Dimension { get; }
        public bool MaskZero { get; }
        public int Steps => InShape[0];
        public int WeightOffset { get; }
        public int WeightCount => Vocabulary * Dimension;

        public override int ParameterCount => WeightCount;

        public override string Kind => $"Embedding({Vocabulary}, {Dimension})";
    }

    /// <summary>
    /// SimpleRNN, LSTM or GRU over [Steps, Features]. Parameters (Keras's layout): kernel [Features, Gates] at
    /// <see cref="KernelOffset"/>, recurrent kernel [Units, Gates] at <see cref="RecurrentOffset"/>, bias [Gates]
    /// (GRU: [2, Gates], input then recurrent) at <see cref="BiasOffset"/>; gate column blocks in Keras's order.
    /// Sequences are stored sample-major then step-major: element (sample b, step t, unit u) at (b·Steps + t)·Units + u.
    /// </summary>
    internal sealed class RecurrentLayerPlan : LayerPlan
    {
        public RecurrentLayerPlan(int index, int[] inShape, int[] outShape, RecurrentSpec spec, int offset, bool masked)
            : base(index, inShape, outShape, ActivationKind.Linear)
        {
            Cell = spec.Kind;
            Name = spec.Name;
            GateCount = spec.GateBlocks;
            BiasCount = spec.BiasRows * spec.GateBlocks * spec.Units;
            Units = spec.Units;
            CellActivation = spec.Activation;
            ReturnSequences = spec.ReturnSequences;
            Masked = masked;
            KernelOffset = offset;
            RecurrentOffset = offset + Features * Gates;
            BiasOffset = RecurrentOffset + Units * Gates;
        }

        public RecurrentKind Cell { get; }
        public int Units { get; }

        /// <summary>SimpleRNN's activation (LSTM and GRU: tanh with sigmoid gates).</summary>
        public ActivationKind CellActivation { get; }
        public bool ReturnSequences { get; }

        /// <summary>True when the network's token ids mask this layer's steps (an embedding with MaskZero before it).</summary>
        public bool Masked { get; }

        public int Steps => InShape[0];
        public int Features => InShape[1];

        /// <summary>Gate blocks of <see cref="Units"/> columns: 1 (SimpleRNN), 4 (LSTM: i, f, c, o), 3 (GRU: z, r, h).</summary>
        public int GateCount { get; }
        public int Gates => GateCount * Units;

        public int KernelOffset { get; }
        public int RecurrentOffset { get; }
        public int BiasOffset { get; }
        public int KernelCount => Features * Gates;
        public int RecurrentCount => Units * Gates;
        public int BiasCount { get; }

        public override int ParameterCount => KernelCount + RecurrentCount + BiasCount;

        public override long Macs => (long)Steps * (Features + Units) * Gates;

        /// <summary>Floats of inference scratch per row: the step's gate pre-activations, the cell states (LSTM) or
        /// h-side products (GRU), and the running state when every step's state is the output.</summary>
        public int InferenceScratchPerRow =>
            Gates + (Cell == RecurrentKind.Lstm ? Units : Cell == RecurrentKind.Gru ? Gates : 0) + (ReturnSequences ? Units : 0);

        /// <summary>The attribute's name: <c>SimpleRNN</c>, <c>LSTM</c> or <c>GRU</c>.</summary>
        public string Name { get; }

        /// <summary>Floats per row of the training buffers of every step (the trainer checks they stay addressable).</summary>
        public int TrainingFloatsPerRow => Steps * Gates;

        /// <summary>Prefix of the generated accessors: <c>Lstm2Kernel</c>.</summary>
        public string AccessorPrefix => (Cell == RecurrentKind.Lstm ? "Lstm" : Cell == RecurrentKind.Gru ? "Gru" : "SimpleRnn") + Index;

        public override string Kind => $"{Name}({Units}{(ReturnSequences ? ", sequences" : "")})";
    }
}
