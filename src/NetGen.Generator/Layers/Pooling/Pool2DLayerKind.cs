using System.Collections.Generic;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    internal enum PoolKind
    {
        Max,
        Average,
    }

    /// <summary>Max or average pooling over square windows.</summary>
    internal sealed record Pool2DSpec(PoolKind Pool, int Size, int Stride, PaddingKind Padding) : LayerSpec
    {
        public override LayerKind Kind => Pool2DLayerKind.Instance;
    }

    /// <summary><c>[MaxPool2D(size, Stride, Padding)]</c> and <c>[AvgPool2D(...)]</c>, per channel (averages count only positions inside the image).</summary>
    internal sealed class Pool2DLayerKind : LayerKind<Pool2DSpec, Pool2DLayerPlan>
    {
        public static readonly Pool2DLayerKind Instance = new Pool2DLayerKind();

        private const string MaxAttributeName = "NetGen.MaxPool2DAttribute";

        public override IReadOnlyList<string> AttributeNames { get; } = new[] { MaxAttributeName, "NetGen.AvgPool2DAttribute" };

        public override bool Merges => false;

        public override LayerSpec? Parse(LayerAttribute a)
        {
            bool max = a.FullName == MaxAttributeName;
            string attributeName = max ? "[MaxPool2D]" : "[AvgPool2D]";
            int size = a.Positive(0, "size", attributeName + " size", a.Int(0));
            int stride = a.Named("Stride", 0);
            if (stride < 0 || stride > NetworkParser.MaxDimension) a.Size(-1, "Stride", $"Layer {a.Position} ({attributeName} Stride)", stride);
            PaddingKind padding = a.Padding();
            return a.Ok ? new Pool2DSpec(max ? PoolKind.Max : PoolKind.Average, size, stride == 0 ? size : stride, padding) : null;
        }

        protected override string Display(Pool2DSpec spec) => (spec.Pool == PoolKind.Max ? "MaxPool2D(" : "AvgPool2D(") + spec.Size + ")";

        protected override ShapeResult OutputShape(Pool2DSpec spec, ShapeInput input) =>
            input.Shape.Length != 3
                ? ShapeResult.Fails(DiagnosticDescriptors.NeedsImageInput, Display(spec), ShapeInference.Format(input.Shape))
                : ShapeInference.Window(input.Shape, spec.Size, spec.Stride, spec.Padding, input.Shape[2], "window", Display(spec));

        protected override long ParameterCount(Pool2DSpec spec, int[] inputShape) => 0;

        protected override MaskFlow Mask(Pool2DSpec spec) => MaskFlow.Stops;

        public override bool KeepsLayout => false;

        protected override string Architecture(Pool2DSpec pool) =>
            (pool.Pool == PoolKind.Max ? "MaxPool2D(" : "AvgPool2D(") + pool.Size + ",stride=" + pool.Stride + "," + pool.Padding + ")";

        protected override Pool2DLayerPlan Plan(Pool2DSpec spec, LayerPlanInput input) =>
            new Pool2DLayerPlan(input.Index, input.InShape, input.OutShape, spec, input.InputIsHwc);

        protected override string Describe(Pool2DLayerPlan layer) => PoolEmitter.Describe(layer);

        protected override IReadOnlyList<ParameterTensor> Parameters(Pool2DLayerPlan layer) => NoParameters;

        protected override void EmitInitialization(SourceWriter w, Pool2DLayerPlan layer)
        {
        }

        protected override IReadOnlyList<string> InitializationPhrases(Pool2DLayerPlan layer) => NoPhrases;

        protected override IReadOnlyList<TrainingBuffer> TrainingBuffers(Pool2DLayerPlan layer) => NoBuffers;

        protected override void EmitForward(SourceWriter w, KernelSet kernels, Pool2DLayerPlan layer, ActivationFunction activation, LayerRefs refs) =>
            PoolEmitter.EmitForward(w, kernels, layer, refs);

        protected override void EmitBackward(SourceWriter w, KernelSet kernels, Pool2DLayerPlan layer, LayerRefs refs) =>
            PoolEmitter.EmitBackward(w, kernels, layer, refs);
    }
}
