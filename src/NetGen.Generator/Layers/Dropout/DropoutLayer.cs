using System.Collections.Generic;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;

namespace NetGen.Generator.Layers
{
    /// <summary>Inverted dropout, active in training only.</summary>
    internal sealed record DropoutSpec(float Rate) : LayerSpec
    {
        public override LayerKind Kind => DropoutLayerKind.Instance;
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

        /// <summary>Its masks are drawn from the trainer's seed and step.</summary>
        public override bool ReadsStep => true;

        public override LayerKind Kind => DropoutLayerKind.Instance;

        public override string Title => "Dropout(" + Literal.Float(Rate) + ")";
    }

    /// <summary>
    /// <c>[Dropout(rate)]</c>: inverted dropout in training (masks from the trainer's seed, the step and the row, so they do
    /// not depend on threads), nothing at inference.
    /// </summary>
    internal sealed class DropoutLayerKind : LayerKind<DropoutSpec, DropoutLayerPlan>
    {
        public static readonly DropoutLayerKind Instance = new DropoutLayerKind();

        public override IReadOnlyList<string> AttributeNames { get; } = new[] { "NetGen.DropoutAttribute" };

        public override bool Merges => false;

        public override LayerSpec? Parse(LayerAttribute a)
        {
            float rate = a.Float(0);
            if (!(rate >= 0f && rate < 1f))
            {
                a.Report(DiagnosticDescriptors.InvalidDropoutRate, 0, "rate", a.Position, rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                return null;
            }
            return new DropoutSpec(rate);
        }

        protected override string Display(DropoutSpec spec) => $"Dropout({spec.Rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}f)";

        protected override ShapeResult OutputShape(DropoutSpec spec, ShapeInput input) => ShapeResult.Of((int[])input.Shape.Clone());

        protected override long ParameterCount(DropoutSpec spec, int[] inputShape) => 0;

        protected override MaskFlow Mask(DropoutSpec spec) => MaskFlow.PassesThrough;

        public override bool KeepsLayout => true;

        protected override string Architecture(DropoutSpec spec) => "Dropout(" + spec.Rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + ")";

        protected override DropoutLayerPlan Plan(DropoutSpec spec, LayerPlanInput input) => new DropoutLayerPlan(input.Index, input.InShape, spec.Rate);

        protected override string Describe(DropoutLayerPlan d) => $"Layer {d.Index}: Dropout {Literal.Float(d.Rate)} over {d.OutSize} values (training only)";

        protected override IReadOnlyList<ParameterTensor> Parameters(DropoutLayerPlan layer) => NoParameters;

        protected override void EmitInitialization(SourceWriter w, DropoutLayerPlan layer)
        {
        }

        protected override IReadOnlyList<string> InitializationPhrases(DropoutLayerPlan layer) => NoPhrases;

        protected override IReadOnlyList<TrainingBuffer> TrainingBuffers(DropoutLayerPlan d) => new[]
        {
            new TrainingBuffer($"_mask{d.Index}", $"maxRows * {d.OutSize}", $"layer {d.Index}'s dropout masks (0 or 1 / (1 − rate)), [rows, {d.OutSize}]"),
        };

        protected override void EmitForward(SourceWriter w, KernelSet kernels, DropoutLayerPlan dropout, ActivationFunction activation, LayerRefs refs)
        {
            using (w.Block($"for (int s = 0; s < {refs.Rows}; s++)"))
            {
                w.Line($"ImageKernels.DropoutForward(ref Unsafe.Add(ref {refs.Input}, s * {dropout.OutSize}), ref Unsafe.Add(ref {refs.Output}, s * {dropout.OutSize}), " +
                       $"ref Unsafe.Add(ref _mask{dropout.Index}.Reference, s * {dropout.OutSize}), {dropout.OutSize}, {Literal.Float(dropout.Rate)}, " +
                       $"ImageKernels.DropoutSeed(Seed, Step, {dropout.Index}, {refs.FirstRow} + s));");
            }
        }

        protected override void EmitBackward(SourceWriter w, KernelSet kernels, DropoutLayerPlan dropout, LayerRefs refs)
        {
            if (refs.PreviousDelta is null) return;
            w.Line($"ImageKernels.DropoutBackward(ref {refs.Delta}, ref _mask{dropout.Index}.Reference, ref {refs.PreviousDelta}, {refs.Rows} * {dropout.OutSize});");
            EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {dropout.OutSize}");
        }
    }
}
