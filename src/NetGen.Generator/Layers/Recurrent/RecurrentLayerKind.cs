using System.Collections.Generic;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    internal enum RecurrentKind
    {
        SimpleRnn,
        Lstm,
        Gru,
    }

    /// <summary>A recurrent layer over (steps, features); <paramref name="Activation"/> is SimpleRNN's (LSTM and GRU use sigmoid and tanh).</summary>
    internal sealed record RecurrentSpec(RecurrentKind Cell, int Units, ActivationKind Activation, bool ReturnSequences) : LayerSpec
    {
        public override LayerKind Kind => RecurrentLayerKind.Instance;

        /// <summary>The attribute's name: <c>SimpleRNN</c>, <c>LSTM</c> or <c>GRU</c>.</summary>
        public string Name => NameOf(Cell);

        /// <summary>The attribute's name of a recurrent cell.</summary>
        public static string NameOf(RecurrentKind cell) => cell == RecurrentKind.Lstm ? "LSTM" : cell == RecurrentKind.Gru ? "GRU" : "SimpleRNN";

        /// <summary>Gate blocks of <see cref="Units"/> columns: 1 (SimpleRNN), 4 (LSTM: i, f, c, o), 3 (GRU: z, r, h).</summary>
        public int GateBlocks => Cell == RecurrentKind.Lstm ? 4 : Cell == RecurrentKind.Gru ? 3 : 1;

        /// <summary>Bias rows: GRU keeps its input-side and recurrent-side biases apart.</summary>
        public int BiasRows => Cell == RecurrentKind.Gru ? 2 : 1;
    }

    /// <summary>
    /// <c>[SimpleRNN(units, activation)]</c>, <c>[LSTM(units)]</c>, <c>[GRU(units)]</c> over (steps, features), with Keras's gate
    /// order, activations and initializers; <c>ReturnSequences</c> outputs every step's state.
    /// </summary>
    internal sealed class RecurrentLayerKind : LayerKind<RecurrentSpec, RecurrentLayerPlan>
    {
        public static readonly RecurrentLayerKind Instance = new RecurrentLayerKind();

        private const string LstmAttributeName = "NetGen.LSTMAttribute";
        private const string GruAttributeName = "NetGen.GRUAttribute";

        public override IReadOnlyList<string> AttributeNames { get; } = new[] { "NetGen.SimpleRNNAttribute", LstmAttributeName, GruAttributeName };

        public override bool Merges => false;

        public override LayerSpec? Parse(LayerAttribute a)
        {
            RecurrentKind cell = a.FullName == LstmAttributeName ? RecurrentKind.Lstm : a.FullName == GruAttributeName ? RecurrentKind.Gru : RecurrentKind.SimpleRnn;
            string attributeName = "[" + RecurrentSpec.NameOf(cell) + "]";
            int units = a.Positive(0, "units", attributeName + " units", a.Int(0));
            var activation = ActivationKind.Tanh;
            if (cell == RecurrentKind.SimpleRnn && a.Activation(1, "activation", ActivationKind.Tanh, attributeName) is ActivationFunction function)
            {
                ActivationKind value = function.Kind;
                if (value == ActivationKind.Softmax) a.Report(DiagnosticDescriptors.SoftmaxInsideNetwork, 1, "activation", a.Position, "SimpleRNN");
                else if (Activations.DerivativeFromInput(value)) a.Report(DiagnosticDescriptors.RecurrentActivationNeedsInput, 1, "activation", a.Position, "Activation." + value);
                else if (ActivationFunction.TakesAlpha(value)) a.Report(DiagnosticDescriptors.RecurrentActivationUnsupported, 1, "activation", a.Position, "Activation." + value);
                else activation = value;
            }
            return a.Ok ? new RecurrentSpec(cell, units, activation, a.NamedBool("ReturnSequences")) : null;
        }

        protected override string Display(RecurrentSpec spec) => $"{spec.Name}({spec.Units})";

        protected override ShapeResult OutputShape(RecurrentSpec spec, ShapeInput input) =>
            input.Shape.Length != 2
                ? ShapeResult.Fails(DiagnosticDescriptors.NeedsSequenceInput, Display(spec), ShapeInference.Format(input.Shape))
                : spec.ReturnSequences ? ShapeResult.Of(input.Shape[0], spec.Units) : ShapeResult.Of(spec.Units);

        /// <summary>Gate columns × (features + units) weights plus the biases (two rows of them for GRU).</summary>
        protected override long ParameterCount(RecurrentSpec spec, int[] inputShape) =>
            (long)spec.Units * spec.GateBlocks * (inputShape[1] + spec.Units + spec.BiasRows);

        protected override MaskFlow Mask(RecurrentSpec spec) => spec.ReturnSequences ? MaskFlow.ReadsAndPasses : MaskFlow.ReadsAndStops;

        public override bool KeepsLayout => false;

        protected override string Architecture(RecurrentSpec r) =>
            r.Name + "(" + r.Units + (r.Cell == RecurrentKind.SimpleRnn ? "," + r.Activation : "") + (r.ReturnSequences ? ",return_sequences" : "") + ")";

        protected override RecurrentLayerPlan Plan(RecurrentSpec spec, LayerPlanInput input) =>
            new RecurrentLayerPlan(input.Index, input.InShape, input.OutShape, spec, input.ParameterOffset, input.Masked);

        protected override string Describe(RecurrentLayerPlan layer) => RecurrentEmitter.Describe(layer);

        protected override IReadOnlyList<ParameterTensor> Parameters(RecurrentLayerPlan r)
        {
            string kind = r.Cell.ToString().ToLowerInvariant();
            string gates = r.Cell == RecurrentKind.Lstm ? "i, f, c, o" : r.Cell == RecurrentKind.Gru ? "z, r, h" : "one block";
            bool gru = r.Cell == RecurrentKind.Gru;
            // PyTorch's nn.RNN/LSTM/GRU keep weight_ih_l0 [gates, features] and weight_hh_l0 [gates, units]: Keras's kernels
            // transposed. GRU's gate blocks are Keras's (z, r, h) here and PyTorch's (r, z, n) there: z to 1, r to 0, h to 2.
            int[]? order = gru ? new[] { 1, 0, 2 } : null;
            TorchMapping[] biases = gru
                ? new[]
                {
                    new TorchMapping("bias_ih_l0", 0, 1, r.Gates, new[] { r.Gates }, gateOrder: order),
                    new TorchMapping("bias_hh_l0", r.Gates, 1, r.Gates, new[] { r.Gates }, gateOrder: order),
                }
                : new[]
                {
                    // one bias here, two in PyTorch: bias_hh_l0 is exported as zeros and added on import
                    new TorchMapping("bias_ih_l0", 0, 1, r.Gates, new[] { r.Gates }),
                    new TorchMapping("bias_hh_l0", 0, 1, r.Gates, new[] { r.Gates }, summed: true),
                };
            return new[]
            {
                new ParameterTensor("kernel", r.KernelOffset, new[] { r.Features, r.Gates }, kind + ".kernel", r.AccessorPrefix + "Kernel",
                    $"Layer {r.Index} ({r.Name}) input kernel, [{r.Features}, {r.Gates}] row-major, gate blocks of {r.Units} columns: {gates} (Keras's layout).",
                    new TorchMapping("weight_ih_l0", 0, r.Features, r.Gates, new[] { r.Gates, r.Features }, transposed: true, gateOrder: order)),
                new ParameterTensor("recurrent_kernel", r.RecurrentOffset, new[] { r.Units, r.Gates }, kind + ".recurrent_kernel", r.AccessorPrefix + "RecurrentKernel",
                    $"Layer {r.Index} ({r.Name}) recurrent kernel, [{r.Units}, {r.Gates}] row-major.",
                    new TorchMapping("weight_hh_l0", 0, r.Units, r.Gates, new[] { r.Gates, r.Units }, transposed: true, gateOrder: order)),
                new ParameterTensor("bias", r.BiasOffset, gru ? new[] { 2, r.Gates } : new[] { r.Gates }, kind + ".bias", r.AccessorPrefix + "Biases",
                    gru
                        ? $"Layer {r.Index} (GRU) biases, [2, {r.Gates}]: the input-side row, then the recurrent-side row."
                        : $"Layer {r.Index} ({r.Name}) biases, [{r.Gates}].",
                    biases),
            };
        }

        protected override void EmitInitialization(SourceWriter w, RecurrentLayerPlan r)
        {
            w.Line($"Initializers.GlorotUniform({r.AccessorPrefix}Kernel, fanIn: {r.Features}, fanOut: {r.Gates}, ref random);");
            w.Line($"Initializers.Orthogonal({r.AccessorPrefix}RecurrentKernel, {r.Units}, {r.Gates}, ref random);");
            if (r.Cell == RecurrentKind.Lstm) w.Line($"{r.AccessorPrefix}Biases.Slice({r.Units}, {r.Units}).Fill(1f); // forget gates start open (Keras's unit_forget_bias)");
        }

        protected override IReadOnlyList<string> InitializationPhrases(RecurrentLayerPlan r) => r.Cell == RecurrentKind.Lstm
            ? new[] { "Glorot-uniform weights", "orthogonal recurrent kernels", "zero biases", "LSTM forget-gate biases 1" }
            : new[] { "Glorot-uniform weights", "orthogonal recurrent kernels", "zero biases" };

        protected override IReadOnlyList<TrainingBuffer> TrainingBuffers(RecurrentLayerPlan layer) => RecurrentEmitter.ExtraBuffers(layer);

        protected override void EmitForward(SourceWriter w, KernelSet kernels, RecurrentLayerPlan layer, ActivationFunction activation, LayerRefs refs) =>
            RecurrentEmitter.EmitForward(w, kernels, layer, refs);

        protected override void EmitBackward(SourceWriter w, KernelSet kernels, RecurrentLayerPlan layer, LayerRefs refs) =>
            RecurrentEmitter.EmitBackward(w, kernels, layer, refs);
    }
}
