using System.Collections.Generic;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>Flattens an image into a vector (channel-major order).</summary>
    internal sealed record FlattenSpec : LayerSpec
    {
        public override LayerKind Kind => FlattenLayerKind.Instance;
    }

    /// <summary>Flatten: the same floats, one dimension.</summary>
    internal sealed class FlattenLayerPlan : LayerPlan
    {
        public FlattenLayerPlan(int index, int[] inShape, int[] outShape) : base(index, inShape, outShape, ActivationKind.Linear)
        {
        }

        public override bool IdentityAtInference => true;

        public override LayerKind Kind => FlattenLayerKind.Instance;

        public override string Title => "Flatten";
    }

    /// <summary><c>[Flatten]</c>: image to vector in (C, H, W) order, as PyTorch's <c>nn.Flatten</c>; a copy in training, nothing at inference.</summary>
    internal sealed class FlattenLayerKind : LayerKind<FlattenSpec, FlattenLayerPlan>
    {
        public static readonly FlattenLayerKind Instance = new FlattenLayerKind();

        public override IReadOnlyList<string> AttributeNames { get; } = new[] { "NetGen.FlattenAttribute" };

        public override bool Merges => false;

        public override LayerSpec? Parse(LayerAttribute attribute) => new FlattenSpec();

        protected override string Display(FlattenSpec spec) => "Flatten";

        protected override ShapeResult OutputShape(FlattenSpec spec, ShapeInput input)
        {
            long size = 1;
            foreach (int d in input.Shape) size *= d;
            return ShapeResult.Of((int)size);
        }

        protected override long ParameterCount(FlattenSpec spec, int[] inputShape) => 0;

        protected override MaskFlow Mask(FlattenSpec spec) => MaskFlow.Stops;

        public override bool KeepsLayout => false;

        protected override string Architecture(FlattenSpec spec) => "Flatten";

        protected override FlattenLayerPlan Plan(FlattenSpec spec, LayerPlanInput input) => new FlattenLayerPlan(input.Index, input.InShape, input.OutShape);

        protected override string Describe(FlattenLayerPlan f) => $"Layer {f.Index}: Flatten {ShapeInference.Format(f.InShape)} → {f.OutSize}";

        protected override IReadOnlyList<ParameterTensor> Parameters(FlattenLayerPlan layer) => NoParameters;

        protected override void EmitInitialization(SourceWriter w, FlattenLayerPlan layer)
        {
        }

        protected override IReadOnlyList<string> InitializationPhrases(FlattenLayerPlan layer) => NoPhrases;

        protected override IReadOnlyList<TrainingBuffer> TrainingBuffers(FlattenLayerPlan layer) => NoBuffers;

        protected override void EmitForward(SourceWriter w, KernelSet kernels, FlattenLayerPlan flatten, ActivationFunction activation, LayerRefs refs) =>
            w.Line($"ImageKernels.Copy(ref {refs.Input}, ref {refs.Output}, {refs.Rows} * {flatten.OutSize});");

        protected override void EmitBackward(SourceWriter w, KernelSet kernels, FlattenLayerPlan flatten, LayerRefs refs)
        {
            if (refs.PreviousDelta is null) return;
            w.Line($"ImageKernels.Copy(ref {refs.Delta}, ref {refs.PreviousDelta}, {refs.Rows} * {flatten.OutSize});");
            EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {flatten.OutSize}");
        }
    }
}
