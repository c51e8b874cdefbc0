using System.Collections.Generic;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>A 2-D convolution: its filters, its window (kernel, strides, dilations, padding, bias) and activation.</summary>
    internal sealed record Conv2DSpec(int Filters, ConvWindow Window, ActivationFunction Activation) : LayerSpec
    {
        public override LayerKind Kind => Conv2DLayerKind.Instance;
    }

    /// <summary>
    /// <c>[Conv2D(filters, kernelSize, activation)]</c> or <c>[Conv2D(filters, kernelHeight, kernelWidth, activation)]</c> with
    /// Stride, StrideHeight/StrideWidth, DilationRate, DilationHeight/DilationWidth, Padding and UseBias, on (height, width,
    /// channels) images; kernels [filters, channels, kh, kw] (PyTorch's layout).
    /// </summary>
    internal sealed class Conv2DLayerKind : LayerKind<Conv2DSpec, Conv2DLayerPlan>
    {
        public static readonly Conv2DLayerKind Instance = new Conv2DLayerKind();

        public override IReadOnlyList<string> AttributeNames { get; } = new[] { "NetGen.Conv2DAttribute" };

        public override bool Merges => false;

        public override LayerSpec? Parse(LayerAttribute a)
        {
            int filters = a.Positive(0, "filters", "[Conv2D] filters", a.Int(0));
            bool rectangular = a.ConstructorParameter(2) == "kernelWidth";
            int kernelHeight = a.Positive(1, rectangular ? "kernelHeight" : "kernelSize", rectangular ? "[Conv2D] kernel height" : "[Conv2D] kernel size", a.Int(1));
            int kernelWidth = rectangular ? a.Positive(2, "kernelWidth", "[Conv2D] kernel width", a.Int(2)) : kernelHeight;
            int at = rectangular ? 3 : 2;
            int activation = a.Int(at);
            ConvWindow window = ConvWindow.Read(a, "Conv2D", kernelHeight, kernelWidth);
            if (a.Defined(activation, NetworkParser.ActivationNames.Length, at, "activation", "Activation", NetworkParser.ActivationNames) &&
                (ActivationKind)activation == ActivationKind.Softmax)
            {
                a.Report(DiagnosticDescriptors.SoftmaxOnConvolution, at, "activation", a.Position);
            }
            ActivationFunction function = a.Ok ? a.WithAlpha((ActivationKind)activation, "[Conv2D]") : ActivationKind.Linear;
            return a.Ok ? new Conv2DSpec(filters, window, function) : null;
        }

        protected override string Display(Conv2DSpec spec) =>
            spec.Window.IsSquare ? $"Conv2D({spec.Filters}, {spec.Window.KernelHeight})" : $"Conv2D({spec.Filters}, {spec.Window.KernelHeight}, {spec.Window.KernelWidth})";

        protected override ShapeResult OutputShape(Conv2DSpec spec, ShapeInput input) =>
            input.Shape.Length != 3
                ? ShapeResult.Fails(DiagnosticDescriptors.NeedsImageInput, Display(spec), ShapeInference.Format(input.Shape))
                : spec.Window.OutputShape(input.Shape, spec.Filters, Display(spec));

        protected override long ParameterCount(Conv2DSpec spec, int[] inputShape) =>
            (long)inputShape[2] * spec.Window.Taps * spec.Filters + (spec.Window.UseBias ? spec.Filters : 0);

        protected override MaskFlow Mask(Conv2DSpec spec) => MaskFlow.Stops;

        public override bool KeepsLayout => false;

        /// <summary>The fingerprint: a declaration Conv2D could make before keeps its text, so its model files still load.</summary>
        protected override string Architecture(Conv2DSpec conv) =>
            conv.Window.IsPlain
                ? $"Conv2D({conv.Filters},{conv.Window.KernelHeight},stride={conv.Window.StrideHeight},{conv.Window.Padding},{conv.Activation})"
                : $"Conv2D({conv.Filters},{ArchitectureWindow(conv.Window)},{conv.Activation})";

        /// <summary>A window in fingerprints: <c>3x5,stride=1x2,dilation=1x1,Same,bias=False</c>.</summary>
        internal static string ArchitectureWindow(ConvWindow w) =>
            $"{w.KernelHeight}x{w.KernelWidth},stride={w.StrideHeight}x{w.StrideWidth},dilation={w.DilationHeight}x{w.DilationWidth},{w.Padding},bias={(w.UseBias ? "True" : "False")}";

        protected override Conv2DLayerPlan Plan(Conv2DSpec spec, LayerPlanInput input) =>
            new Conv2DLayerPlan(input.Index, input.InShape, input.OutShape, spec, input.ParameterOffset, input.InputIsHwc);

        protected override string Describe(Conv2DLayerPlan layer) => Conv2DEmitter.Describe(layer);

        protected override IReadOnlyList<ParameterTensor> Parameters(Conv2DLayerPlan c)
        {
            int[] shape = { c.Filters, c.Channels, c.KernelHeight, c.KernelWidth };
            var weight = new ParameterTensor("weight", c.WeightOffset, shape, "conv.weight", $"Conv{c.Index}Weights",
                $"Layer {c.Index} kernels, [{c.Filters}, {c.Channels}, {c.KernelHeight}, {c.KernelWidth}] row-major (filter × channel × row × column, PyTorch's layout).",
                new TorchMapping("weight", 0, 1, c.WeightCount, shape));
            if (!c.UseBias) return new[] { weight };
            return new[] { weight, new ParameterTensor("bias", c.BiasOffset, new[] { c.Filters }, "bias", $"Conv{c.Index}Biases", $"Layer {c.Index} biases, [{c.Filters}].", TorchMapping.Vector("bias", c.Filters)) };
        }

        protected override void EmitInitialization(SourceWriter w, Conv2DLayerPlan c) =>
            w.Line($"Initializers.GlorotUniform(Conv{c.Index}Weights, fanIn: {c.Taps}, fanOut: {c.Filters * c.KernelHeight * c.KernelWidth}, ref random);");

        protected override IReadOnlyList<string> InitializationPhrases(Conv2DLayerPlan layer) =>
            layer.UseBias ? new[] { "Glorot-uniform weights", "zero biases" } : new[] { "Glorot-uniform weights" };

        protected override IReadOnlyList<TrainingBuffer> TrainingBuffers(Conv2DLayerPlan c)
        {
            if (c.TrainsInLanes) return Conv2DEmitter.LaneBuffers(c);
            var pad = new TrainingBuffer($"_pad{c.Index}", $"maxRows * {c.PaddedSize}",
                $"layer {c.Index}'s zero-padded inputs, [rows, {c.Channels}, {c.PaddedHeight}, {c.PaddedWidth}]" + (c.UsesGrid ? " (+ slack)" : ""));
            if (!c.UsesGrid) return new[] { pad };
            return new[]
            {
                pad,
                new TrainingBuffer($"_dgrid{c.Index}", $"maxRows * {c.GridSize}", $"layer {c.Index}'s output gradients on the padded grid, [rows, {c.Filters}, {c.GridColumns}]"),
                new TrainingBuffer($"_wperm{c.Index}", $"{c.WeightCount}", $"layer {c.Index}'s kernels with the channel last, [{c.Filters}, {c.KernelHeight}, {c.KernelWidth}, {c.Channels}], for its input gradient"),
            };
        }

        protected override void EmitForward(SourceWriter w, KernelSet kernels, Conv2DLayerPlan layer, ActivationFunction activation, LayerRefs refs) =>
            Conv2DEmitter.EmitForward(w, kernels, layer, activation, refs);

        protected override void EmitBackward(SourceWriter w, KernelSet kernels, Conv2DLayerPlan layer, LayerRefs refs) =>
            Conv2DEmitter.EmitBackward(w, kernels, layer, refs);
    }
}
