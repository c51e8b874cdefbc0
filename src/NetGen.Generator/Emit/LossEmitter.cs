using NetGen.Generator.Layers;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Emit
{
    /// <summary>
    /// The trainer's output gradient: loss and ∂L/∂z of the last layer, fused with the output activation
    /// where that is stable (softmax + cross-entropy, sigmoid + binary cross-entropy).
    /// </summary>
    internal static class LossEmitter
    {
        public static string Describe(NetworkPlan plan) => plan.Spec.Loss switch
        {
            LossKind.SparseCategoricalCrossEntropy => "softmax + sparse categorical cross-entropy, fused: dZ = (softmax(z) − onehot(label)) / batch",
            LossKind.CategoricalCrossEntropy => "softmax + categorical cross-entropy, fused: dZ = (softmax(z)·Σt − t) / batch",
            LossKind.BinaryCrossEntropy => "sigmoid + binary cross-entropy on logits, fused: dZ = (σ(z) − t) / (batch · outputs)",
            _ => "mean squared error: dY = 2 (y − t) / (batch · outputs), then through the output activation",
        };

        /// <summary>
        /// Writes the workspace's <c>OutputGradient(labels, start, rows, batch)</c> (when labels fit the loss) and
        /// <c>OutputGradient(targets, start, rows, batch)</c>: this worker's rows, scaled by the whole batch so the
        /// workers' shares add up to the batch mean.
        /// </summary>
        public static void Emit(SourceWriter w, NetworkPlan plan, string delta)
        {
            int n = plan.OutputSize;
            string row = $"r * {n}, {n}";
            LossKind loss = plan.Spec.Loss;

            if (plan.AcceptsLabels)
            {
                w.Line($"/// <summary>Loss: {Describe(plan)}. Returns this worker's share of the mean loss.</summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)] // every batch: optimized from the first call");
                using (w.Block("public float OutputGradient(ReadOnlySpan<int> labels, int start, int rows, int batch)"))
                {
                    w.Line("float scale = 1f / batch;");
                    w.Line("float total = 0f;");
                    w.Line($"Span<float> logits = _outputs.Span.Slice(start * {n}, rows * {n}), gradient = {delta}.Span;");
                    using (w.Block("for (int r = 0; r < rows; r++)"))
                    {
                        w.Line(loss == LossKind.BinaryCrossEntropy
                            ? "total += LossKernels.SigmoidBinaryCrossEntropy(logits[r], labels[r], out gradient[r], scale);"
                            : $"total += LossKernels.SoftmaxCrossEntropy(logits.Slice({row}), labels[r], gradient.Slice({row}), scale);");
                    }
                    w.Line("return total * scale;");
                }
                w.Line();
            }

            w.Line($"/// <summary>Loss: {Describe(plan)}. Returns this worker's share of the mean loss.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)] // every batch: optimized from the first call");
            using (w.Block("public float OutputGradient(ReadOnlySpan<float> targets, int start, int rows, int batch)"))
            {
                bool perOutput = loss == LossKind.BinaryCrossEntropy || loss == LossKind.MeanSquaredError;
                w.Line(perOutput ? $"float scale = 1f / ((float)batch * {n});" : "float scale = 1f / batch;");
                w.Line("float total = 0f;");
                w.Line($"Span<float> outputs = _outputs.Span.Slice(start * {n}, rows * {n}), gradient = {delta}.Span;");
                string call = loss switch
                {
                    LossKind.BinaryCrossEntropy => "LossKernels.SigmoidBinaryCrossEntropy",
                    LossKind.MeanSquaredError => "LossKernels.SquaredError",
                    _ => "LossKernels.SoftmaxCrossEntropy",
                };
                using (w.Block("for (int r = 0; r < rows; r++)"))
                {
                    w.Line($"total += {call}(outputs.Slice({row}), targets.Slice({row}), gradient.Slice({row}), scale);");
                }
                if (loss == LossKind.MeanSquaredError)
                {
                    EmitActivationBackward(w, plan);
                }
                w.Line("return total * scale;");
            }
        }

        private static void EmitActivationBackward(SourceWriter w, NetworkPlan plan)
        {
            ActivationFunction activation = plan.Last.Activation;
            int n = plan.OutputSize;
            // GELU and SiLU: the trainer applies the derivative from the kept pre-activations before the layer's backward
            if (plan.Last.KeepsPreActivation) return;
            switch (activation.Kind)
            {
                case ActivationKind.Linear:
                    return;
                case ActivationKind.Softmax:
                    w.Line("// through softmax: dZ = y ⊙ (dY − ⟨dY, y⟩) per row");
                    using (w.Block("for (int r = 0; r < rows; r++)"))
                    {
                        w.Line($"VectorMath.SoftmaxBackward(outputs.Slice(r * {n}, {n}), gradient.Slice(r * {n}, {n}));");
                    }
                    return;
                default:
                    string act = Activations.KernelName(activation);
                    w.Line($"// through {act}: dZ = dY ⊙ {Activations.DerivativeFormula(activation, "y")}");
                    using (w.Block($"for (int i = 0; i < rows * {n}; i++)"))
                    {
                        w.Line($"gradient[i] = {Activations.Backward(activation, "gradient[i]", "outputs[i]")};");
                    }
                    return;
            }
        }
    }
}
