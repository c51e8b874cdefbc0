using NetGen.Generator.Model;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// A 1-D convolution as a matrix product: each output step's window of the input (channels × taps, zero outside the
    /// sequence) is a row of the windows matrix, which multiplies the transposed kernels. Kernels are stored
    /// [Filters, Channels, KernelSize] (PyTorch's layout) at <see cref="WeightOffset"/>, biases after them.
    /// </summary>
    internal sealed class Conv1DLayerPlan : LayerPlan
    {
        public Conv1DLayerPlan(int index, int[] inShape, int[] outShape, Conv1DSpec spec, int weightOffset)
            : base(index, inShape, outShape, spec.Activation)
        {
            Filters = spec.Filters;
            KernelSize = spec.KernelSize;
            Stride = spec.Stride;
            Dilation = spec.Dilation;
            Padding = spec.Padding;
            UseBias = spec.UseBias;
            PadBefore = spec.PadBefore(Steps);
            WeightOffset = weightOffset;
            BiasOffset = weightOffset + WeightCount;
        }

        public int Steps => InShape[0];
        public int Channels => InShape[1];
        public int OutSteps => OutShape[0];
        public int Filters { get; }
        public int KernelSize { get; }
        public int Stride { get; }
        public int Dilation { get; }
        public PaddingKind Padding { get; }
        public bool UseBias { get; }

        /// <summary>Zero steps before the sequence (windows reaching past its end read zeros as well).</summary>
        public int PadBefore { get; }

        /// <summary>Values per window (the product's depth): channels × taps, in PyTorch's weight order.</summary>
        public int Columns => Channels * KernelSize;

        public int WeightCount => Filters * Columns;
        public int WeightOffset { get; }
        public int BiasOffset { get; }

        public string WeightAccessor => $"Conv{Index}Weights";
        public string BiasAccessor => $"Conv{Index}Biases";

        /// <summary>The generated constants holding <see cref="WeightOffset"/> and <see cref="BiasOffset"/>.</summary>
        public string WeightAt => WeightAccessor + "Offset";
        public string BiasAt => BiasAccessor + "Offset";

        /// <summary>The workspace's buffers: windows, transposed kernels, the windows' gradient.</summary>
        public string Windows => $"_windows{Index}";
        public string TransposedWeights => $"_wt{Index}";
        public string WindowGradients => $"_dwindows{Index}";

        public override int ParameterCount => WeightCount + (UseBias ? Filters : 0);

        public override long Macs => (long)OutSteps * Filters * Columns;

        public override LayerKind Kind => Conv1DLayerKind.Instance;

        public override string Title => $"Conv1D({Filters}, {KernelSize})";

        /// <summary>Predict's scratch: the transposed kernels, then one sample's windows.</summary>
        public override int InferenceScratchPerSample => WeightCount + OutSteps * Columns;

        public override int WidestTrainingRow => System.Math.Max(OutSize, OutSteps * Columns);
    }
}
