using System.Collections.Generic;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>A depthwise 2-D convolution: its depth multiplier, its window and activation.</summary>
    internal sealed record DepthwiseConv2DSpec(int DepthMultiplier, ConvWindow Window, ActivationFunction Activation) : LayerSpec
    {
        public override LayerKind Kind => DepthwiseConv2DLayerKind.Instance;
    }

    /// <summary>
    /// <c>[DepthwiseConv2D(kernelSize, activation)]</c> or <c>[DepthwiseConv2D(kernelHeight, kernelWidth, activation)]</c> with
    /// DepthMultiplier and the window options of <c>[Conv2D]</c>: every input channel convolved with its own kernels.
    /// Kernels [channels · multiplier, 1, kh, kw], PyTorch's layout for <c>nn.Conv2d(groups=channels)</c>.
    /// </summary>
    internal sealed class DepthwiseConv2DLayerKind : LayerKind<DepthwiseConv2DSpec, DepthwiseConv2DLayerPlan>
    {
        public static readonly DepthwiseConv2DLayerKind Instance = new DepthwiseConv2DLayerKind();

        public override IReadOnlyList<string> AttributeNames { get; } = new[] { "NetGen.DepthwiseConv2DAttribute" };

        public override bool Merges => false;

        public override LayerSpec? Parse(LayerAttribute a)
        {
            bool rectangular = a.ConstructorParameter(1) == "kernelWidth";
            int kernelHeight = a.Positive(0, rectangular ? "kernelHeight" : "kernelSize", rectangular ? "[DepthwiseConv2D] kernel height" : "[DepthwiseConv2D] kernel size", a.Int(0));
            int kernelWidth = rectangular ? a.Positive(1, "kernelWidth", "[DepthwiseConv2D] kernel width", a.Int(1)) : kernelHeight;
            int at = rectangular ? 2 : 1;
            int activation = a.Int(at);
            int multiplier = a.Named("DepthMultiplier", 1);
            a.Size(-1, "DepthMultiplier", $"Layer {a.Position} ([DepthwiseConv2D] DepthMultiplier)", multiplier);
            ConvWindow window = ConvWindow.Read(a, "DepthwiseConv2D", kernelHeight, kernelWidth);
            if (a.Defined(activation, NetworkParser.ActivationNames.Length, at, "activation", "Activation", NetworkParser.ActivationNames) &&
                (ActivationKind)activation == ActivationKind.Softmax)
            {
                a.Report(DiagnosticDescriptors.SoftmaxOnConvolution, at, "activation", a.Position);
            }
            ActivationFunction function = a.Ok ? a.WithAlpha((ActivationKind)activation, "[DepthwiseConv2D]") : ActivationKind.Linear;
            return a.Ok ? new DepthwiseConv2DSpec(multiplier, window, function) : null;
        }

        protected override string Display(DepthwiseConv2DSpec spec) =>
            spec.Window.IsSquare ? $"DepthwiseConv2D({spec.Window.KernelHeight})" : $"DepthwiseConv2D({spec.Window.KernelHeight}, {spec.Window.KernelWidth})";

        protected override ShapeResult OutputShape(DepthwiseConv2DSpec spec, ShapeInput input) =>
            input.Shape.Length != 3
                ? ShapeResult.Fails(DiagnosticDescriptors.NeedsImageInput, Display(spec), ShapeInference.Format(input.Shape))
                : spec.Window.OutputShape(input.Shape, input.Shape[2] * spec.DepthMultiplier, Display(spec));

        protected override long ParameterCount(DepthwiseConv2DSpec spec, int[] inputShape)
        {
            long outChannels = (long)inputShape[2] * spec.DepthMultiplier;
            return outChannels * spec.Window.Taps + (spec.Window.UseBias ? outChannels : 0);
        }

        protected override MaskFlow Mask(DepthwiseConv2DSpec spec) => MaskFlow.Stops;

        public override bool KeepsLayout => false;

        protected override string Architecture(DepthwiseConv2DSpec spec) =>
            $"DepthwiseConv2D({spec.DepthMultiplier},{Conv2DLayerKind.ArchitectureWindow(spec.Window)},{spec.Activation})";

        protected override DepthwiseConv2DLayerPlan Plan(DepthwiseConv2DSpec spec, LayerPlanInput input) =>
            new DepthwiseConv2DLayerPlan(input.Index, input.InShape, input.OutShape, spec, input.ParameterOffset, input.InputIsHwc);

        protected override string Describe(DepthwiseConv2DLayerPlan layer) => DepthwiseConv2DEmitter.Describe(layer);

        protected override IReadOnlyList<ParameterTensor> Parameters(DepthwiseConv2DLayerPlan d)
        {
            int[] shape = { d.OutChannels, 1, d.KernelHeight, d.KernelWidth };
            var weight = new ParameterTensor("weight", d.WeightOffset, shape, "conv.weight", $"Depthwise{d.Index}Weights",
                $"Layer {d.Index} kernels, [{d.OutChannels}, 1, {d.KernelHeight}, {d.KernelWidth}] row-major (output channel c·{d.Multiplier} + m reads input channel c; PyTorch's layout with groups = {d.Channels}).",
                new TorchMapping("weight", 0, 1, d.WeightCount, shape));
            if (!d.UseBias) return new[] { weight };
            return new[] { weight, new ParameterTensor("bias", d.BiasOffset, new[] { d.OutChannels }, "bias", $"Depthwise{d.Index}Biases", $"Layer {d.Index} biases, [{d.OutChannels}].", TorchMapping.Vector("bias", d.OutChannels)) };
        }

        /// <summary>Keras's fans for a depthwise kernel (kh, kw, channels, multiplier): in = channels·kh·kw, out = multiplier·kh·kw.</summary>
        protected override void EmitInitialization(SourceWriter w, DepthwiseConv2DLayerPlan d) =>
            w.Line($"Initializers.GlorotUniform(Depthwise{d.Index}Weights, fanIn: {d.Channels * d.Window.Taps}, fanOut: {d.Multiplier * d.Window.Taps}, ref random);");

        protected override IReadOnlyList<string> InitializationPhrases(DepthwiseConv2DLayerPlan layer) =>
            layer.UseBias ? new[] { "Glorot-uniform weights", "zero biases" } : new[] { "Glorot-uniform weights" };

        protected override IReadOnlyList<TrainingBuffer> TrainingBuffers(DepthwiseConv2DLayerPlan d) => new[]
        {
            new TrainingBuffer($"_pad{d.Index}", $"maxRows * {d.PaddedSize}", $"layer {d.Index}'s zero-padded inputs, [rows, {d.Channels}, {d.PaddedHeight}, {d.PaddedWidth}]"),
        };

        protected override void EmitForward(SourceWriter w, KernelSet kernels, DepthwiseConv2DLayerPlan layer, ActivationFunction activation, LayerRefs refs) =>
            DepthwiseConv2DEmitter.EmitForward(w, kernels, layer, activation, refs);

        protected override void EmitBackward(SourceWriter w, KernelSet kernels, DepthwiseConv2DLayerPlan layer, LayerRefs refs) =>
            DepthwiseConv2DEmitter.EmitBackward(w, kernels, layer, refs);
    }
}
