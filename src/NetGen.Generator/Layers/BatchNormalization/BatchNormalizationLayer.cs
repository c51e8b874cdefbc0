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
    /// <summary>Batch normalization: Keras's momentum of the moving statistics, ε, and whether β and γ are learnt.</summary>
    internal sealed record BatchNormalizationSpec(float Momentum, float Epsilon, bool Center, bool Scale) : LayerSpec
    {
        public override LayerKind Kind => BatchNormalizationLayerKind.Instance;
    }

    /// <summary>
    /// Batch normalization over the last axis: <see cref="Channels"/> channels of <see cref="Positions"/> values per
    /// sample. Parameters, in order: γ [C] (with Scale), β [C] (with Center), then state that takes no gradient: the moving
    /// mean [C], the moving variance [C] and the number of batches tracked [1].
    /// </summary>
    internal sealed class BatchNormalizationLayerPlan : LayerPlan
    {
        public BatchNormalizationLayerPlan(int index, int[] shape, BatchNormalizationSpec spec, int offset, bool inputIsHwc)
            : base(index, shape, shape, ActivationKind.Linear)
        {
            Spec = spec;
            Channels = shape[shape.Length - 1];
            Positions = InSize / Channels;
            // images are channel-major inside the network; the raw (H, W, C) input, vectors and sequences are channel-last
            ChannelMajor = shape.Length == 3 && !inputIsHwc && Positions > 1;
            int next = offset;
            GammaOffset = spec.Scale ? next : -1;
            if (spec.Scale) next += Channels;
            BetaOffset = spec.Center ? next : -1;
            if (spec.Center) next += Channels;
            MovingOffset = next;
        }

        public BatchNormalizationSpec Spec { get; }

        public int Channels { get; }

        /// <summary>Values per channel in one sample (an image's pixels, a sequence's steps; 1 for vectors).</summary>
        public int Positions { get; }

        /// <summary>True when a sample is stored [channel][position]; false for [position][channel].</summary>
        public bool ChannelMajor { get; }

        public int GammaOffset { get; }

        public int BetaOffset { get; }

        /// <summary>The moving mean; the moving variance follows it, then the batch count.</summary>
        public int MovingOffset { get; }

        public int TrainableCount => (Spec.Scale ? Channels : 0) + (Spec.Center ? Channels : 0);

        public override int ParameterCount => TrainableCount + 2 * Channels + 1;

        public override bool NeedsWholeBatch => true;

        public override bool FoldsIntoSource => true;

        /// <summary>Folded into the layer before, it is nothing at inference.</summary>
        public override bool IdentityAtInference => FoldedInto is not null;

        /// <summary>Not folded: its scale and shift per channel.</summary>
        public override int InferenceFloats => 2 * Channels;

        public override LayerKind Kind => BatchNormalizationLayerKind.Instance;

        public override string Title => "BatchNormalization";

        /// <summary>The generated constant of γ's offset, or −1 without γ.</summary>
        public string GammaAt => Spec.Scale ? $"BatchNorm{Index}GammaOffset" : "-1";

        /// <summary>The generated constant of β's offset, or −1 without β.</summary>
        public string BetaAt => Spec.Center ? $"BatchNorm{Index}BetaOffset" : "-1";

        public string MovingAt => $"BatchNorm{Index}MovingMeanOffset";

        public string Layout => ChannelMajor ? "channelMajor: true" : "channelMajor: false";
    }

    /// <summary>
    /// <c>[BatchNormalization]</c>: Keras's semantics (momentum 0.99, ε = 0.001, Center, Scale) with PyTorch's names
    /// (<c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c>). Training uses the
    /// batch's statistics (<see cref="NetGen.Generator.Planning.NetworkPlan.TrainsOnOneWorker"/>); inference the moving ones,
    /// folded by the planner into the linear layer before it where it can (<see cref="LayerPlan.FoldedInto"/>).
    /// </summary>
    internal sealed class BatchNormalizationLayerKind : LayerKind<BatchNormalizationSpec, BatchNormalizationLayerPlan>
    {
        public static readonly BatchNormalizationLayerKind Instance = new BatchNormalizationLayerKind();

        public override IReadOnlyList<string> AttributeNames { get; } = new[] { "NetGen.BatchNormalizationAttribute" };

        public override bool Merges => false;

        public override LayerSpec? Parse(LayerAttribute a)
        {
            float momentum = a.NamedFloat("Momentum", 0.99f), epsilon = a.NamedFloat("Epsilon", 0.001f);
            if (!(momentum >= 0f && momentum < 1f))
                a.Report(DiagnosticDescriptors.InvalidNormalizationSetting, -1, "Momentum", a.Position, "Momentum", Text(momentum),
                    "it must be in [0, 1): the moving statistics keep this share of themselves at each batch (Keras's 0.99 is PyTorch's momentum=0.01)");
            if (!(epsilon > 0f && !float.IsInfinity(epsilon)))
                a.Report(DiagnosticDescriptors.InvalidNormalizationSetting, -1, "Epsilon", a.Position, "Epsilon", Text(epsilon),
                    "it must be a finite number above 0 (Keras's default is 0.001, PyTorch's 1e-5)");
            return a.Ok ? new BatchNormalizationSpec(momentum, epsilon, a.NamedBool("Center", true), a.NamedBool("Scale", true)) : null;
        }

        private static string Text(float value) => value.ToString("R", CultureInfo.InvariantCulture);

        protected override string Display(BatchNormalizationSpec spec) => "BatchNormalization";

        protected override ShapeResult OutputShape(BatchNormalizationSpec spec, ShapeInput input) => ShapeResult.Of((int[])input.Shape.Clone());

        protected override long ParameterCount(BatchNormalizationSpec spec, int[] inputShape)
        {
            long channels = inputShape[inputShape.Length - 1];
            return (spec.Scale ? channels : 0) + (spec.Center ? channels : 0) + 2 * channels + 1;
        }

        protected override MaskFlow Mask(BatchNormalizationSpec spec) => MaskFlow.Stops;

        public override bool KeepsLayout => true;

        protected override string Architecture(BatchNormalizationSpec spec) =>
            $"BatchNormalization(momentum={Text(spec.Momentum)},epsilon={Text(spec.Epsilon)},center={(spec.Center ? "true" : "false")},scale={(spec.Scale ? "true" : "false")})";

        protected override BatchNormalizationLayerPlan Plan(BatchNormalizationSpec spec, LayerPlanInput input) =>
            new BatchNormalizationLayerPlan(input.Index, input.InShape, spec, input.ParameterOffset, input.InputIsHwc);

        protected override string Describe(BatchNormalizationLayerPlan b) =>
            $"Layer {b.Index}: BatchNormalization of {b.Channels} channel{(b.Channels == 1 ? "" : "s")}" +
            (b.Positions > 1 ? $" × {b.Positions} positions" : "") +
            (b.FoldedInto is LayerPlan folded ? $", folded into layer {folded.Index} at inference" : "");

        protected override IReadOnlyList<ParameterTensor> Parameters(BatchNormalizationLayerPlan b)
        {
            int c = b.Channels, k = b.Index;
            var tensors = new List<ParameterTensor>(5);
            if (b.Spec.Scale)
                tensors.Add(new ParameterTensor("weight", b.GammaOffset, new[] { c }, "bn.gamma", $"BatchNorm{k}Gamma", $"Layer {k} scales γ, [{c}] (PyTorch's weight).", TorchMapping.Vector("weight", c)));
            if (b.Spec.Center)
                tensors.Add(new ParameterTensor("bias", b.BetaOffset, new[] { c }, "bn.beta", $"BatchNorm{k}Beta", $"Layer {k} offsets β, [{c}] (PyTorch's bias).", TorchMapping.Vector("bias", c)));
            tensors.Add(new ParameterTensor("running_mean", b.MovingOffset, new[] { c }, "bn.moving_mean", $"BatchNorm{k}MovingMean",
                $"Layer {k} moving mean, [{c}]: state, not trained (PyTorch's running_mean).", TorchMapping.Vector("running_mean", c)) { Trainable = false });
            tensors.Add(new ParameterTensor("running_var", b.MovingOffset + c, new[] { c }, "bn.moving_variance", $"BatchNorm{k}MovingVariance",
                $"Layer {k} moving variance, [{c}]: state, not trained (PyTorch's running_var).", TorchMapping.Vector("running_var", c)) { Trainable = false });
            tensors.Add(new ParameterTensor("num_batches_tracked", b.MovingOffset + 2 * c, new[] { 1 }, "bn.batch_count", $"BatchNorm{k}BatchCount",
                $"Layer {k} training batches seen, [1]: state (PyTorch's num_batches_tracked, an int64 there).",
                new TorchMapping("num_batches_tracked", 0, 1, 1, System.Array.Empty<int>()) { Integer = true }) { Trainable = false });
            return tensors;
        }

        protected override void EmitInitialization(SourceWriter w, BatchNormalizationLayerPlan b)
        {
            if (b.Spec.Scale) w.Line($"BatchNorm{b.Index}Gamma.Fill(1f);");
            w.Line($"BatchNorm{b.Index}MovingVariance.Fill(1f);");
        }

        protected override IReadOnlyList<string> InitializationPhrases(BatchNormalizationLayerPlan b) =>
            new[] { "batch normalization's γ = 1, β = 0, moving mean 0 and moving variance 1" };

        protected override IReadOnlyList<TrainingBuffer> TrainingBuffers(BatchNormalizationLayerPlan b) => new[]
        {
            new TrainingBuffer($"_bn{b.Index}", Literal.Int(6L * b.Channels),
                $"layer {b.Index}'s batch statistics per channel: mean, 1/σ, scale, shift and two gradient sums, [6, {b.Channels}]"),
        };

        protected override void EmitForward(SourceWriter w, KernelSet kernels, BatchNormalizationLayerPlan b, ActivationFunction activation, LayerRefs refs)
        {
            if (refs.Training)
            {
                w.Line($"ChannelNormalization.TrainingForward(ref {refs.Input}, ref {refs.Output}, {refs.Rows}, {b.Channels}, {b.Positions}, {b.Layout}, ref _bn{b.Index}.Reference,");
                w.Line($"    ref {refs.Parameters}, gammaAt: {b.GammaAt}, betaAt: {b.BetaAt}, movingAt: {b.MovingAt}, epsilon: {Literal.Float(b.Spec.Epsilon)}, momentum: {Literal.Float(b.Spec.Momentum)});");
                return;
            }
            // inference, not folded: the scale and shift kept after the parameter block of the inference parameters
            w.Line($"ChannelNormalization.ScaleShift(ref {refs.Input}, ref {refs.Output}, {refs.Rows}, {b.Channels}, {b.Positions}, {b.Layout},");
            w.Line($"    ref Unsafe.Add(ref {refs.Parameters}, {b.InferenceOffset}), ref Unsafe.Add(ref {refs.Parameters}, {b.InferenceOffset + b.Channels}));");
        }

        protected override void EmitBackward(SourceWriter w, KernelSet kernels, BatchNormalizationLayerPlan b, LayerRefs refs)
        {
            bool input = refs.PreviousDelta is not null;
            w.Line($"ChannelNormalization.TrainingBackward(ref {refs.Input}, ref {refs.Delta}, ref {refs.PreviousDelta ?? refs.Delta}, hasInputGradient: {(input ? "true" : "false")}, {refs.Rows}, {b.Channels}, {b.Positions}, {b.Layout},");
            w.Line($"    ref _bn{b.Index}.Reference, ref {refs.Gradients}, gammaAt: {b.GammaAt}, betaAt: {b.BetaAt});");
            if (input) EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta!, refs.Input, $"{refs.Rows} * {b.InSize}");
        }

        public override void EmitInferenceParameters(SourceWriter w, LayerPlan layer)
        {
            var b = (BatchNormalizationLayerPlan)layer;
            string eps = Literal.Float(b.Spec.Epsilon);
            if (b.FoldedInto is LayerPlan target && target.OutputChannelWeights is ChannelWeights cw)
            {
                w.Line($"// layer {b.Index} (batch normalization) into layer {target.Index}'s weights and biases: w·s, (b − μ)·s + β with s = γ/√(σ² + ε)");
                w.Line($"ChannelNormalization.Fold(ref p, ref q, {b.Channels}, gammaAt: {b.GammaAt}, betaAt: {b.BetaAt}, movingAt: {b.MovingAt}, epsilon: {eps},");
                w.Line($"    weightAt: {cw.WeightOffset}, channelStride: {cw.ChannelStride}, elementStride: {cw.ElementStride}, elements: {cw.Elements}, biasAt: {cw.BiasOffset});");
                return;
            }
            w.Line($"// layer {b.Index} (batch normalization) reads a layer it cannot fold into: its scale γ/√(σ² + ε) and shift β − μ·scale");
            w.Line($"ChannelNormalization.InferenceAffine(ref p, ref q, {b.Channels}, gammaAt: {b.GammaAt}, betaAt: {b.BetaAt}, movingAt: {b.MovingAt}, epsilon: {eps}, scaleAt: {b.InferenceOffset});");
        }
    }
}
