using NetGen.Generator.Model;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// A depthwise convolution computed directly on a zero-padded, channel-major copy of each sample: output channel o
    /// reads input channel o / multiplier. Weights [OutChannels, 1, KernelHeight, KernelWidth] at <see cref="WeightOffset"/>,
    /// biases (when it has them) after them.
    /// </summary>
    internal sealed class DepthwiseConv2DLayerPlan : LayerPlan
    {
        public DepthwiseConv2DLayerPlan(int index, int[] inShape, int[] outShape, DepthwiseConv2DSpec spec, int weightOffset, bool inputIsHwc)
            : base(index, inShape, outShape, spec.Activation)
        {
            Multiplier = spec.DepthMultiplier;
            Window = spec.Window;
            WeightOffset = weightOffset;
            BiasOffset = weightOffset + WeightCount;
            InputIsHwc = inputIsHwc;
            PadTop = Window.PadTop(InHeight);
            PadLeft = Window.PadLeft(InWidth);
            PaddedHeight = Window.PaddedHeight(InHeight, OutHeight);
            PaddedWidth = Window.PaddedWidth(InWidth, OutWidth);
        }

        public int InHeight => InShape[0];
        public int InWidth => InShape[1];
        public int Channels => InShape[2];
        public int OutHeight => OutShape[0];
        public int OutWidth => OutShape[1];

        /// <summary>Output channels: channels × multiplier.</summary>
        public int OutChannels => OutShape[2];

        /// <summary>Output channels per input channel.</summary>
        public int Multiplier { get; }

        /// <summary>Kernel, strides, dilations, padding and bias.</summary>
        public ConvWindow Window { get; }

        public int KernelHeight => Window.KernelHeight;
        public int KernelWidth => Window.KernelWidth;
        public bool UseBias => Window.UseBias;

        public int PadTop { get; }
        public int PadLeft { get; }
        public int PaddedHeight { get; }
        public int PaddedWidth { get; }

        /// <summary>Floats of one padded input plane.</summary>
        public int PaddedPlane => PaddedHeight * PaddedWidth;

        /// <summary>Floats of one sample's zero-padded input.</summary>
        public int PaddedSize => Channels * PaddedPlane;

        /// <summary>Floats of one output plane.</summary>
        public int OutPlane => OutHeight * OutWidth;

        public int WeightOffset { get; }

        /// <summary>Where the biases start; meaningless without <see cref="UseBias"/>.</summary>
        public int BiasOffset { get; }

        public int WeightCount => OutChannels * Window.Taps;

        /// <summary>The generated constants holding <see cref="WeightOffset"/> and <see cref="BiasOffset"/> (the latter only with biases).</summary>
        public string WeightAt => $"Depthwise{Index}WeightsOffset";
        public string BiasAt => $"Depthwise{Index}BiasesOffset";

        /// <summary>True when the input is the network's raw (height, width, channels) input with several channels.</summary>
        public bool InputIsHwc { get; }

        public override int ParameterCount => WeightCount + (UseBias ? OutChannels : 0);

        public override long Macs => (long)OutPlane * WeightCount;

        public override LayerKind Kind => DepthwiseConv2DLayerKind.Instance;

        public override string Title => Window.IsSquare ? $"DepthwiseConv2D({KernelHeight})" : $"DepthwiseConv2D({KernelHeight}, {KernelWidth})";

        public override int InferenceScratchPerSample => PaddedSize;

        public override int WidestTrainingRow => System.Math.Max(OutSize, PaddedSize);

        public override SharedScratchNeed[] SharedScratch =>
            IsFirst ? System.Array.Empty<SharedScratchNeed>() : new[] { new SharedScratchNeed(Layers.SharedScratch.PaddedInputGradient, PaddedSize) };
    }
}
