using System.Collections.Generic;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>A 2-D convolution with a square kernel and the same stride on both axes.</summary>
    internal sealed record Conv2DSpec(int Filters, int KernelSize, int Stride, PaddingKind Padding, ActivationFunction Activation) : LayerSpec
    {
        public override LayerKind Kind => Conv2DLayerKind.Instance;
    }

    /// <summary><c>[Conv2D(filters, kernelSize, activation, Stride, Padding)]</c> on (height, width, channels) images; kernels [filters, channels, k, k] (PyTorch's layout).</summary>
    internal sealed class Conv2DLayerKind : LayerKind<Conv2DSpec, Conv2DLayerPlan>
    {
        public static readonly Conv2DLayerKind Instance = new Conv2DLayerKind();

        public override IReadOnlyList<string> AttributeNames { get; } = new[] { "NetGen.Conv2DAttribute" };

        public override bool Merges => false;

        public override LayerSpec? Parse(LayerAttribute a)
        {
            int filters = a.Positive(0, "filters", "[Conv2D] filters", a.Int(0));
            int kernel = a.Positive(1, "kernelSize", "[Conv2D] kernel size", a.Int(1));
            int activation = a.Int(2);
            int stride = a.Named("Stride", 1);
            if (stride <= 0 || stride > NetworkParser.MaxDimension) a.Size(-1, "Stride", $"Layer {a.Position} ([Conv2D] Stride)", stride);
            PaddingKind padding = a.Padding();
            if (a.Defined(activation, NetworkParser.ActivationNames.Length, 2, "activation", "Activation", NetworkParser.ActivationNames) &&
                (ActivationKind)activation == ActivationKind.Softmax)
            {
                a.Report(DiagnosticDescriptors.SoftmaxOnConvolution, 2, "activation", a.Position);
            }
            ActivationFunction function = a.Ok ? a.WithAlpha((ActivationKind)activation, "[Conv2D]") : ActivationKind.Linear;
            return a.Ok ? new Conv2DSpec(filters, kernel, stride, padding, function) : null;
        }

        protected override string Display(Conv2DSpec spec) => $"Conv2D({spec.Filters}, {spec.KernelSize})";

        protected override ShapeResult OutputShape(Conv2DSpec spec, ShapeInput input) =>
            input.Shape.Length != 3
                ? ShapeResult.Fails(DiagnosticDescriptors.NeedsImageInput, Display(spec), ShapeInference.Format(input.Shape))
                : ShapeInference.Window(input.Shape, spec.KernelSize, spec.Stride, spec.Padding, spec.Filters, "kernel", Display(spec));

        protected override long ParameterCount(Conv2DSpec spec, int[] inputShape) =>
            (long)inputShape[2] * spec.KernelSize * spec.KernelSize * spec.Filters + spec.Filters;

        protected override MaskFlow Mask(Conv2DSpec spec) => MaskFlow.Stops;

        public override bool KeepsLayout => false;

        protected override string Architecture(Conv2DSpec conv) =>
            $"Conv2D({conv.Filters},{conv.KernelSize},stride={conv.Stride},{conv.Padding},{conv.Activation})";

        protected override Conv2DLayerPlan Plan(Conv2DSpec spec, LayerPlanInput input) =>
            new Conv2DLayerPlan(input.Index, input.InShape, input.OutShape, spec, input.ParameterOffset, input.InputIsHwc);

        protected override string Describe(Conv2DLayerPlan layer) => Conv2DEmitter.Describe(layer);

        protected override IReadOnlyList<ParameterTensor> Parameters(Conv2DLayerPlan c) => new[]
        {
            new ParameterTensor("weight", c.WeightOffset, new[] { c.Filters, c.Channels, c.KernelSize, c.KernelSize }, "conv.weight", $"Conv{c.Index}Weights",
                $"Layer {c.Index} kernels, [{c.Filters}, {c.Channels}, {c.KernelSize}, {c.KernelSize}] row-major (filter × channel × row × column, PyTorch's layout).",
                new TorchMapping("weight", 0, 1, c.WeightCount, new[] { c.Filters, c.Channels, c.KernelSize, c.KernelSize })),
            new ParameterTensor("bias", c.BiasOffset, new[] { c.Filters }, "bias", $"Conv{c.Index}Biases", $"Layer {c.Index} biases, [{c.Filters}].", TorchMapping.Vector("bias", c.Filters)),
        };

        protected override void EmitInitialization(SourceWriter w, Conv2DLayerPlan c) =>
            w.Line($"Initializers.GlorotUniform(Conv{c.Index}Weights, fanIn: {c.Taps}, fanOut: {c.Filters * c.KernelSize * c.KernelSize}, ref random);");

        protected override IReadOnlyList<string> InitializationPhrases(Conv2DLayerPlan layer) => new[] { "Glorot-uniform weights", "zero biases" };

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
                new TrainingBuffer($"_wperm{c.Index}", $"{c.WeightCount}", $"layer {c.Index}'s kernels with the channel last, [{c.Filters}, {c.KernelSize}, {c.KernelSize}, {c.Channels}], for its input gradient"),
            };
        }

        protected override void EmitForward(SourceWriter w, KernelSet kernels, Conv2DLayerPlan layer, ActivationFunction activation, LayerRefs refs) =>
            Conv2DEmitter.EmitForward(w, kernels, layer, activation, refs);

        protected override void EmitBackward(SourceWriter w, KernelSet kernels, Conv2DLayerPlan layer, LayerRefs refs) =>
            Conv2DEmitter.EmitBackward(w, kernels, layer, refs);
    }
}
