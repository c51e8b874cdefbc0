using System.Collections.Generic;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>The mean or maximum of every channel over a whole image (<paramref name="Rank"/> 2) or sequence (rank 1).</summary>
    internal sealed record GlobalPoolSpec(PoolKind Pool, int Rank) : LayerSpec
    {
        public override LayerKind Kind => GlobalPoolingLayerKind.Instance;
    }

    /// <summary>
    /// Global pooling: one value per channel. Images inside the network are channel-major (C, H, W), so each channel
    /// is a contiguous plane; the raw (H, W, C) input and sequences (steps, features) are reduced over their rows, a
    /// register of channels at a time.
    /// </summary>
    internal sealed class GlobalPoolLayerPlan : LayerPlan
    {
        public GlobalPoolLayerPlan(int index, int[] inShape, int[] outShape, GlobalPoolSpec spec, bool inputIsHwc)
            : base(index, inShape, outShape, ActivationKind.Linear)
        {
            Pool = spec.Pool;
            Rank = spec.Rank;
            ReducesRows = Rank == 1 || inputIsHwc;
        }

        public PoolKind Pool { get; }

        /// <summary>2 for images, 1 for sequences.</summary>
        public int Rank { get; }

        /// <summary>Positions pooled per channel: steps, or height × width.</summary>
        public int Positions => InSize / Channels;

        public int Channels => OutSize;

        /// <summary>True when channels are the last axis in memory (sequences, the raw (H, W, C) input): rows are reduced; false for channel-major planes.</summary>
        public bool ReducesRows { get; }

        public string Name => GlobalPoolingLayerKind.Name(Pool, Rank);

        public override LayerKind Kind => GlobalPoolingLayerKind.Instance;

        public override string Title => Name;
    }

    /// <summary>
    /// <c>[GlobalAveragePooling2D]</c>, <c>[GlobalMaxPooling2D]</c> on (height, width, channels) → (channels), and
    /// <c>[GlobalAveragePooling1D]</c>, <c>[GlobalMaxPooling1D]</c> on (steps, features) → (features), as Keras's. A
    /// maximum's gradient goes to the first position holding it; NaN propagates (IEEE maximum).
    /// </summary>
    internal sealed class GlobalPoolingLayerKind : LayerKind<GlobalPoolSpec, GlobalPoolLayerPlan>
    {
        private static readonly (string Attribute, PoolKind Pool, int Rank)[] s_attributes =
        {
            ("NetGen.GlobalAveragePooling2DAttribute", PoolKind.Average, 2),
            ("NetGen.GlobalMaxPooling2DAttribute", PoolKind.Max, 2),
            ("NetGen.GlobalAveragePooling1DAttribute", PoolKind.Average, 1),
            ("NetGen.GlobalMaxPooling1DAttribute", PoolKind.Max, 1),
        };

        // before Instance: static fields initialize in order, and the instance's attribute names are built from this
        public static readonly GlobalPoolingLayerKind Instance = new GlobalPoolingLayerKind();

        public override IReadOnlyList<string> AttributeNames { get; } = System.Array.ConvertAll(s_attributes, a => a.Attribute);

        public override bool Merges => false;

        public static string Name(PoolKind pool, int rank) => (pool == PoolKind.Max ? "GlobalMaxPooling" : "GlobalAveragePooling") + rank + "D";

        public override LayerSpec? Parse(LayerAttribute a)
        {
            foreach (var (attribute, pool, rank) in s_attributes)
            {
                if (attribute == a.FullName) return new GlobalPoolSpec(pool, rank);
            }
            return null;
        }

        protected override string Display(GlobalPoolSpec spec) => Name(spec.Pool, spec.Rank);

        protected override ShapeResult OutputShape(GlobalPoolSpec spec, ShapeInput input)
        {
            if (spec.Rank == 2 && input.Shape.Length != 3)
                return ShapeResult.Fails(DiagnosticDescriptors.NeedsImageInput, Display(spec), ShapeInference.Format(input.Shape));
            if (spec.Rank == 1 && input.Shape.Length != 2)
                return ShapeResult.Fails(DiagnosticDescriptors.NeedsSequenceInput, Display(spec), ShapeInference.Format(input.Shape));
            return ShapeResult.Of(input.Shape[input.Shape.Length - 1]);
        }

        protected override long ParameterCount(GlobalPoolSpec spec, int[] inputShape) => 0;

        protected override MaskFlow Mask(GlobalPoolSpec spec) => MaskFlow.Stops;

        public override bool KeepsLayout => false;

        protected override string Architecture(GlobalPoolSpec spec) => Name(spec.Pool, spec.Rank);

        protected override GlobalPoolLayerPlan Plan(GlobalPoolSpec spec, LayerPlanInput input) =>
            new GlobalPoolLayerPlan(input.Index, input.InShape, input.OutShape, spec, input.InputIsHwc);

        protected override string Describe(GlobalPoolLayerPlan l) =>
            $"Layer {l.Index}: {l.Name}, the {(l.Pool == PoolKind.Max ? "maximum" : "mean")} of each of {l.Channels} channels over {l.Positions} {(l.Rank == 1 ? "steps" : "positions")}: " +
            $"{ShapeInference.Format(l.InShape)} → {ShapeInference.Format(l.OutShape)}";

        protected override IReadOnlyList<ParameterTensor> Parameters(GlobalPoolLayerPlan layer) => NoParameters;

        protected override void EmitInitialization(SourceWriter w, GlobalPoolLayerPlan layer)
        {
        }

        protected override IReadOnlyList<string> InitializationPhrases(GlobalPoolLayerPlan layer) => NoPhrases;

        protected override IReadOnlyList<TrainingBuffer> TrainingBuffers(GlobalPoolLayerPlan layer) => NoBuffers;

        private static string Reduction(GlobalPoolLayerPlan l) => (l.Pool == PoolKind.Max ? "MaxOf" : "MeanOf") + (l.ReducesRows ? "Steps" : "Planes");

        /// <summary>The size arguments: samples, steps, features over rows; planes and their size over planes.</summary>
        private static string Sizes(GlobalPoolLayerPlan l, string rows) =>
            l.ReducesRows ? $"{rows}, {l.Positions}, {l.Channels}" : $"{rows} * {l.Channels}, {l.Positions}";

        protected override void EmitForward(SourceWriter w, KernelSet kernels, GlobalPoolLayerPlan l, ActivationKind activation, LayerRefs refs) =>
            w.Line($"ReductionKernels.{Reduction(l)}(ref {refs.Input}, ref {refs.Output}, {Sizes(l, refs.Rows)});");

        protected override void EmitBackward(SourceWriter w, KernelSet kernels, GlobalPoolLayerPlan l, LayerRefs refs)
        {
            if (refs.PreviousDelta is null) return;
            // every input position is written: the maximum's (or each one's share of the mean) gradient, zero elsewhere
            w.Line(l.Pool == PoolKind.Max
                ? $"ReductionKernels.{Reduction(l)}Backward(ref {refs.Input}, ref {refs.Output}, ref {refs.Delta}, ref {refs.PreviousDelta}, {Sizes(l, refs.Rows)});"
                : $"ReductionKernels.{Reduction(l)}Backward(ref {refs.Delta}, ref {refs.PreviousDelta}, {Sizes(l, refs.Rows)});");
            EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {l.InSize}");
        }
    }
}
