using System.Collections.Generic;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>An activation applied to every value of the layer before it.</summary>
    internal sealed record ActivationSpec(ActivationFunction Activation) : LayerSpec
    {
        public override LayerKind Kind => ActivationLayerKind.Instance;
    }

    /// <summary>
    /// An activation layer: the shape of its input, no parameters. Its plan's <see cref="LayerPlan.Activation"/> is the
    /// function, so the layers reading it apply ReLU′, σ′ or tanh′ from its outputs as they do for a dense layer's; for
    /// GELU and SiLU it applies the derivative itself, from its input, which training keeps anyway.
    /// </summary>
    internal sealed class ActivationLayerPlan : LayerPlan
    {
        public ActivationLayerPlan(int index, int[] shape, ActivationFunction activation) : base(index, shape, shape, activation)
        {
        }

        /// <summary>Linear is a copy: inference reads its input's row instead.</summary>
        public override bool IdentityAtInference => Activation == ActivationKind.Linear;

        /// <summary>The pre-activations are the input's outputs, kept already.</summary>
        public override bool KeepsPreActivation => false;

        public override LayerKind Kind => ActivationLayerKind.Instance;

        public override string Title => "Activation(" + Activations.Display(Activation) + ")";
    }

    /// <summary>
    /// <c>[Activation(Activation.X)]</c>, Keras's <c>layers.Activation</c>: y = X(x) element-wise on any shape. Softmax is
    /// refused (NG0034): NetGen applies it with the last dense layer only.
    /// </summary>
    internal sealed class ActivationLayerKind : LayerKind<ActivationSpec, ActivationLayerPlan>
    {
        public static readonly ActivationLayerKind Instance = new ActivationLayerKind();

        public override IReadOnlyList<string> AttributeNames { get; } = new[] { "NetGen.ActivationAttribute" };

        public override bool Merges => false;

        public override LayerSpec? Parse(LayerAttribute a)
        {
            ActivationFunction? activation = a.Activation(0, "activation", ActivationKind.Linear, "[Activation]", $"Layer {a.Position} ([Activation]) activation ");
            if (activation == ActivationKind.Softmax) a.Report(DiagnosticDescriptors.SoftmaxActivationLayer, 0, "activation", a.Position);
            return a.Ok ? new ActivationSpec(activation!.Value) : null;
        }

        protected override string Display(ActivationSpec spec) => $"Activation(Activation.{spec.Activation.Kind})";

        protected override ShapeResult OutputShape(ActivationSpec spec, ShapeInput input) => ShapeResult.Of((int[])input.Shape.Clone());

        protected override long ParameterCount(ActivationSpec spec, int[] inputShape) => 0;

        protected override MaskFlow Mask(ActivationSpec spec) => MaskFlow.PassesThrough;

        public override bool KeepsLayout => true;

        protected override string Architecture(ActivationSpec spec) => "Activation(" + spec.Activation + ")";

        protected override ActivationLayerPlan Plan(ActivationSpec spec, LayerPlanInput input) => new ActivationLayerPlan(input.Index, input.InShape, spec.Activation);

        protected override string Describe(ActivationLayerPlan a) =>
            $"Layer {a.Index}: {Activations.Display(a.Activation)} over {ShapeInference.Format(a.InShape)} ({a.OutSize} values)";

        protected override IReadOnlyList<ParameterTensor> Parameters(ActivationLayerPlan layer) => NoParameters;

        protected override void EmitInitialization(SourceWriter w, ActivationLayerPlan layer)
        {
        }

        protected override IReadOnlyList<string> InitializationPhrases(ActivationLayerPlan layer) => NoPhrases;

        protected override IReadOnlyList<TrainingBuffer> TrainingBuffers(ActivationLayerPlan layer) => NoBuffers;

        protected override void EmitForward(SourceWriter w, KernelSet kernels, ActivationLayerPlan a, ActivationFunction activation, LayerRefs refs) =>
            w.Line(a.Activation == ActivationKind.Linear
                ? $"ImageKernels.Copy(ref {refs.Input}, ref {refs.Output}, {refs.Rows} * {a.OutSize});"
                : Activations.SpanForward(a.Activation, refs.Input, refs.Output, $"{refs.Rows} * {a.OutSize}"));

        protected override void EmitBackward(SourceWriter w, KernelSet kernels, ActivationLayerPlan a, LayerRefs refs)
        {
            if (refs.PreviousDelta is null) return;
            string count = $"{refs.Rows} * {a.OutSize}";
            // the layers reading this one applied ReLU′, σ′ or tanh′ from its outputs already (its ReaderActivation);
            // GELU′ and SiLU′ need its inputs, applied here
            if (Activations.DerivativeFromInput(a.Activation)) w.Line($"// ∂L/∂x = ∂L/∂y ⊙ {Activations.Display(a.Activation)}′(x), from its input x");
            w.Line($"ImageKernels.Copy(ref {refs.Delta}, ref {refs.PreviousDelta}, {count});");
            if (Activations.DerivativeFromInput(a.Activation))
            {
                w.Line(Activations.SpanBackward(a.Activation, refs.PreviousDelta, refs.Input, count));
            }
            EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, count);
        }
    }
}
