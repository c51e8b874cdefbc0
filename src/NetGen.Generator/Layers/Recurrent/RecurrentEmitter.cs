using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// SimpleRNN, LSTM and GRU: the time loop and its matrix products. Training keeps every step (sample-major,
    /// step-major rows, so the input projection, the kernel's gradient and the input gradient are one product over
    /// rows × steps each); only the recurrent product runs step by step. The gate arithmetic is in <see cref="RecurrentCells"/>.
    /// </summary>
    internal static class RecurrentEmitter
    {
        public static string Describe(RecurrentLayerPlan l) =>
            $"Layer {l.Index}: {l.Name} {l.Steps} steps × {l.Features} → {l.Units}" +
            (l.Cell == RecurrentKind.SimpleRnn ? $", {Activations.Display(l.CellActivation)}" : "") +
            (l.ReturnSequences ? ", every step's state" : ", last state") +
            (l.Masked ? ", padded steps (token 0) skipped" : "") +
            $" — {Literal.Grouped(l.Macs)} MACs per sample";

        public static TrainingBuffer[] ExtraBuffers(RecurrentLayerPlan l)
        {
            int i = l.Index, t = l.Steps, u = l.Units, g = l.Gates;
            var list = new System.Collections.Generic.List<TrainingBuffer>
            {
                new TrainingBuffer($"_z{i}", $"maxRows * {t * g}", $"layer {i}'s gate pre-activations, then gates, [rows, {t}, {g}]"),
                new TrainingBuffer($"_dz{i}", $"maxRows * {t * g}", $"layer {i}'s gate gradients, [rows, {t}, {g}]"),
            };
            if (!l.ReturnSequences) list.Add(new TrainingBuffer($"_hs{i}", $"maxRows * {t * u}", $"layer {i}'s states of every step, [rows, {t}, {u}]"));
            if (l.Cell == RecurrentKind.Lstm)
            {
                list.Add(new TrainingBuffer($"_c{i}", $"maxRows * {t * u}", $"layer {i}'s cell states, [rows, {t}, {u}]"));
                list.Add(new TrainingBuffer($"_tc{i}", $"maxRows * {t * u}", $"tanh of layer {i}'s cell states, [rows, {t}, {u}]"));
                list.Add(new TrainingBuffer($"_dc{i}", $"maxRows * {u}", $"∂L/∂c of layer {i}, carried backwards through time, [rows, {u}]"));
            }
            if (l.Cell == RecurrentKind.Gru)
            {
                list.Add(new TrainingBuffer($"_rh{i}", $"maxRows * {t * g}", $"layer {i}'s h-side pre-activations h·R + b_h, [rows, {t}, {g}]"));
                list.Add(new TrainingBuffer($"_drh{i}", $"maxRows * {t * g}", $"their gradients, [rows, {t}, {g}]"));
            }
            list.Add(new TrainingBuffer($"_dh{i}", $"maxRows * {u}", $"∂L/∂h of layer {i} from later steps, [rows, {u}]"));
            list.Add(new TrainingBuffer($"_rt{i}", $"{g * u}", $"layer {i}'s recurrent kernel transposed, [{g}, {u}]"));
            if (!l.IsFirst) list.Add(new TrainingBuffer($"_wt{i}", $"{g * l.Features}", $"layer {i}'s kernel transposed, [{g}, {l.Features}]"));
            list.Add(new TrainingBuffer($"_zero{i}", $"{u}", "zeros: the state before the first step, and no output gradient"));
            return list.ToArray();
        }

        // ---- kernels

        /// <summary>Z (+)= H·R for one step: H rows <paramref name="lda"/> apart, Z rows <paramref name="ldc"/> apart; with a bias (GRU's b_h) it writes instead of adding.</summary>
        private static GemmKernel Step(RecurrentLayerPlan l, int lda, int ldc, bool bias)
        {
            int u = l.Units, g = l.Gates;
            string name = $"Recurrent{(bias ? "Bias" : "")}Step_{u}x{g}_{lda}_{ldc}";
            return new GemmKernel(
                name,
                bias
                    ? $"One step's h-side products: Z = H·R + b for H [rows, {u}] (rows {lda} apart), R [{u}, {g}], Z rows {ldc} apart."
                    : $"One step's recurrent products: Z += H·R for H [rows, {u}] (rows {lda} apart), R [{u}, {g}], Z rows {ldc} apart.",
                bias ? "ref float h, ref float wr, ref float bias, ref float z, int rows" : "ref float h, ref float wr, ref float z, int rows",
                bias ? "ref h, ref wr, ref bias, ref z, rows" : "ref h, ref wr, ref z, rows")
            {
                Columns = g,
                ConstDepth = u,
                A = "h",
                Lda = Literal.Int(lda),
                B = "wr",
                C = "z",
                Bias = bias ? "bias" : null,
                Accumulate = !bias,
                CRowRef = row => $"Unsafe.Add(ref z, {row} * {ldc})",
                EpilogueRowRef = row => $"Unsafe.Add(ref z, {row} * {ldc})",
            };
        }

        /// <summary>One step's input projection at inference: Z = X_t·W + b, X rows <c>steps × features</c> apart.</summary>
        private static GemmKernel StepInput(RecurrentLayerPlan l)
        {
            int f = l.Features, g = l.Gates, lda = l.Steps * f;
            return new GemmKernel(
                $"StepInput_{f}x{g}_{lda}",
                $"One step's input projection: Z = X·W + b for X [rows, {f}] (rows {lda} apart), W [{f}, {g}], Z [rows, {g}].",
                "ref float x, ref float w, ref float bias, ref float z, int rows",
                "ref x, ref w, ref bias, ref z, rows")
            {
                Columns = g,
                ConstDepth = f,
                A = "x",
                Lda = Literal.Int(lda),
                B = "w",
                C = "z",
                Bias = "bias",
            };
        }

        /// <summary>dH += dZ_t·Rᵀ: the recurrent share of ∂L/∂h of the step before, dZ rows <c>steps × gates</c> apart.</summary>
        private static GemmKernel StepGradient(RecurrentLayerPlan l)
        {
            int u = l.Units, g = l.Gates, lda = l.Steps * g;
            return new GemmKernel(
                $"RecurrentInputGradient_{g}x{u}_{lda}",
                $"dH += dZ·Rᵀ for dZ [rows, {g}] (rows {lda} apart), Rᵀ [{g}, {u}], dH [rows, {u}].",
                "ref float dz, ref float rt, ref float dh, int rows",
                "ref dz, ref rt, ref dh, rows")
            {
                Columns = u,
                ConstDepth = g,
                A = "dz",
                Lda = Literal.Int(lda),
                B = "rt",
                C = "dh",
                Accumulate = true,
            };
        }

        /// <summary>dR = Σ_t H_{t−1}ᵀ·dZ_t over every sample and step after the first, as one product over (sample, step) pairs.</summary>
        private static GemmKernel RecurrentWeightGradient(RecurrentLayerPlan l)
        {
            int u = l.Units, g = l.Gates, t = l.Steps;
            return new GemmKernel(
                $"RecurrentWeightGradient_{u}x{g}_{t}",
                $"dR = Σ H_(t−1)ᵀ·dZ_t for H and dZ [rows, {t}, {u} / {g}], dR [{u}, {g}]; pairs = rows × {t - 1}.",
                "ref float h, ref float dz, ref float dr, int pairs",
                "ref h, ref dz, ref dr, pairs")
            {
                Columns = g,
                ConstRows = u,
                DepthName = "pairs",
                A = "h",
                ARowMajor = false,
                ReductionPrologue = $"int j = k / {t - 1} * {t} + k % {t - 1} + 1; // (sample, step ≥ 1) as a row of [rows × {t}]",
                AColumnRef = k => $"Unsafe.Add(ref h, (j - 1) * {u})",
                BRowRef = k => $"Unsafe.Add(ref dz, j * {g})",
                B = "dz",
                C = "dr",
            };
        }

        // ---- forward

        public static void EmitForward(SourceWriter w, KernelSet kernels, RecurrentLayerPlan l, LayerRefs refs)
        {
            if (refs.Training) EmitTrainingForward(w, kernels, l, refs);
            else EmitInferenceForward(w, kernels, l, refs);
        }

        private static string P(LayerRefs refs, string offset) => DenseEmitter.At(refs.Parameters, offset);

        private static void EmitTrainingForward(SourceWriter w, KernelSet kernels, RecurrentLayerPlan l, LayerRefs refs)
        {
            int i = l.Index, t = l.Steps, u = l.Units, g = l.Gates;
            string hs = l.ReturnSequences ? refs.Output : $"_hs{i}.Reference";
            string projection = kernels.Use(DenseEmitter.Forward(l.Features, g, ActivationKind.Linear));
            string cell = kernels.Use(RecurrentCells.Forward(l));
            bool gru = l.Cell == RecurrentKind.Gru;
            string step = kernels.Use(Step(l, t * u, t * g, bias: gru));

            using (w.Block())
            {
                w.Line($"ref float z = ref _z{i}.Reference;");
                w.Line($"ref float hs = ref {hs};");
                if (l.Cell == RecurrentKind.Lstm) w.Line($"ref float c = ref _c{i}.Reference;");
                if (gru) w.Line($"ref float rh = ref _rh{i}.Reference;");
                w.Line($"// every step's input projection in one product: Z = X·W + b{(gru ? "_x" : "")}, [rows × {t}, {g}]");
                w.Line($"Kernels.{projection}(ref {refs.Input}, {P(refs, l.KernelAt)}, {P(refs, l.BiasAt)}, ref z, {refs.Rows} * {t});");
                using (w.Block($"for (int t = 0; t < {t}; t++)"))
                {
                    if (gru)
                    {
                        w.Line("// h-side products: h_(t−1)·R + b_h (just b_h at the first step)");
                        using (w.Block("if (t > 0)"))
                        {
                            w.Line($"Kernels.{step}(ref Unsafe.Add(ref hs, (t - 1) * {u}), {P(refs, l.RecurrentAt)}, {P(refs, $"{l.BiasAt} + {g}")}, ref Unsafe.Add(ref rh, t * {g}), {refs.Rows});");
                        }
                        using (w.Block("else"))
                        {
                            w.Line($"for (int b = 0; b < {refs.Rows}; b++) ImageKernels.Copy({P(refs, $"{l.BiasAt} + {g}")}, ref Unsafe.Add(ref rh, b * {t * g}), {g});");
                        }
                    }
                    else
                    {
                        w.Line($"// recurrent products: Z_t += h_(t−1)·R (h_(−1) = 0)");
                        w.Line($"if (t > 0) Kernels.{step}(ref Unsafe.Add(ref hs, (t - 1) * {u}), {P(refs, l.RecurrentAt)}, ref Unsafe.Add(ref z, t * {g}), {refs.Rows});");
                    }
                    using (w.Block($"for (int b = 0; b < {refs.Rows}; b++)"))
                    {
                        w.Line($"int row = b * {t} + t;");
                        if (l.Masked)
                        {
                            using (w.Block($"if (Unsafe.Add(ref {refs.Tokens}, row) == 0f)"))
                            {
                                w.Line("// padding: the state carries over");
                                CarryState(w, l, "hs", "row");
                                if (l.Cell == RecurrentKind.Lstm) CarryState(w, l, "c", "row");
                                w.Line("continue;");
                            }
                        }
                        switch (l.Cell)
                        {
                            case RecurrentKind.Lstm:
                                w.Line($"ref float cPrev = ref t == 0 ? ref _zero{i}.Reference : ref Unsafe.Add(ref c, (row - 1) * {u});");
                                w.Line($"Kernels.{cell}(ref Unsafe.Add(ref z, row * {g}), ref cPrev, ref Unsafe.Add(ref c, row * {u}), ref Unsafe.Add(ref _tc{i}.Reference, row * {u}), ref Unsafe.Add(ref hs, row * {u}));");
                                break;
                            case RecurrentKind.Gru:
                                w.Line($"ref float hPrev = ref t == 0 ? ref _zero{i}.Reference : ref Unsafe.Add(ref hs, (row - 1) * {u});");
                                w.Line($"Kernels.{cell}(ref Unsafe.Add(ref z, row * {g}), ref Unsafe.Add(ref rh, row * {g}), ref hPrev, ref Unsafe.Add(ref hs, row * {u}));");
                                break;
                            default:
                                w.Line($"Kernels.{cell}(ref Unsafe.Add(ref z, row * {g}), ref Unsafe.Add(ref hs, row * {u}));");
                                break;
                        }
                    }
                }
                if (!l.ReturnSequences)
                {
                    w.Line("// the output: each sample's last state");
                    w.Line($"for (int b = 0; b < {refs.Rows}; b++) ImageKernels.Copy(ref Unsafe.Add(ref hs, (b * {t} + {t - 1}) * {u}), ref Unsafe.Add(ref {refs.Output}, b * {u}), {u});");
                }
            }
        }

        /// <summary>A padded step: the state (h or c) of the step before, or zeros at the first step.</summary>
        private static void CarryState(SourceWriter w, RecurrentLayerPlan l, string buffer, string row)
        {
            int u = l.Units;
            w.Line($"if (t == 0) ImageKernels.Clear(ref Unsafe.Add(ref {buffer}, {row} * {u}), {u});");
            w.Line($"else ImageKernels.Copy(ref Unsafe.Add(ref {buffer}, ({row} - 1) * {u}), ref Unsafe.Add(ref {buffer}, {row} * {u}), {u});");
        }

        /// <summary>
        /// Inference keeps only the running state: per step, the input projection, the recurrent product and the cell,
        /// in place, on the scratch (<c>pad</c>).
        /// </summary>
        private static void EmitInferenceForward(SourceWriter w, KernelSet kernels, RecurrentLayerPlan l, LayerRefs refs)
        {
            int t = l.Steps, u = l.Units, g = l.Gates, f = l.Features;
            string input = kernels.Use(StepInput(l));
            string cell = kernels.Use(RecurrentCells.Forward(l));
            bool gru = l.Cell == RecurrentKind.Gru;
            string step = kernels.Use(Step(l, u, g, bias: gru));
            string rows = refs.Rows;
            using (w.Block())
            {
                w.Line($"ref float z = ref {refs.Scratch}; // this step's gate pre-activations, [rows, {g}]");
                string next = $"Unsafe.Add(ref z, {rows} * {g})";
                if (l.Cell == RecurrentKind.Lstm)
                {
                    w.Line($"ref float c = ref {next}; // cell states, [rows, {u}]");
                    next = $"Unsafe.Add(ref c, {rows} * {u})";
                    w.Line($"ImageKernels.Clear(ref c, {rows} * {u});");
                }
                else if (gru)
                {
                    w.Line($"ref float rh = ref {next}; // h-side products, [rows, {g}]");
                    next = $"Unsafe.Add(ref rh, {rows} * {g})";
                }
                w.Line(l.ReturnSequences
                    ? $"ref float h = ref {next}; // states, [rows, {u}]"
                    : $"ref float h = ref {refs.Output}; // states, [rows, {u}]: the last step's are the output");
                w.Line($"ImageKernels.Clear(ref h, {rows} * {u});");
                using (w.Block($"for (int t = 0; t < {t}; t++)"))
                {
                    w.Line($"Kernels.{input}(ref Unsafe.Add(ref {refs.Input}, t * {f}), {P(refs, l.KernelAt)}, {P(refs, l.BiasAt)}, ref z, {rows});");
                    if (gru)
                    {
                        w.Line($"if (t > 0) Kernels.{step}(ref h, {P(refs, l.RecurrentAt)}, {P(refs, $"{l.BiasAt} + {g}")}, ref rh, {rows});");
                        w.Line($"else for (int b = 0; b < {rows}; b++) ImageKernels.Copy({P(refs, $"{l.BiasAt} + {g}")}, ref Unsafe.Add(ref rh, b * {g}), {g}); // h_(−1) = 0: just b_h");
                    }
                    else
                    {
                        w.Line($"if (t > 0) Kernels.{step}(ref h, {P(refs, l.RecurrentAt)}, ref z, {rows});");
                    }
                    using (w.Block($"for (int b = 0; b < {rows}; b++)"))
                    {
                        if (l.Masked) w.Line($"if (Unsafe.Add(ref {refs.Tokens}, b * {t} + t) == 0f) continue; // padding: the state carries over");
                        w.Line($"ref float hb = ref Unsafe.Add(ref h, b * {u});");
                        switch (l.Cell)
                        {
                            case RecurrentKind.Lstm:
                                w.Line($"ref float cb = ref Unsafe.Add(ref c, b * {u});");
                                w.Line($"Kernels.{cell}(ref Unsafe.Add(ref z, b * {g}), ref cb, ref cb, ref hb, ref hb);");
                                break;
                            case RecurrentKind.Gru:
                                w.Line($"Kernels.{cell}(ref Unsafe.Add(ref z, b * {g}), ref Unsafe.Add(ref rh, b * {g}), ref hb, ref hb);");
                                break;
                            default:
                                w.Line($"Kernels.{cell}(ref Unsafe.Add(ref z, b * {g}), ref hb);");
                                break;
                        }
                    }
                    if (l.ReturnSequences)
                    {
                        w.Line($"for (int b = 0; b < {rows}; b++) ImageKernels.Copy(ref Unsafe.Add(ref h, b * {u}), ref Unsafe.Add(ref {refs.Output}, (b * {t} + t) * {u}), {u});");
                    }
                }
            }
        }

        // ---- backward

        public static void EmitBackward(SourceWriter w, KernelSet kernels, RecurrentLayerPlan l, LayerRefs refs)
        {
            int i = l.Index, t = l.Steps, u = l.Units, g = l.Gates, f = l.Features;
            bool gru = l.Cell == RecurrentKind.Gru;
            string hs = l.ReturnSequences ? refs.Output : $"_hs{i}.Reference";
            string cell = kernels.Use(RecurrentCells.Backward(l));
            string stepGradient = kernels.Use(StepGradient(l));
            string rows = refs.Rows;
            string recurrentDelta = gru ? "drh" : "dz"; // the gradient of what h_(t−1)·R fed: GRU's h-side products, else the gates
            using (w.Block())
            {
                w.Line($"ref float z = ref _z{i}.Reference;");
                w.Line($"ref float dz = ref _dz{i}.Reference;");
                w.Line($"ref float hs = ref {hs};");
                w.Line($"ref float dh = ref _dh{i}.Reference;");
                if (l.Cell == RecurrentKind.Lstm)
                {
                    w.Line($"ref float c = ref _c{i}.Reference;");
                    w.Line($"ref float dc = ref _dc{i}.Reference;");
                    w.Line($"ImageKernels.Clear(ref dc, {rows} * {u});");
                }
                if (gru)
                {
                    w.Line($"ref float rh = ref _rh{i}.Reference;");
                    w.Line($"ref float drh = ref _drh{i}.Reference;");
                }
                w.Line($"ImageKernels.Clear(ref dh, {rows} * {u});");
                w.Line($"VectorMath.Transpose({refs.ParametersSpan}.Slice({l.RecurrentAt}, {l.RecurrentCount}), {u}, {g}, _rt{i}.Span);");
                w.Line("// backwards through time");
                using (w.Block($"for (int t = {t - 1}; t >= 0; t--)"))
                {
                    using (w.Block($"for (int b = 0; b < {rows}; b++)"))
                    {
                        w.Line($"int row = b * {t} + t;");
                        w.Line(l.ReturnSequences
                            ? $"ref float dOut = ref Unsafe.Add(ref {refs.Delta}, row * {u});"
                            : $"ref float dOut = ref t == {t - 1} ? ref Unsafe.Add(ref {refs.Delta}, b * {u}) : ref _zero{i}.Reference;");
                        w.Line($"ref float dhb = ref Unsafe.Add(ref dh, b * {u});");
                        if (l.Masked)
                        {
                            using (w.Block($"if (Unsafe.Add(ref {refs.Tokens}, row) == 0f)"))
                            {
                                w.Line("// padding: the gradient passes to the step before unchanged");
                                w.Line($"VectorMath.Add(MemoryMarshal.CreateSpan(ref dhb, {u}), MemoryMarshal.CreateReadOnlySpan(ref dOut, {u}));");
                                w.Line($"ImageKernels.Clear(ref Unsafe.Add(ref dz, row * {g}), {g});");
                                if (gru) w.Line($"ImageKernels.Clear(ref Unsafe.Add(ref drh, row * {g}), {g});");
                                w.Line("continue;");
                            }
                        }
                        switch (l.Cell)
                        {
                            case RecurrentKind.Lstm:
                                w.Line($"ref float cPrev = ref t == 0 ? ref _zero{i}.Reference : ref Unsafe.Add(ref c, (row - 1) * {u});");
                                w.Line($"Kernels.{cell}(ref Unsafe.Add(ref z, row * {g}), ref cPrev, ref Unsafe.Add(ref _tc{i}.Reference, row * {u}), ref dOut, ref dhb, ref Unsafe.Add(ref dc, b * {u}), ref Unsafe.Add(ref dz, row * {g}));");
                                break;
                            case RecurrentKind.Gru:
                                w.Line($"ref float hPrev = ref t == 0 ? ref _zero{i}.Reference : ref Unsafe.Add(ref hs, (row - 1) * {u});");
                                w.Line($"Kernels.{cell}(ref Unsafe.Add(ref z, row * {g}), ref Unsafe.Add(ref rh, row * {g}), ref hPrev, ref dOut, ref dhb, ref Unsafe.Add(ref dz, row * {g}), ref Unsafe.Add(ref drh, row * {g}));");
                                break;
                            default:
                                w.Line($"Kernels.{cell}(ref Unsafe.Add(ref hs, row * {u}), ref dOut, ref dhb, ref Unsafe.Add(ref dz, row * {g}));");
                                break;
                        }
                    }
                    w.Line($"// ∂L/∂h of the step before: dh += d{(gru ? "(h·R)" : "Z")}_t·Rᵀ");
                    w.Line($"if (t > 0) Kernels.{stepGradient}(ref Unsafe.Add(ref {recurrentDelta}, t * {g}), ref _rt{i}.Reference, ref dh, {rows});");
                }

                string wg = kernels.Use(DenseEmitter.WeightGradient(f, g));
                string bg = kernels.Use(DenseEmitter.BiasGradient(g));
                w.Line("// parameter gradients over every sample and step at once");
                w.Line($"Kernels.{wg}(ref {refs.Input}, ref dz, {DenseEmitter.At(refs.Gradients, l.KernelAt)}, {rows} * {t});");
                w.Line($"Kernels.{bg}(ref dz, {DenseEmitter.At(refs.Gradients, l.BiasAt)}, {rows} * {t});");
                if (gru) w.Line($"Kernels.{bg}(ref drh, {DenseEmitter.At(refs.Gradients, $"{l.BiasAt} + {g}")}, {rows} * {t});");
                if (t > 1)
                {
                    string rg = kernels.Use(RecurrentWeightGradient(l));
                    w.Line($"Kernels.{rg}(ref hs, ref {recurrentDelta}, {DenseEmitter.At(refs.Gradients, l.RecurrentAt)}, {rows} * {t - 1});");
                }
                else
                {
                    w.Line("// one step: the recurrent kernel only ever meets h_(−1) = 0");
                    w.Line($"ImageKernels.Clear({DenseEmitter.At(refs.Gradients, l.RecurrentAt)}, {l.RecurrentCount});");
                }
                if (refs.PreviousDelta is null) return;
                string ig = kernels.Use(DenseEmitter.InputGradient(f, g, ActivationKind.Linear));
                w.Line("// ∂L/∂X = dZ·Wᵀ over every sample and step");
                w.Line($"VectorMath.Transpose({refs.ParametersSpan}.Slice({l.KernelAt}, {l.KernelCount}), {f}, {g}, _wt{i}.Span);");
                w.Line($"Kernels.{ig}(ref dz, ref _wt{i}.Reference, ref {refs.Input}, ref {refs.PreviousDelta}, {rows} * {t});");
                LayerKind.EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{rows} * {l.InSize}");
            }
        }
    }
}
