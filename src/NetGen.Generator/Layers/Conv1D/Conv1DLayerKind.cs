using System.Collections.Generic;
using System.Globalization;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>A 1-D convolution over (steps, channels).</summary>
    internal sealed record Conv1DSpec(int Filters, int KernelSize, int Stride, int Dilation, PaddingKind Padding, ActivationFunction Activation, bool UseBias) : LayerSpec
    {
        public override LayerKind Kind => Conv1DLayerKind.Instance;

        /// <summary>Steps one window spans: (kernel − 1) · dilation + 1.</summary>
        public int Span => (KernelSize - 1) * Dilation + 1;

        /// <summary>Zero steps before the sequence: TensorFlow's rule for Same (the odd one after), all of the span but one for Causal.</summary>
        public int PadBefore(int steps) =>
            Padding == PaddingKind.Causal ? Span - 1
            : Padding == PaddingKind.Same ? System.Math.Max((OutSteps(steps) - 1) * Stride + Span - steps, 0) / 2
            : 0;

        /// <summary>Output steps: ceil(steps / stride) with Same and Causal, the windows inside the sequence with Valid (0 when none fits).</summary>
        public int OutSteps(int steps) =>
            Padding != PaddingKind.Valid ? (steps + Stride - 1) / Stride
            : steps < Span ? 0
            : (steps - Span) / Stride + 1;
    }

    /// <summary>
    /// <c>[Conv1D(filters, kernelSize, activation, Stride, DilationRate, Padding, UseBias)]</c> on (steps, channels)
    /// sequences → (outSteps, filters); kernels [filters, channels, kernel] (PyTorch's <c>nn.Conv1d</c> layout).
    /// </summary>
    internal sealed class Conv1DLayerKind : LayerKind<Conv1DSpec, Conv1DLayerPlan>
    {
        public static readonly Conv1DLayerKind Instance = new Conv1DLayerKind();

        public override IReadOnlyList<string> AttributeNames { get; } = new[] { "NetGen.Conv1DAttribute" };

        public override bool Merges => false;

        public override LayerSpec? Parse(LayerAttribute a)
        {
            int filters = a.Positive(0, "filters", "[Conv1D] filters", a.Int(0));
            int kernel = a.Positive(1, "kernelSize", "[Conv1D] kernel size", a.Int(1));
            int stride = a.Named("Stride", 1);
            if (stride <= 0 || stride > NetworkParser.MaxDimension) a.Size(-1, "Stride", $"Layer {a.Position} ([Conv1D] Stride)", stride);
            int dilation = a.Named("DilationRate", 1);
            if (dilation <= 0 || dilation > NetworkParser.MaxDimension) a.Size(-1, "DilationRate", $"Layer {a.Position} ([Conv1D] DilationRate)", dilation);
            PaddingKind padding = a.Padding(causalAllowed: true);
            bool useBias = a.NamedBool("UseBias", true);
            ActivationFunction? activation = a.Activation(2, "activation", ActivationKind.Linear, "[Conv1D]");
            if (activation == ActivationKind.Softmax) a.Report(DiagnosticDescriptors.SoftmaxOnConv1D, 2, "activation", a.Position);
            return a.Ok ? new Conv1DSpec(filters, kernel, stride, dilation, padding, activation!.Value, useBias) : null;
        }

        protected override string Display(Conv1DSpec spec) => $"Conv1D({spec.Filters}, {spec.KernelSize})";

        protected override ShapeResult OutputShape(Conv1DSpec spec, ShapeInput input)
        {
            if (input.Shape.Length != 2)
                return ShapeResult.Fails(DiagnosticDescriptors.NeedsSequenceInput, Display(spec), ShapeInference.Format(input.Shape));
            int steps = input.Shape[0];
            if ((long)(spec.KernelSize - 1) * spec.Dilation + 1 > NetworkParser.MaxDimension || spec.OutSteps(steps) < 1)
            {
                string problem = string.Format(CultureInfo.InvariantCulture,
                    "a window spans {0} steps (kernel {1}{2}) but the input has {3} with Padding.Valid: use Padding = Padding.Same or Padding.Causal, or a smaller kernel{4}",
                    (long)(spec.KernelSize - 1) * spec.Dilation + 1, spec.KernelSize, spec.Dilation > 1 ? ", dilation " + spec.Dilation : "", steps,
                    spec.Dilation > 1 ? " or DilationRate" : "");
                return ShapeResult.Fails(DiagnosticDescriptors.ShapeDoesNotFit, Display(spec), ShapeInference.Format(input.Shape), problem);
            }
            return ShapeResult.Of(spec.OutSteps(steps), spec.Filters);
        }

        protected override long ParameterCount(Conv1DSpec spec, int[] inputShape) =>
            (long)spec.Filters * inputShape[inputShape.Length - 1] * spec.KernelSize + (spec.UseBias ? spec.Filters : 0);

        protected override MaskFlow Mask(Conv1DSpec spec) => MaskFlow.Stops;

        public override bool KeepsLayout => false;

        protected override string Architecture(Conv1DSpec c) =>
            $"Conv1D({c.Filters},{c.KernelSize},stride={c.Stride},dilation={c.Dilation},{c.Padding},{c.Activation}{(c.UseBias ? "" : ",nobias")})";

        protected override Conv1DLayerPlan Plan(Conv1DSpec spec, LayerPlanInput input) =>
            new Conv1DLayerPlan(input.Index, input.InShape, input.OutShape, spec, input.ParameterOffset);

        protected override string Describe(Conv1DLayerPlan layer) => Conv1DEmitter.Describe(layer);

        protected override IReadOnlyList<ParameterTensor> Parameters(Conv1DLayerPlan c)
        {
            var weight = new ParameterTensor("weight", c.WeightOffset, new[] { c.Filters, c.Channels, c.KernelSize }, "conv.weight", c.WeightAccessor,
                $"Layer {c.Index} kernels, [{c.Filters}, {c.Channels}, {c.KernelSize}] row-major (filter × channel × tap, PyTorch's nn.Conv1d layout).",
                new TorchMapping("weight", 0, 1, c.WeightCount, new[] { c.Filters, c.Channels, c.KernelSize }));
            if (!c.UseBias) return new[] { weight };
            return new[]
            {
                weight,
                new ParameterTensor("bias", c.BiasOffset, new[] { c.Filters }, "bias", c.BiasAccessor, $"Layer {c.Index} biases, [{c.Filters}].", TorchMapping.Vector("bias", c.Filters)),
            };
        }

        protected override void EmitInitialization(SourceWriter w, Conv1DLayerPlan c) =>
            w.Line($"Initializers.GlorotUniform({c.WeightAccessor}, fanIn: {c.Columns}, fanOut: {c.Filters * c.KernelSize}, ref random);");

        protected override IReadOnlyList<string> InitializationPhrases(Conv1DLayerPlan c) =>
            c.UseBias ? new[] { "Glorot-uniform weights", "zero biases" } : new[] { "Glorot-uniform weights" };

        protected override IReadOnlyList<TrainingBuffer> TrainingBuffers(Conv1DLayerPlan c)
        {
            var buffers = new List<TrainingBuffer>
            {
                new TrainingBuffer(c.Windows, $"maxRows * {c.OutSteps * c.Columns}", $"layer {c.Index}'s input windows, [rows · {c.OutSteps}, {c.Channels} · {c.KernelSize}]"),
                new TrainingBuffer(c.TransposedWeights, $"{c.WeightCount}", $"layer {c.Index}'s kernels transposed, [{c.Channels} · {c.KernelSize}, {c.Filters}], for its forward product"),
            };
            if (!c.IsFirst)
            {
                buffers.Add(new TrainingBuffer(c.WindowGradients, $"maxRows * {c.OutSteps * c.Columns}", $"layer {c.Index}'s gradient with respect to its input windows, before folding"));
            }
            return buffers;
        }

        protected override void EmitForward(SourceWriter w, KernelSet kernels, Conv1DLayerPlan layer, ActivationFunction activation, LayerRefs refs) =>
            Conv1DEmitter.EmitForward(w, kernels, layer, activation, refs);

        protected override void EmitBackward(SourceWriter w, KernelSet kernels, Conv1DLayerPlan layer, LayerRefs refs) =>
            Conv1DEmitter.EmitBackward(w, kernels, layer, refs);
    }
}
