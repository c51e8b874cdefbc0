using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Layers;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Emit
{
    /// <summary>The optimizer's state, step size and fused update kernel.</summary>
    internal static class OptimizerEmitter
    {
        /// <summary>What one line of comments calls the optimizer, with its settings.</summary>
        public static string Describe(OptimizerSpec o)
        {
            string F(float f) => Literal.Float(f);
            string text = o.Kind switch
            {
                OptimizerKind.Adam => $"Adam (learning rate {F(o.LearningRate)}, β1 {F(o.Beta1)}, β2 {F(o.Beta2)}, ε {F(o.Epsilon)})",
                OptimizerKind.AdamW => $"AdamW (learning rate {F(o.LearningRate)}, β1 {F(o.Beta1)}, β2 {F(o.Beta2)}, ε {F(o.Epsilon)}, decoupled weight decay {F(o.WeightDecay)})",
                OptimizerKind.RMSprop => $"RMSprop{(o.Centered ? ", centered" : "")} (learning rate {F(o.LearningRate)}, ρ {F(o.Rho)}, ε {F(o.Epsilon)}{(o.Momentum > 0 ? $", momentum {F(o.Momentum)}" : "")})",
                _ => o.Momentum > 0
                    ? $"SGD with {(o.Nesterov ? "Nesterov " : "")}momentum (learning rate {F(o.LearningRate)}, momentum {F(o.Momentum)})"
                    : $"SGD (learning rate {F(o.LearningRate)})",
            };
            var extras = new List<string>();
            if (o.WeightDecay > 0 && !o.DecouplesDecay) extras.Add($"L2 weight decay {F(o.WeightDecay)}");
            if (o.WeightDecay > 0 && o.DecayWeightsOnly) extras.Add("decay on weights of rank ≥ 2 only");
            if (o.ClipValue > 0) extras.Add($"gradients clipped to ±{F(o.ClipValue)}");
            if (o.ClipNorm > 0) extras.Add($"each tensor's gradient clipped to norm {F(o.ClipNorm)}");
            if (o.GlobalClipNorm > 0) extras.Add($"gradient clipped to global norm {F(o.GlobalClipNorm)}");
            return extras.Count == 0 ? text : text + "; " + string.Join(", ", extras);
        }

        /// <summary>The comment on the trainer's <c>_state</c> field.</summary>
        public static string StateComment(NetworkPlan plan)
        {
            OptimizerSpec o = plan.Spec.Optimizer;
            return o.Kind switch
            {
                OptimizerKind.Adam or OptimizerKind.AdamW => $"{o.Kind}: first moments, then second moments",
                OptimizerKind.RMSprop => "RMSprop: square averages" + (o.Momentum > 0 ? ", then momentum buffers" : "") + (o.Centered ? ", then gradient averages" : ""),
                _ => plan.OptimizerStateArrays == 0 ? "plain SGD keeps no state" : o.Nesterov ? "Nesterov momentum buffers (PyTorch's: no learning rate in them)" : "momentum velocities",
            };
        }

        /// <summary>Writes the trainer's fields the step reads besides the learning rate: step sizes and clipping scales.</summary>
        public static void EmitFields(SourceWriter w, NetworkPlan plan)
        {
            OptimizerSpec o = plan.Spec.Optimizer;
            if (o.Kind == OptimizerKind.Adam) w.Line("private float _alpha; // Adam's step size for this step");
            if (o.Kind == OptimizerKind.AdamW)
            {
                w.Line("private float _stepSize; // AdamW: −lr / (1 − β1^t) for this step");
                w.Line("private float _rootCorrection; // AdamW: √(1 − β2^t)");
                if (o.WeightDecay > 0) w.Line("private float _decay; // AdamW: 1 − lr·λ, the decoupled decay of this step");
            }
            if (plan.ClipNormGroups > 0)
            {
                w.Line(o.ClipNorm > 0
                    ? $"private readonly float[] _clipScales = new float[{plan.ClipNormGroups}]; // per tensor: min(1, clip / (‖g‖ + 1e-6)) for this step"
                    : "private readonly float[] _clipScales = new float[1]; // min(1, clip / (‖g‖ + 1e-6)) of the whole gradient for this step");
            }
        }

        /// <summary>Writes the table of <see cref="NetworkPlan.OptimizerSegments"/> (nothing when the step is one range).</summary>
        public static void EmitSegments(SourceWriter w, NetworkPlan plan)
        {
            if (plan.OptimizerSegments.Count == 0) return;
            w.Line("/// <summary>");
            w.Line("/// The ranges of the parameters the step walks, [Start, End): whether the weight decay applies, and the clipping norm");
            w.Line("/// group whose scale they take (−1: none). Parameters in no range (batch normalization's moving statistics) are never stepped.");
            w.Line("/// </summary>");
            w.Line("private static readonly (int Start, int End, bool Decays, int NormGroup)[] s_stepSegments =");
            using (w.Block(null, "};"))
            {
                foreach (OptimizerSegment s in plan.OptimizerSegments)
                {
                    w.Line($"({s.Start}, {s.End}, {(s.Decays ? "true" : "false")}, {s.NormGroup}), // {s.Tensors}");
                }
            }
            w.Line();
        }

        /// <summary>Writes what the update needs before the workers run: Adam's bias-corrected step size.</summary>
        public static void EmitStepSize(SourceWriter w, NetworkPlan plan)
        {
            OptimizerSpec o = plan.Spec.Optimizer;
            if (o.Kind == OptimizerKind.Adam)
            {
                w.Line("// Adam (Kingma & Ba, Algorithm 1, with the bias corrections folded into the step size as Keras does):");
                w.Line("// m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  p ← p − α·m / (√v + ε),  α = lr·√(1−β2^t) / (1−β1^t)");
                w.Line($"_alpha = (float)(LearningRate * Math.Sqrt(1.0 - Math.Pow({Literal.Float(o.Beta2)}, Step)) / (1.0 - Math.Pow({Literal.Float(o.Beta1)}, Step)));");
            }
            else if (o.Kind == OptimizerKind.AdamW)
            {
                w.Line("// AdamW (Loshchilov & Hutter, as torch.optim.AdamW): p ← p·(1 − lr·λ);  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;");
                w.Line("// p ← p − (lr / (1−β1^t))·m / (√v / √(1−β2^t) + ε)");
                w.Line($"_stepSize = (float)(-(double)LearningRate / (1.0 - Math.Pow({Literal.Float(o.Beta1)}, Step)));");
                w.Line($"_rootCorrection = (float)Math.Sqrt(1.0 - Math.Pow({Literal.Float(o.Beta2)}, Step));");
                if (o.WeightDecay > 0) w.Line($"_decay = (float)(1.0 - (double)LearningRate * {Literal.Float(o.WeightDecay)});");
            }
        }

        /// <summary>
        /// Writes <c>ClipScales</c> when the step clips by norm: the norm of each tensor's gradient (or of the whole gradient)
        /// after the workers' gradients were summed, and the scale the update multiplies it by.
        /// </summary>
        public static void EmitClipScales(SourceWriter w, NetworkPlan plan)
        {
            OptimizerSpec o = plan.Spec.Optimizer;
            if (plan.ClipNormGroups == 0) return;
            bool perTensor = o.ClipNorm > 0;
            string limit = Literal.Float(perTensor ? o.ClipNorm : o.GlobalClipNorm);
            w.Line("/// <summary>");
            w.Line(perTensor
                ? $"/// Clipping by norm per tensor (Keras's clipnorm; torch.nn.utils.clip_grad_norm_ on each tensor): the scale of each tensor's"
                : $"/// Clipping by global norm (Keras's global_clipnorm, torch.nn.utils.clip_grad_norm_ over every parameter): the scale of the");
            w.Line(perTensor
                ? $"/// gradient, min(1, {limit} / (‖g‖ + 1e-6)), ‖g‖ summed in double. Needs the whole reduced gradient, so it runs before any step."
                : $"/// gradient, min(1, {limit} / (‖g‖ + 1e-6)), ‖g‖ over every gradient, summed in double. Needs the whole reduced gradient, so it runs before any step.");
            w.Line("/// </summary>");
            using (w.Block("private void ClipScales()"))
            {
                w.Line("ReadOnlySpan<float> g = _workspaces[0].Gradients.Span;");
                if (perTensor)
                {
                    using (w.Block("foreach (var segment in s_stepSegments)"))
                    {
                        w.Line("if (segment.NormGroup < 0) continue;");
                        w.Line("double norm = Math.Sqrt(VectorMath.SumOfSquares(g.Slice(segment.Start, segment.End - segment.Start)));");
                        w.Line($"_clipScales[segment.NormGroup] = (float)Math.Min(1.0, {limit} / (norm + 1e-6));");
                    }
                }
                else
                {
                    w.Line("// the gradients of non-trainable state (moving statistics) are 0: the sum over every parameter is the trainable ones'");
                    w.Line("double norm = Math.Sqrt(VectorMath.SumOfSquares(g));");
                    w.Line($"_clipScales[0] = (float)Math.Min(1.0, {limit} / (norm + 1e-6));");
                }
            }
            w.Line();
        }

        /// <summary>Writes <c>StepRange</c>: the fused update of the worker's range of parameters, and registers its kernel.</summary>
        /// <param name="withFirst">Give it a first parameter: the parameters before it already took their step.</param>
        public static void EmitStepRange(SourceWriter w, KernelSet kernels, NetworkPlan plan, bool withFirst = false)
        {
            OptimizerSpec o = plan.Spec.Optimizer;
            string from = withFirst ? " from <paramref name=\"first\"/> on" : "";
            w.Line($"/// <summary>{Describe(o)} over this worker's range of parameters{from}.</summary>");
            using (w.Block(withFirst ? "private void StepRange(int worker, BatchWorkers workers, int first = 0)" : "private void StepRange(int worker, BatchWorkers workers)"))
            {
                EmitWorkerRange(w, withFirst);
                if (plan.OptimizerSegments.Count == 0)
                {
                    UpdateCall plain = Update(kernels, o, decays: false, plan);
                    w.Line("ref float p = ref Unsafe.Add(ref _model._parameters.Reference, start);");
                    w.Line("ref float g = ref Unsafe.Add(ref _workspaces[0].Gradients.Reference, start);");
                    foreach (string line in FormulaComment(o)) w.Line(line);
                    EmitStateRefs(w, plan, "start");
                    w.Line(plain.Call("count", plan.ClipNormGroups > 0 ? "_clipScales[0]" : null));
                    return;
                }
                foreach (string line in FormulaComment(o)) w.Line(line);
                bool anyDecays = false, anyKept = false;
                foreach (OptimizerSegment s in plan.OptimizerSegments)
                {
                    if (s.Decays) anyDecays = true;
                    else anyKept = true;
                }
                w.Line("int end = start + count;");
                w.Line("// the ranges that differ in weight decay or clipping norm, each cut to this worker's range");
                using (w.Block("foreach (var segment in s_stepSegments)"))
                {
                    w.Line("int from = Math.Max(start, segment.Start), to = Math.Min(end, segment.End);");
                    w.Line("if (from >= to) continue;");
                    w.Line("ref float p = ref Unsafe.Add(ref _model._parameters.Reference, from);");
                    w.Line("ref float g = ref Unsafe.Add(ref _workspaces[0].Gradients.Reference, from);");
                    EmitStateRefs(w, plan, "from");
                    string? scale = plan.ClipNormGroups == 0 ? null : o.ClipNorm > 0 ? "_clipScales[segment.NormGroup]" : "_clipScales[0]";
                    if (anyDecays && anyKept)
                    {
                        UpdateCall decayed = Update(kernels, o, decays: true, plan);
                        UpdateCall kept = Update(kernels, o, decays: false, plan);
                        w.Line($"if (segment.Decays) {decayed.Call("to - from", scale)}");
                        w.Line($"else {kept.Call("to - from", scale)}");
                    }
                    else
                    {
                        w.Line(Update(kernels, o, decays: anyDecays, plan).Call("to - from", scale));
                    }
                }
            }
        }

        /// <summary>The update rule, as comment lines above the kernel call.</summary>
        private static IEnumerable<string> FormulaComment(OptimizerSpec o)
        {
            string F(float f) => Literal.Float(f);
            if (o.ClipValue > 0) yield return $"// g ← clamp(g, −{F(o.ClipValue)}, {F(o.ClipValue)}) (clip_grad_value_)";
            if (o.ClipsByNorm) yield return "// g ← s·g, s = min(1, clip / (‖g‖ + 1e-6)) from ClipScales (clip_grad_norm_)";
            if (o.WeightDecay > 0 && !o.DecouplesDecay) yield return $"// g ← g + λ·p, λ = {F(o.WeightDecay)} (L2 weight decay, PyTorch's weight_decay), where it applies";
            switch (o.Kind)
            {
                case OptimizerKind.RMSprop:
                    yield return $"// RMSprop (torch.optim.RMSprop): s ← ρ·s + (1−ρ)·g², ρ = {F(o.Rho)}" + (o.Centered ? ";  ḡ ← ρ·ḡ + (1−ρ)·g;  d = √(s − ḡ²) + ε" : ";  d = √s + ε");
                    yield return o.Momentum > 0
                        ? $"// b ← μ·b + g / d, μ = {F(o.Momentum)};  p ← p − lr·b"
                        : "// p ← p − lr·g / d";
                    break;
                case OptimizerKind.Sgd when o.Momentum > 0 && o.Nesterov:
                    yield return "// SGD with Nesterov momentum (PyTorch's nesterov=True; Keras's at a constant learning rate): b ← μ·b + g;  p ← p − lr·(g + μ·b)";
                    break;
                case OptimizerKind.Sgd when o.Momentum > 0:
                    yield return "// SGD with momentum (Keras): v ← μ·v − lr·g;  p ← p + v";
                    break;
                case OptimizerKind.Sgd:
                    yield return "// SGD: p ← p − lr·g";
                    break;
                case OptimizerKind.AdamW when o.WeightDecay > 0:
                    yield return "// p ← p·(1 − lr·λ) where the decay applies, then Adam's step (BeginStep has the formula)";
                    break;
            }
        }

        private static void EmitStateRefs(SourceWriter w, NetworkPlan plan, string at)
        {
            OptimizerSpec o = plan.Spec.Optimizer;
            string[] names = StateNames(o);
            if (o.Kind == OptimizerKind.Sgd) return; // the velocity is passed as it is
            for (int k = 0; k < names.Length; k++)
            {
                string offset = k == 0 ? at : k == 1 ? $"ParameterCount + {at}" : $"{k} * ParameterCount + {at}";
                w.Line($"ref float {names[k]} = ref Unsafe.Add(ref _state.Reference, {offset});");
            }
        }

        /// <summary>The state arrays' names in kernel signatures, in the order they lie in <c>_state</c>.</summary>
        private static string[] StateNames(OptimizerSpec o) => o.Kind switch
        {
            OptimizerKind.Adam or OptimizerKind.AdamW => new[] { "m", "v" },
            OptimizerKind.RMSprop => new[] { "square" }.Concat(o.Momentum > 0 ? new[] { "buffer" } : new string[0]).Concat(o.Centered ? new[] { "average" } : new string[0]).ToArray(),
            _ => o.Momentum > 0 ? new[] { "velocity" } : new string[0],
        };

        /// <summary>A registered update kernel and how the step calls it.</summary>
        private sealed class UpdateCall
        {
            public UpdateCall(string name, string stateArguments, string scalars, bool scaled)
            {
                Name = name;
                StateArguments = stateArguments;
                Scalars = scalars;
                Scaled = scaled;
            }

            public string Name { get; }
            public string StateArguments { get; }
            public string Scalars { get; }
            public bool Scaled { get; }

            public string Call(string count, string? scale) =>
                $"Kernels.{Name}(ref p, ref g{StateArguments}, {Scalars}{(Scaled ? ", " + scale : "")}, {count});";
        }

        /// <summary>Registers the update kernel for the optimizer, decayed or not, and says how to call it.</summary>
        private static UpdateCall Update(KernelSet kernels, OptimizerSpec o, bool decays, NetworkPlan plan)
        {
            bool scaled = plan.ClipNormGroups > 0;
            string[] state = StateNames(o);
            string stateSignature = string.Concat(state.Select(s => $", ref float {s}"));
            string stateArguments = o.Kind == OptimizerKind.Sgd
                ? string.Concat(state.Select(s => $", ref Unsafe.Add(ref _state.Reference, {(plan.OptimizerSegments.Count == 0 ? "start" : "from")})"))
                : string.Concat(state.Select(s => $", ref {s}"));
            string baseName, summary;
            var scalars = new List<(string Parameter, string Argument)>();
            switch (o.Kind)
            {
                case OptimizerKind.Adam:
                    baseName = "AdamUpdate";
                    summary = $"Adam update: β1 = {Literal.Float(o.Beta1)}, β2 = {Literal.Float(o.Beta2)}, ε = {Literal.Float(o.Epsilon)}; α carries the learning rate and bias corrections.";
                    scalars.Add(("alpha", "_alpha"));
                    break;
                case OptimizerKind.AdamW:
                    baseName = "AdamWUpdate";
                    summary = $"AdamW update (torch.optim.AdamW): β1 = {Literal.Float(o.Beta1)}, β2 = {Literal.Float(o.Beta2)}, ε = {Literal.Float(o.Epsilon)}; stepSize = −lr / (1 − β1^t), rootCorrection = √(1 − β2^t)" +
                              (decays ? ", decay = 1 − lr·λ." : "; no weight decay here.");
                    scalars.Add(("stepSize", "_stepSize"));
                    scalars.Add(("rootCorrection", "_rootCorrection"));
                    if (decays) scalars.Add(("decay", "_decay"));
                    break;
                case OptimizerKind.RMSprop:
                    baseName = "RMSpropUpdate";
                    summary = $"RMSprop update (torch.optim.RMSprop){(o.Centered ? ", centered" : "")}: ρ = {Literal.Float(o.Rho)}, ε = {Literal.Float(o.Epsilon)}{(o.Momentum > 0 ? $", momentum {Literal.Float(o.Momentum)}" : "")}.";
                    scalars.Add(("learningRate", "LearningRate"));
                    break;
                default:
                    baseName = o.Momentum > 0 ? (o.Nesterov ? "SgdNesterovUpdate" : "SgdMomentumUpdate") : "SgdUpdate";
                    summary = o.Momentum > 0 ? $"SGD with {(o.Nesterov ? "Nesterov " : "")}momentum {Literal.Float(o.Momentum)}." : "Plain SGD.";
                    scalars.Add(("learningRate", "LearningRate"));
                    break;
            }
            bool coupled = decays && !o.DecouplesDecay;
            if (coupled) summary += $" With L2 weight decay λ = {Literal.Float(o.WeightDecay)} added to the gradient.";
            if (o.ClipValue > 0) summary += $" Gradients clipped to ±{Literal.Float(o.ClipValue)}.";
            if (scaled) summary += " Gradients scaled by the clipping scale first.";
            string name = baseName + (decays && o.WeightDecay > 0 ? "Decayed" : "") + (o.ClipValue > 0 ? "ClipValue" : "") + (scaled ? "Scaled" : "");
            string signature = "ref float p, ref float g" + stateSignature + string.Concat(scalars.Select(s => ", float " + s.Parameter)) + (scaled ? ", float scale" : "") + ", int count";
            string arguments = "ref p, ref g" + string.Concat(state.Select(s => $", ref {s}")) + string.Concat(scalars.Select(s => ", " + s.Parameter)) + (scaled ? ", scale" : "") + ", count";
            bool decoupled = decays && o.DecouplesDecay && o.WeightDecay > 0;
            kernels.Use(new ElementwiseKernel(name, summary, signature, arguments, null,
                (isa, i) => Body(isa, i, o, coupled && o.WeightDecay > 0, decoupled, scaled)));
            return new UpdateCall(name, stateArguments, string.Join(", ", scalars.Select(s => s.Argument)), scaled);
        }

        /// <summary>The gradient as the update sees it: clipped, scaled, with the L2 term; its lines, then the expression.</summary>
        private static (List<string> Lines, string Grad) Gradient(Isa isa, string i, OptimizerSpec o, bool coupled, bool scaled)
        {
            var lines = new List<string>();
            if (o.ClipValue == 0f && !scaled && !coupled) return (lines, isa.Load("g", i));
            string g = isa.Load("g", i);
            if (o.ClipValue > 0)
            {
                string c = Literal.Float(o.ClipValue);
                g = isa.IsScalar ? $"Math.Clamp({g}, -{c}, {c})" : $"{isa.VectorClass}.Min({isa.VectorClass}.Max({g}, {isa.Broadcast("-" + c)}), {isa.Broadcast(c)})";
            }
            if (scaled) g = $"{g} * {(isa.IsScalar ? "scale" : isa.Broadcast("scale"))}";
            if (coupled) g = isa.Fma(isa.Load("p", i), isa.Broadcast(Literal.Float(o.WeightDecay)), g);
            lines.Add($"var grad = {g};");
            return (lines, "grad");
        }

        private static IEnumerable<string> Body(Isa isa, string i, OptimizerSpec o, bool coupled, bool decoupled, bool scaled)
        {
            var (lines, grad) = Gradient(isa, i, o, coupled, scaled);
            foreach (string line in lines) yield return line;
            switch (o.Kind)
            {
                case OptimizerKind.Adam:
                    if (grad != "grad") yield return $"var grad = {grad};";
                    foreach (string line in AdamStep(isa, o, "grad", "p", "m", "v", i)) yield return line;
                    break;
                case OptimizerKind.AdamW:
                    foreach (string line in AdamWStep(isa, o, grad, i, decoupled)) yield return line;
                    break;
                case OptimizerKind.RMSprop:
                    foreach (string line in RMSpropStep(isa, o, grad, i)) yield return line;
                    break;
                default:
                    if (o.Momentum > 0)
                    {
                        foreach (string line in MomentumBody(isa, i, o, grad)) yield return line;
                    }
                    else
                    {
                        yield return isa.Store($"{isa.Load("p", i)} - {grad} * learningRate", "p", i);
                    }
                    break;
            }
        }

        /// <summary>
        /// Declares <c>start</c> and <c>count</c>: this worker's range of the parameters, or with <paramref name="withFirst"/>
        /// of those from the variable <c>first</c> on.
        /// </summary>
        public static void EmitWorkerRange(SourceWriter w, bool withFirst)
        {
            if (!withFirst)
            {
                w.Line("var (start, count) = workers.Range(worker, ParameterCount);");
                return;
            }
            w.Line("var (start, count) = workers.Range(worker, ParameterCount - first);");
            w.Line("start += first;");
        }

        /// <summary>
        /// Adam's step for the elements at <paramref name="offset"/> of <paramref name="p"/>, <paramref name="m"/> and
        /// <paramref name="v"/> from the gradient expression <paramref name="grad"/>, with the step size in <c>alpha</c>:
        /// the update kernel and the weight-gradient kernels that apply the step themselves write the same arithmetic.
        /// </summary>
        public static IEnumerable<string> AdamStep(Isa isa, OptimizerSpec o, string grad, string p, string m, string v, string offset)
        {
            string sqrt = isa.IsScalar ? "MathF.Sqrt" : isa.VectorClass + ".Sqrt";
            // the moments decay geometrically where the gradient is 0: flushed to 0 before they turn subnormal (slow on x86)
            yield return $"var m1 = VectorMath.FlushSubnormal({isa.Fma(isa.Load(m, offset), isa.Broadcast(Literal.Float(o.Beta1)), $"{grad} * {Literal.Float(1f - o.Beta1)}")}); // 1 − β1 in float32";
            yield return $"var v1 = VectorMath.FlushSubnormal({isa.Fma(isa.Load(v, offset), isa.Broadcast(Literal.Float(o.Beta2)), $"{grad} * {grad} * {Literal.Float(1f - o.Beta2)}")}); // 1 − β2 in float32";
            yield return isa.Store("m1", m, offset);
            yield return isa.Store("v1", v, offset);
            yield return isa.Store(isa.Fma("-m1", $"{isa.Broadcast("alpha")} / ({sqrt}(v1) + {isa.Broadcast(Literal.Float(o.Epsilon))})", isa.Load(p, offset)), p, offset);
        }

        private static IEnumerable<string> MomentumBody(Isa isa, string i, OptimizerSpec o, string grad)
        {
            if (o.Nesterov)
            {
                // PyTorch's form: the buffer holds no learning rate, b ← μ·b + g;  p ← p − lr·(g + μ·b)
                if (grad != "grad") yield return $"var grad = {grad};";
                yield return $"var b1 = VectorMath.FlushSubnormal({isa.Fma(isa.Load("velocity", i), isa.Broadcast(Literal.Float(o.Momentum)), "grad")});";
                yield return isa.Store("b1", "velocity", i);
                yield return isa.Store($"{isa.Load("p", i)} - ({isa.Fma("b1", isa.Broadcast(Literal.Float(o.Momentum)), "grad")}) * learningRate", "p", i);
                yield break;
            }
            // the velocity decays geometrically where the gradient is 0: flushed to 0 before it turns subnormal (slow on x86)
            yield return $"var v1 = VectorMath.FlushSubnormal({isa.Load("velocity", i)} * {Literal.Float(o.Momentum)} - {grad} * learningRate);";
            yield return isa.Store("v1", "velocity", i);
            yield return isa.Store($"{isa.Load("p", i)} + v1", "p", i);
        }

        /// <summary>AdamW's step in PyTorch's order of operations (the decay first, ε added to the bias-corrected root).</summary>
        private static IEnumerable<string> AdamWStep(Isa isa, OptimizerSpec o, string grad, string i, bool decoupled)
        {
            string sqrt = isa.IsScalar ? "MathF.Sqrt" : isa.VectorClass + ".Sqrt";
            string B(string scalar) => isa.IsScalar ? scalar : isa.Broadcast(scalar);
            if (grad != "grad") yield return $"var grad = {grad};";
            yield return decoupled ? $"var p0 = {isa.Load("p", i)} * {B("decay")}; // p·(1 − lr·λ)" : $"var p0 = {isa.Load("p", i)};";
            // the moments decay geometrically where the gradient is 0: flushed to 0 before they turn subnormal (slow on x86)
            yield return $"var m1 = VectorMath.FlushSubnormal({isa.Fma("grad", B(Literal.Float(1f - o.Beta1)), $"{isa.Load("m", i)} * {B(Literal.Float(o.Beta1))}")}); // 1 − β1 in float32";
            yield return $"var v1 = VectorMath.FlushSubnormal({isa.Fma($"grad * {B(Literal.Float(1f - o.Beta2))}", "grad", $"{isa.Load("v", i)} * {B(Literal.Float(o.Beta2))}")}); // 1 − β2 in float32";
            yield return isa.Store("m1", "m", i);
            yield return isa.Store("v1", "v", i);
            yield return $"var denominator = {sqrt}(v1) / {B("rootCorrection")} + {B(Literal.Float(o.Epsilon))};";
            yield return isa.Store($"p0 + {B("stepSize")} * m1 / denominator", "p", i);
        }

        /// <summary>RMSprop's step in PyTorch's order of operations.</summary>
        private static IEnumerable<string> RMSpropStep(Isa isa, OptimizerSpec o, string grad, string i)
        {
            string sqrt = isa.IsScalar ? "MathF.Sqrt" : isa.VectorClass + ".Sqrt";
            string B(string scalar) => isa.IsScalar ? scalar : isa.Broadcast(scalar);
            if (grad != "grad") yield return $"var grad = {grad};";
            // the averages decay geometrically where the gradient is 0: flushed to 0 before they turn subnormal (slow on x86)
            yield return $"var s1 = VectorMath.FlushSubnormal({isa.Fma($"grad * {B(Literal.Float(1f - o.Rho))}", "grad", $"{isa.Load("square", i)} * {B(Literal.Float(o.Rho))}")}); // 1 − ρ in float32";
            yield return isa.Store("s1", "square", i);
            if (o.Centered)
            {
                yield return $"var a1 = VectorMath.FlushSubnormal({isa.Fma("grad", B(Literal.Float(1f - o.Rho)), $"{isa.Load("average", i)} * {B(Literal.Float(o.Rho))}")});";
                yield return isa.Store("a1", "average", i);
                yield return $"var denominator = {sqrt}(s1 - a1 * a1) + {B(Literal.Float(o.Epsilon))};";
            }
            else
            {
                yield return $"var denominator = {sqrt}(s1) + {B(Literal.Float(o.Epsilon))};";
            }
            if (o.Momentum > 0)
            {
                yield return $"var b1 = VectorMath.FlushSubnormal({isa.Load("buffer", i)} * {B(Literal.Float(o.Momentum))} + grad / denominator);";
                yield return isa.Store("b1", "buffer", i);
                yield return isa.Store($"{isa.Load("p", i)} - b1 * {B("learningRate")}", "p", i);
            }
            else
            {
                yield return isa.Store($"{isa.Load("p", i)} + {B("-learningRate")} * grad / denominator", "p", i);
            }
        }
    }
}
