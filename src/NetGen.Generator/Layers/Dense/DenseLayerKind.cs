using System.Collections.Generic;
using System.Globalization;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;

namespace NetGen.Generator.Layers
{
    /// <summary>A fully connected layer.</summary>
    internal sealed record DenseSpec(int Units, ActivationFunction Activation) : LayerSpec
    {
        public override LayerKind Kind => DenseLayerKind.Instance;
    }

    /// <summary><c>[Dense(units, activation)]</c>: y = activation(x·W + b), W [in, units] (Keras's kernel layout).</summary>
    internal sealed class DenseLayerKind : LayerKind<DenseSpec, DenseLayerPlan>
    {
        public static readonly DenseLayerKind Instance = new DenseLayerKind();

        public override IReadOnlyList<string> AttributeNames { get; } = new[] { "NetGen.DenseAttribute" };

        public override bool Merges => false;

        public override LayerSpec? Parse(LayerAttribute a)
        {
            int units = a.Size(0, "units", $"Layer {a.Position} ([Dense]) units", a.Int(0));
            ActivationFunction? activation = a.Activation(1, "activation", ActivationKind.Linear, "[Dense]", $"Layer {a.Position} ([Dense]) activation ");
            return a.Ok ? new DenseSpec(units, activation!.Value) : null;
        }

        protected override string Display(DenseSpec spec) => $"Dense({spec.Units})";

        protected override ShapeResult OutputShape(DenseSpec spec, ShapeInput input)
        {
            int[] shape = input.Shape;
            if (shape.Length == 1) return ShapeResult.Of(spec.Units);
            long flat = 1;
            foreach (int d in shape) flat *= d;
            return ShapeResult.Fails(DiagnosticDescriptors.DenseNeedsFlatInput, shape.Length.ToString(CultureInfo.InvariantCulture),
                string.Join(", ", shape), flat.ToString(CultureInfo.InvariantCulture));
        }

        protected override long ParameterCount(DenseSpec spec, int[] inputShape) => (long)inputShape[0] * spec.Units + spec.Units;

        protected override MaskFlow Mask(DenseSpec spec) => MaskFlow.Stops;

        public override bool KeepsLayout => false;

        protected override string Architecture(DenseSpec spec) =>
            "Dense(" + spec.Units.ToString(CultureInfo.InvariantCulture) + "," + spec.Activation + ")";

        protected override DenseLayerPlan Plan(DenseSpec spec, LayerPlanInput input) =>
            new DenseLayerPlan(input.Index, input.InShape, spec.Units, spec.Activation, input.ParameterOffset);

        protected override string Describe(DenseLayerPlan layer) => DenseEmitter.Describe(layer);

        protected override IReadOnlyList<ParameterTensor> Parameters(DenseLayerPlan d) => new[]
        {
            new ParameterTensor("weight", d.WeightOffset, new[] { d.In, d.Out }, "weight", $"Dense{d.Index}Weights", $"Layer {d.Index} weights, [{d.In}, {d.Out}] row-major (input × unit).",
                // nn.Linear keeps [out_features, in_features]
                new TorchMapping("weight", 0, d.In, d.Out, new[] { d.Out, d.In }, transposed: true)),
            new ParameterTensor("bias", d.BiasOffset, new[] { d.Out }, "bias", $"Dense{d.Index}Biases", $"Layer {d.Index} biases, [{d.Out}].", TorchMapping.Vector("bias", d.Out)),
        };

        protected override void EmitInitialization(SourceWriter w, DenseLayerPlan d) =>
            w.Line($"Initializers.GlorotUniform(Dense{d.Index}Weights, fanIn: {d.In}, fanOut: {d.Out}, ref random);");

        protected override IReadOnlyList<string> InitializationPhrases(DenseLayerPlan layer) => new[] { "Glorot-uniform weights", "zero biases" };

        protected override IReadOnlyList<TrainingBuffer> TrainingBuffers(DenseLayerPlan layer) => NoBuffers;

        protected override void EmitForward(SourceWriter w, KernelSet kernels, DenseLayerPlan layer, ActivationFunction activation, LayerRefs refs) =>
            DenseEmitter.EmitForward(w, kernels, layer, activation, refs);

        protected override void EmitBackward(SourceWriter w, KernelSet kernels, DenseLayerPlan layer, LayerRefs refs) =>
            DenseEmitter.EmitBackward(w, kernels, layer, refs);
    }
}
