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
        public static string Describe(NetworkPlan plan)
        {
            int k = plan.OutputSize;
            string smoothed = plan.Spec.LabelSmoothing == 0f ? ""
                : $" with label smoothing ε = {Literal.Float(plan.Spec.LabelSmoothing)} (LabelSmoothing)";
            return plan.Spec.Loss switch
            {
                LossKind.SparseCategoricalCrossEntropy when smoothed.Length > 0 =>
                    $"softmax + sparse categorical cross-entropy{smoothed}, fused: target s = (1 − ε)·onehot(label) + ε/{k}, loss = logΣe^z − Σ s·z, dZ = (softmax(z) − s) / batch",
                LossKind.CategoricalCrossEntropy when smoothed.Length > 0 =>
                    $"softmax + categorical cross-entropy{smoothed}, fused: target s = (1 − ε)·t + ε/{k}, loss = Σ s·(logΣe^z − z), dZ = (softmax(z)·Σs − s) / batch",
                LossKind.SparseCategoricalCrossEntropy => "softmax + sparse categorical cross-entropy, fused: dZ = (softmax(z) − onehot(label)) / batch",
                LossKind.CategoricalCrossEntropy => "softmax + categorical cross-entropy, fused: dZ = (softmax(z)·Σt − t) / batch",
                LossKind.BinaryCrossEntropy => "sigmoid + binary cross-entropy on logits, fused: dZ = (σ(z) − t) / (batch · outputs)",
                LossKind.MeanAbsoluteError => "mean absolute error: loss = mean |y − t|, dY = sign(y − t) / (batch · outputs) with sign(0) = 0, then through the output activation",
                LossKind.Huber => $"Huber loss with δ = {Literal.Float(plan.Spec.HuberDelta)} (HuberDelta) and d = y − t: loss = mean(½d² where |d| ≤ δ, else δ·(|d| − ½δ)), dY = clamp(d, −δ, δ) / (batch · outputs), then through the output activation",
                _ => "mean squared error: dY = 2 (y − t) / (batch · outputs), then through the output activation",
            };
        }

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
            // the network's own constant, so the call reads as the formula in the summary
            string smoothing = plan.Spec.LabelSmoothing == 0f ? "" : ", LabelSmoothing";

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
                            : $"total += LossKernels.SoftmaxCrossEntropy(logits.Slice({row}), labels[r], gradient.Slice({row}), scale{smoothing});");
                    }
                    w.Line("return total * scale;");
                }
                w.Line();
            }

            w.Line($"/// <summary>Loss: {Describe(plan)}. Returns this worker's share of the mean loss.</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)] // every batch: optimized from the first call");
            using (w.Block("public float OutputGradient(ReadOnlySpan<float> targets, int start, int rows, int batch)"))
            {
                bool perOutput = loss is LossKind.BinaryCrossEntropy or LossKind.MeanSquaredError or LossKind.MeanAbsoluteError or LossKind.Huber;
                w.Line(perOutput ? $"float scale = 1f / ((float)batch * {n});" : "float scale = 1f / batch;");
                w.Line("float total = 0f;");
                w.Line($"Span<float> outputs = _outputs.Span.Slice(start * {n}, rows * {n}), gradient = {delta}.Span;");
                string slices = $"outputs.Slice({row}), targets.Slice({row}), gradient.Slice({row})";
                string call = loss switch
                {
                    LossKind.BinaryCrossEntropy => $"LossKernels.SigmoidBinaryCrossEntropy({slices}, scale)",
                    LossKind.MeanSquaredError => $"LossKernels.SquaredError({slices}, scale)",
                    LossKind.MeanAbsoluteError => $"LossKernels.AbsoluteError({slices}, scale)",
                    LossKind.Huber => $"LossKernels.Huber({slices}, HuberDelta, scale)",
                    _ => $"LossKernels.SoftmaxCrossEntropy({slices}, scale{smoothing})",
                };
                using (w.Block("for (int r = 0; r < rows; r++)"))
                {
                    w.Line($"total += {call};");
                }
                if (!plan.FusesActivation)
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
