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
    /// <summary>Layer normalization over the last axis, with ε and whether it has β (<paramref name="Center"/>) and γ (<paramref name="Scale"/>).</summary>
    internal sealed record LayerNormalizationSpec(float Epsilon, bool Center, bool Scale) : LayerSpec
    {
        public override LayerKind Kind => LayerNormalizationLayerKind.Instance;
    }

    /// <summary>
    /// A layer normalization: <see cref="Rows"/> rows of <see cref="Features"/> values per sample (1 for a vector, the
    /// steps of a sequence), each normalized by its own mean and variance. γ [Features] at <see cref="GammaOffset"/> when
    /// scaled, then β [Features] when centred. Training keeps each row's mean and 1/σ (<c>_stats{index}</c>) for the backward pass.
    /// </summary>
    internal sealed class LayerNormalizationLayerPlan : LayerPlan
    {
        public LayerNormalizationLayerPlan(int index, int[] shape, LayerNormalizationSpec spec, int parameterOffset)
            : base(index, shape, shape, ActivationKind.Linear)
        {
            Epsilon = spec.Epsilon;
            Center = spec.Center;
            Scale = spec.Scale;
            Features = shape[shape.Length - 1];
            Rows = OutSize / Features;
            GammaOffset = parameterOffset;
            BetaOffset = parameterOffset + (Scale ? Features : 0);
        }

        public float Epsilon { get; }
        public bool Center { get; }
        public bool Scale { get; }

        /// <summary>Values normalized together: the last axis.</summary>
        public int Features { get; }

        /// <summary>Rows normalized per sample: 1 for a vector, the steps of a sequence.</summary>
        public int Rows { get; }

        public int GammaOffset { get; }
        public int BetaOffset { get; }

        /// <summary>The generated constants holding <see cref="GammaOffset"/> and <see cref="BetaOffset"/>.</summary>
        public string GammaAt => $"LayerNorm{Index}GammaOffset";
        public string BetaAt => $"LayerNorm{Index}BetaOffset";

        public override int ParameterCount => (Scale ? Features : 0) + (Center ? Features : 0);

        public override LayerKind Kind => LayerNormalizationLayerKind.Instance;

        public override string Title => "LayerNormalization";
    }

    /// <summary>
    /// <c>[LayerNormalization(Epsilon = 1e-3f, Center = true, Scale = true)]</c>, Keras's <c>LayerNormalization</c> over the
    /// last axis (PyTorch's <c>nn.LayerNorm(features)</c>: γ is its <c>weight</c>, β its <c>bias</c>). Vectors and
    /// sequences only: an image is refused (NG0049), since NetGen stores images channel-major.
    /// </summary>
    internal sealed class LayerNormalizationLayerKind : LayerKind<LayerNormalizationSpec, LayerNormalizationLayerPlan>
    {
        public static readonly LayerNormalizationLayerKind Instance = new LayerNormalizationLayerKind();

        /// <summary>Keras's default ε (PyTorch's is 1e-5).</summary>
        public const float DefaultEpsilon = 1e-3f;

        public override IReadOnlyList<string> AttributeNames { get; } = new[] { "NetGen.LayerNormalizationAttribute" };

        public override bool Merges => false;

        public override LayerSpec? Parse(LayerAttribute a)
        {
            float epsilon = a.NamedFloat("Epsilon", DefaultEpsilon);
            if (!(epsilon > 0f) || float.IsInfinity(epsilon))
            {
                a.Report(DiagnosticDescriptors.InvalidLayerNormEpsilon, -1, "Epsilon", a.Position, epsilon.ToString("R", CultureInfo.InvariantCulture));
            }
            return a.Ok ? new LayerNormalizationSpec(epsilon, a.NamedBool("Center", true), a.NamedBool("Scale", true)) : null;
        }

        protected override string Display(LayerNormalizationSpec spec) => "LayerNormalization";

        protected override ShapeResult OutputShape(LayerNormalizationSpec spec, ShapeInput input)
        {
            int[] shape = input.Shape;
            if (shape.Length <= 2) return ShapeResult.Of((int[])shape.Clone());
            long values = 1;
            foreach (int d in shape) values *= d;
            return ShapeResult.Fails(DiagnosticDescriptors.LayerNormNeedsVectorOrSequence, string.Join(", ", shape), values.ToString(CultureInfo.InvariantCulture));
        }

        protected override long ParameterCount(LayerNormalizationSpec spec, int[] inputShape) =>
            ((spec.Scale ? 1L : 0L) + (spec.Center ? 1L : 0L)) * inputShape[inputShape.Length - 1];

        protected override MaskFlow Mask(LayerNormalizationSpec spec) => MaskFlow.PassesThrough;

        public override bool KeepsLayout => true;

        /// <summary><c>LayerNormalization(epsilon=0.001)</c>, with <c>,no_center</c> and <c>,no_scale</c> when β or γ is left out.</summary>
        protected override string Architecture(LayerNormalizationSpec spec) =>
            "LayerNormalization(epsilon=" + spec.Epsilon.ToString("R", CultureInfo.InvariantCulture) +
            (spec.Center ? "" : ",no_center") + (spec.Scale ? "" : ",no_scale") + ")";

        protected override LayerNormalizationLayerPlan Plan(LayerNormalizationSpec spec, LayerPlanInput input) =>
            new LayerNormalizationLayerPlan(input.Index, input.InShape, spec, input.ParameterOffset);

        protected override string Describe(LayerNormalizationLayerPlan l) =>
            $"Layer {l.Index}: LayerNormalization over the last axis, {(l.Rows == 1 ? "" : $"{l.Rows} rows of ")}{l.Features} values, ε = {Literal.Float(l.Epsilon)}" +
            (l.Scale && l.Center ? ": y = γ ⊙ x̂ + β" : l.Scale ? ": y = γ ⊙ x̂" : l.Center ? ": y = x̂ + β" : ": y = x̂") + ", x̂ = (x − μ)/√(σ² + ε)";

        protected override IReadOnlyList<ParameterTensor> Parameters(LayerNormalizationLayerPlan l)
        {
            var tensors = new List<ParameterTensor>();
            if (l.Scale)
            {
                tensors.Add(new ParameterTensor("gamma", l.GammaOffset, new[] { l.Features }, "layernorm.gamma", $"LayerNorm{l.Index}Gamma",
                    $"Layer {l.Index} scale γ, [{l.Features}].", TorchMapping.Vector("weight", l.Features)));
            }
            if (l.Center)
            {
                tensors.Add(new ParameterTensor("beta", l.BetaOffset, new[] { l.Features }, "layernorm.beta", $"LayerNorm{l.Index}Beta",
                    $"Layer {l.Index} offset β, [{l.Features}].", TorchMapping.Vector("bias", l.Features)));
            }
            return tensors;
        }

        protected override void EmitInitialization(SourceWriter w, LayerNormalizationLayerPlan l)
        {
            if (l.Scale) w.Line($"LayerNorm{l.Index}Gamma.Fill(1f);");
        }

        protected override IReadOnlyList<string> InitializationPhrases(LayerNormalizationLayerPlan l)
        {
            var phrases = new List<string>();
            if (l.Scale) phrases.Add("γ ones");
            if (l.Center) phrases.Add("β zeros");
            return phrases;
        }

        protected override IReadOnlyList<TrainingBuffer> TrainingBuffers(LayerNormalizationLayerPlan l) => new[]
        {
            new TrainingBuffer(Statistics(l), $"maxRows * {2 * l.Rows}", $"layer {l.Index}'s mean and 1/σ of each normalized row, [rows, {l.Rows}, 2]"),
        };

        private static string Statistics(LayerNormalizationLayerPlan l) => $"_stats{l.Index}";

        /// <summary>γ's and β's ref arguments in <paramref name="block"/> (the parameters or their gradients); a null reference for one the layer lacks.</summary>
        private static string Gamma(LayerNormalizationLayerPlan l, string block) => l.Scale ? DenseEmitter.At(block, l.GammaAt) : "ref Unsafe.NullRef<float>()";

        private static string Beta(LayerNormalizationLayerPlan l, string block) => l.Center ? DenseEmitter.At(block, l.BetaAt) : "ref Unsafe.NullRef<float>()";

        private static string Flags(LayerNormalizationLayerPlan l) =>
            $"scale: {(l.Scale ? "true" : "false")}, center: {(l.Center ? "true" : "false")}";

        protected override void EmitForward(SourceWriter w, KernelSet kernels, LayerNormalizationLayerPlan l, ActivationFunction activation, LayerRefs refs)
        {
            string rows = l.Rows == 1 ? refs.Rows : $"{refs.Rows} * {l.Rows}";
            w.Line(refs.Training
                ? $"LayerNormKernels.TrainingForward(ref {refs.Input}, ref {refs.Output}, ref {Statistics(l)}.Reference, {Gamma(l, refs.Parameters)}, {Beta(l, refs.Parameters)}, " +
                  $"{rows}, {l.Features}, {Literal.Float(l.Epsilon)}, {Flags(l)});"
                : $"LayerNormKernels.Forward(ref {refs.Input}, ref {refs.Output}, {Gamma(l, refs.Parameters)}, {Beta(l, refs.Parameters)}, " +
                  $"{rows}, {l.Features}, {Literal.Float(l.Epsilon)}, {Flags(l)});");
        }

        protected override void EmitBackward(SourceWriter w, KernelSet kernels, LayerNormalizationLayerPlan l, LayerRefs refs)
        {
            string rows = l.Rows == 1 ? refs.Rows : $"{refs.Rows} * {l.Rows}";
            if (refs.PreviousDelta is null) w.Line("// it reads the network's input: only γ's and β's gradients");
            w.Line($"LayerNormKernels.Backward(ref {refs.Input}, ref {refs.Delta}, ref {Statistics(l)}.Reference, {Gamma(l, refs.Parameters)}, " +
                   $"{(refs.PreviousDelta is null ? "ref Unsafe.NullRef<float>()" : "ref " + refs.PreviousDelta)}, {Gamma(l, refs.Gradients)}, {Beta(l, refs.Gradients)}, " +
                   $"{rows}, {l.Features}, {Flags(l)});");
            if (refs.PreviousDelta is not null) EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {l.InSize}");
        }
    }
}
