using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Emit.Layers;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Emit
{
    /// <summary>Writes the nested <c>Trainer</c>: its buffers, forward, loss, backward and optimizer step.</summary>
    internal static class TrainerEmitter
    {
        public static void Emit(SourceWriter w, KernelSet kernels, NetworkPlan plan)
        {
            string name = plan.Spec.ClassName;
            int layers = plan.Layers.Count;
            int statePerParameter = OptimizerEmitter.StatePerParameter(plan.Spec.Optimizer);
            bool labels = LossEmitter.AcceptsLabels(plan);
            int maxTransposed = 0;
            for (int i = 1; i < layers; i++)
            {
                if (plan.Layers[i].WeightCount > maxTransposed) maxTransposed = plan.Layers[i].WeightCount;
            }

            w.Line("/// <summary>");
            w.Line($"/// Trains a <see cref=\"{name}\"/>. Owns every buffer training needs (activations, gradients, optimizer state);");
            w.Line("/// <c>TrainBatch</c> allocates nothing. Use one trainer from one thread at a time.");
            w.Line("/// </summary>");
            using (w.Block("public sealed class Trainer : IGradientTrainer"))
            {
                w.Line($"private readonly {name} _model;");
                for (int i = 0; i < layers; i++)
                {
                    DenseLayerPlan layer = plan.Layers[i];
                    string role = i == layers - 1
                        ? (LossEmitter.FusesActivation(plan) ? "logits" : "outputs")
                        : "outputs";
                    w.Line($"private readonly AlignedBuffer _a{layer.Index}; // layer {layer.Index} {role}, [maxBatch, {layer.Out}]");
                }
                for (int i = 0; i < layers; i++)
                {
                    DenseLayerPlan layer = plan.Layers[i];
                    w.Line($"private readonly AlignedBuffer _d{layer.Index}; // ∂L/∂z of layer {layer.Index}, [maxBatch, {layer.Out}]");
                }
                w.Line("private readonly AlignedBuffer _gradients; // ∂L/∂parameters, laid out as the parameters");
                w.Line($"private readonly AlignedBuffer _transposed; // one layer's weights transposed, for input gradients");
                w.Line("private int _lastBatch; // rows of the last forward pass");
                w.Line(statePerParameter == 2
                    ? "private readonly AlignedBuffer _state; // Adam: first moments, then second moments"
                    : statePerParameter == 1
                        ? "private readonly AlignedBuffer _state; // momentum velocities"
                        : "private readonly AlignedBuffer _state; // plain SGD keeps no state");
                w.Line();

                w.Line("/// <summary>Creates a trainer for batches of up to <paramref name=\"maxBatchSize\"/> samples.</summary>");
                using (w.Block($"public Trainer({name} model, int maxBatchSize)"))
                {
                    w.Line("ArgumentNullException.ThrowIfNull(model);");
                    w.Line("if (maxBatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, \"The maximum batch size must be positive.\");");
                    w.Line($"if ((long)maxBatchSize * {System.Linq.Enumerable.Max(plan.Layers, l => System.Math.Max(l.In, l.Out))} > int.MaxValue / 2) throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, \"The maximum batch size is too large for this network.\");");
                    w.Line("_model = model;");
                    w.Line("MaxBatchSize = maxBatchSize;");
                    foreach (DenseLayerPlan layer in plan.Layers)
                    {
                        w.Line($"_a{layer.Index} = new AlignedBuffer(maxBatchSize * {layer.Out});");
                    }
                    foreach (DenseLayerPlan layer in plan.Layers)
                    {
                        w.Line($"_d{layer.Index} = new AlignedBuffer(maxBatchSize * {layer.Out});");
                    }
                    w.Line("_gradients = new AlignedBuffer(ParameterCount);");
                    w.Line($"_transposed = new AlignedBuffer({maxTransposed});");
                    w.Line(statePerParameter == 0 ? "_state = new AlignedBuffer(0);" : $"_state = new AlignedBuffer({(statePerParameter == 2 ? "2 * " : "")}ParameterCount);");
                }
                w.Line();

                w.Line("/// <summary>The model whose parameters this trainer updates.</summary>");
                w.Line($"public {name} Model => _model;");
                w.Line("IModel ITrainer.Model => _model;");
                w.Line("/// <summary>The largest batch this trainer accepts.</summary>");
                w.Line("public int MaxBatchSize { get; }");
                w.Line("/// <summary>Optimizer steps taken so far (Adam's t).</summary>");
                w.Line("public long Step { get; set; }");
                w.Line("/// <summary>The optimizer's step size; change it between batches for a schedule.</summary>");
                w.Line($"public float LearningRate {{ get; set; }} = {Literal.Float(plan.Spec.Optimizer.LearningRate)};");
                w.Line("/// <summary>Optimizer state, for checkpoints.</summary>");
                w.Line("public Span<float> OptimizerState => _state.Span;");
                w.Line("/// <summary>The gradients of the last <c>ComputeGradients</c> call, laid out as <see cref=\"Parameters\"/>.</summary>");
                w.Line("public ReadOnlySpan<float> Gradients => _gradients.Span;");
                w.Line("/// <summary>The last layer's values for the last batch: " + (LossEmitter.FusesActivation(plan) ? "logits (the loss applies the output activation)." : "the activated outputs.") + "</summary>");
                w.Line($"public ReadOnlySpan<float> LastOutputs => _a{plan.Last.Index}.Span.Slice(0, _lastBatch * OutputSize);");
                w.Line("/// <summary>True when <see cref=\"LastOutputs\"/> holds logits.</summary>");
                w.Line($"public bool OutputsAreLogits => {(LossEmitter.FusesActivation(plan) ? "true" : "false")};");
                w.Line("/// <summary>True when the loss accepts integer class labels.</summary>");
                w.Line($"public bool AcceptsLabels => {(labels ? "true" : "false")};");
                w.Line();

                // ---- TrainBatch / ComputeGradients with labels
                w.Line("/// <summary>One training step on a batch with integer class labels (batch = labels.Length). Returns the mean loss.</summary>");
                using (w.Block("public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)"))
                {
                    w.Line("float loss = ComputeGradients(inputs, labels);");
                    w.Line("ApplyGradients();");
                    w.Line("return loss;");
                }
                w.Line();
                w.Line($"/// <summary>One training step on a batch with float targets, {plan.OutputSize} per sample. Returns the mean loss.</summary>");
                using (w.Block("public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)"))
                {
                    w.Line("float loss = ComputeGradients(inputs, targets);");
                    w.Line("ApplyGradients();");
                    w.Line("return loss;");
                }
                w.Line();

                w.Line("/// <summary>Forward and backward on a labelled batch without updating the parameters; returns the mean loss and fills <see cref=\"Gradients\"/>.</summary>");
                using (w.Block("public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)"))
                {
                    if (!labels)
                    {
                        w.Line($"throw new InvalidOperationException(\"{plan.Spec.Loss} with {plan.OutputSize} output(s) takes float targets: call TrainBatch(inputs, targets).\");");
                    }
                    else
                    {
                        w.Line("int batch = labels.Length;");
                        w.Line("CheckBatch(inputs.Length, batch);");
                        int bound = plan.Spec.Loss == LossKind.BinaryCrossEntropy ? 2 : plan.OutputSize;
                        using (w.Block("for (int r = 0; r < batch; r++)"))
                        {
                            w.Line($"if ((uint)labels[r] >= {bound}u) throw new ArgumentOutOfRangeException(nameof(labels), labels[r], $\"Label {{labels[r]}} at index {{r}} is outside [0, {bound}).\");");
                        }
                        w.Line("Forward(ref MemoryMarshal.GetReference(inputs), batch);");
                        w.Line("float loss = OutputGradient(labels, batch);");
                        w.Line("Backward(ref MemoryMarshal.GetReference(inputs), batch);");
                        w.Line("return loss;");
                    }
                }
                w.Line();
                w.Line("/// <summary>Forward and backward on a batch with float targets without updating the parameters; returns the mean loss and fills <see cref=\"Gradients\"/>.</summary>");
                using (w.Block("public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)"))
                {
                    w.Line("int batch = targets.Length / OutputSize;");
                    w.Line("if (targets.Length != batch * OutputSize) throw new ArgumentException($\"{targets.Length} targets is not a whole number of samples of {OutputSize}.\", nameof(targets));");
                    w.Line("CheckBatch(inputs.Length, batch);");
                    w.Line("Forward(ref MemoryMarshal.GetReference(inputs), batch);");
                    w.Line("float loss = OutputGradient(targets, batch);");
                    w.Line("Backward(ref MemoryMarshal.GetReference(inputs), batch);");
                    w.Line("return loss;");
                }
                w.Line();

                using (w.Block("private void CheckBatch(int inputLength, int batch)"))
                {
                    w.Line("if (batch <= 0 || batch > MaxBatchSize) throw new ArgumentOutOfRangeException(nameof(batch), batch, $\"The batch size must be between 1 and {MaxBatchSize}.\");");
                    w.Line("if (inputLength != batch * InputSize) throw new ArgumentException($\"{batch} samples need {batch * InputSize} input values, got {inputLength}.\", \"inputs\");");
                }
                w.Line();

                // ---- Forward
                using (w.Block("private void Forward(ref float x, int batch)"))
                {
                    w.Line("_lastBatch = batch;");
                    w.Line("ref float p = ref _model._parameters.Reference;");
                    string input = "x";
                    for (int i = 0; i < layers; i++)
                    {
                        DenseLayerPlan layer = plan.Layers[i];
                        bool last = i == layers - 1;
                        ActivationKind activation = last && LossEmitter.FusesActivation(plan) ? ActivationKind.Linear : layer.KernelActivation;
                        string output = $"_a{layer.Index}.Reference";
                        w.Line("// " + DenseEmitter.Describe(layer) + (last && LossEmitter.FusesActivation(plan) ? " (logits: the loss applies the activation)" : ""));
                        DenseEmitter.EmitForward(w, kernels, layer, activation, "p", input, output, "batch");
                        if (last && !LossEmitter.FusesActivation(plan) && layer.Activation == ActivationKind.Softmax)
                        {
                            w.Line($"VectorMath.SoftmaxRows(ref _a{layer.Index}.Reference, batch, {layer.Out});");
                        }
                        input = output;
                    }
                }
                w.Line();

                LossEmitter.Emit(w, plan, $"_a{plan.Last.Index}", $"_d{plan.Last.Index}");
                w.Line();

                // ---- Backward
                using (w.Block("private void Backward(ref float x, int batch)"))
                {
                    w.Line("ref float g = ref _gradients.Reference;");
                    w.Line("Span<float> parameters = _model._parameters.Span;");
                    for (int i = layers - 1; i >= 0; i--)
                    {
                        DenseLayerPlan layer = plan.Layers[i];
                        DenseLayerPlan? previous = i > 0 ? plan.Layers[i - 1] : null;
                        string input = previous is null ? "x" : $"_a{previous.Index}.Reference";
                        string previousDelta = previous is null ? "" : $"_d{previous.Index}.Reference";
                        w.Line($"// Layer {layer.Index}: dW = {(previous is null ? "X" : "A" + previous.Index)}ᵀ·dZ{layer.Index}, db = Σ dZ{layer.Index}" +
                               (previous is null ? "" : $", dZ{previous.Index} = (dZ{layer.Index}·W{layer.Index}ᵀ) ⊙ {DenseEmitter.ActivationDisplay(previous.Activation)}′(A{previous.Index})"));
                        DenseEmitter.EmitBackward(w, kernels, layer, previous, "g", input, $"_d{layer.Index}.Reference", previousDelta, "parameters", "_transposed", "batch");
                    }
                }
                w.Line();

                OptimizerEmitter.Emit(w, kernels, plan, "_model._parameters.Reference", "_gradients.Reference", "_state");
            }
        }
    }
}
