using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// A 2-D convolution, any kernel, strides and dilations, computed directly on a zero-padded copy of each sample.
    /// Weights are stored [Filters, Channels, KernelHeight, KernelWidth] (PyTorch's layout) at <see cref="WeightOffset"/>,
    /// biases (when it has them) after them.
    /// </summary>
    internal sealed class Conv2DLayerPlan : LayerPlan
    {
        public Conv2DLayerPlan(int index, int[] inShape, int[] outShape, Conv2DSpec spec, int weightOffset, bool inputIsHwc)
            : base(index, inShape, outShape, spec.Activation)
        {
            Filters = spec.Filters;
            Window = spec.Window;
            WeightOffset = weightOffset;
            BiasOffset = weightOffset + Filters * Taps;
            InputIsHwc = inputIsHwc;
            PadTop = Window.PadTop(InHeight);
            PadLeft = Window.PadLeft(InWidth);
            PaddedHeight = Window.PaddedHeight(InHeight, OutHeight);
            PaddedWidth = Window.PaddedWidth(InWidth, OutWidth);
            if (UsesGrid)
            {
                GridColumns = (OutHeight * PaddedWidth + 15) / 16 * 16;
                int lastTap = (Channels - 1) * PaddedHeight * PaddedWidth + (Window.ExtentHeight - 1) * PaddedWidth + Window.ExtentWidth - 1;
                PaddedSize = System.Math.Max(Channels * PaddedHeight * PaddedWidth, lastTap + GridColumns);
            }
            else
            {
                PaddedSize = Channels * PaddedHeight * PaddedWidth;
            }
        }

        /// <summary>
        /// Stride 1 (on both axes, any kernel and dilation) runs on the padded grid: output (oh, ow) is computed at
        /// oh·PaddedWidth + ow, where every tap is a shifted contiguous view of the padded input, so whole registers cover
        /// whole output planes; the PaddedWidth − OutWidth extra columns per row are computed and dropped.
        /// </summary>
        public bool UsesGrid => StrideHeight == 1 && StrideWidth == 1;

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

        /// <summary>Kernel, strides, dilations, padding and bias.</summary>
        public ConvWindow Window { get; }

        public int KernelHeight => Window.KernelHeight;
        public int KernelWidth => Window.KernelWidth;
        public int StrideHeight => Window.StrideHeight;
        public int StrideWidth => Window.StrideWidth;
        public int DilationHeight => Window.DilationHeight;
        public int DilationWidth => Window.DilationWidth;
        public PaddingKind Padding => Window.Padding;
        public bool UseBias => Window.UseBias;
        public int PadTop { get; }
        public int PadLeft { get; }
        public int PaddedHeight { get; }
        public int PaddedWidth { get; }

        /// <summary>Floats of one sample's zero-padded input, with the slack the grid's last registers read.</summary>
        public int PaddedSize { get; }

        /// <summary>Weights per filter: channels × kernel height × kernel width.</summary>
        public int Taps => Channels * Window.Taps;

        public int WeightOffset { get; }
        /// <summary>Where the biases start; meaningless without <see cref="UseBias"/>.</summary>
        public int BiasOffset { get; }

        /// <summary>The generated constants holding <see cref="WeightOffset"/> and <see cref="BiasOffset"/> (the latter only with biases).</summary>
        public string WeightAt => $"Conv{Index}WeightsOffset";
        public string BiasAt => $"Conv{Index}BiasesOffset";
        public int WeightCount => Filters * Taps;

        /// <summary>True when the input is the network's raw (height, width, channels) input with several channels.</summary>
        public bool InputIsHwc { get; }

        public override int ParameterCount => WeightCount + (UseBias ? Filters : 0);

        public override long Macs => (long)OutHeight * OutWidth * Filters * Taps;

        /// <summary>Filter f's weights are its [Channels, KernelHeight, KernelWidth] block; without a bias, nothing to fold a shift into.</summary>
        public override ChannelWeights? OutputChannelWeights => UseBias ? new ChannelWeights(Filters, WeightOffset, Taps, 1, Taps, BiasOffset) : null;

        public override LayerKind Kind => Conv2DLayerKind.Instance;

        public override string Title => Window.IsSquare ? $"Conv2D({Filters}, {KernelHeight})" : $"Conv2D({Filters}, {KernelHeight}, {KernelWidth})";

        public override int InferenceScratchPerSample => PaddedSize + GridSize;

        public override int WidestTrainingRow => System.Math.Max(OutSize, PaddedSize);

        public override SharedScratchNeed[] SharedScratch =>
            TrainsInLanes ? System.Array.Empty<SharedScratchNeed>()
            : IsFirst ? new[] { new SharedScratchNeed(Layers.SharedScratch.Grid, GridSize) }
            : new[] { new SharedScratchNeed(Layers.SharedScratch.PaddedInputGradient, PaddedSize), new SharedScratchNeed(Layers.SharedScratch.Grid, GridSize) };
    }
}
