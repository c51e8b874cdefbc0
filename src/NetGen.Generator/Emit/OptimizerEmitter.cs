using System.Collections.Generic;
using NetGen.Generator.Layers;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Emit
{
    /// <summary>The optimizer's state, step size and fused update kernel.</summary>
    internal static class OptimizerEmitter
    {
        /// <summary>Floats of optimizer state per parameter.</summary>
        public static int StatePerParameter(OptimizerSpec optimizer) =>
            optimizer.Kind == OptimizerKind.Adam ? 2 : optimizer.Momentum > 0 ? 1 : 0;

        public static string Describe(OptimizerSpec o) => o.Kind == OptimizerKind.Adam
            ? $"Adam (learning rate {Literal.Float(o.LearningRate)}, β1 {Literal.Float(o.Beta1)}, β2 {Literal.Float(o.Beta2)}, ε {Literal.Float(o.Epsilon)})"
            : o.Momentum > 0
                ? $"SGD with momentum (learning rate {Literal.Float(o.LearningRate)}, momentum {Literal.Float(o.Momentum)})"
                : $"SGD (learning rate {Literal.Float(o.LearningRate)})";

        /// <summary>Writes what the update needs before the workers run: Adam's bias-corrected step size.</summary>
        public static void EmitStepSize(SourceWriter w, NetworkPlan plan)
        {
            OptimizerSpec o = plan.Spec.Optimizer;
            if (o.Kind != OptimizerKind.Adam) return;
            w.Line("// Adam (Kingma & Ba, Algorithm 1, with the bias corrections folded into the step size as Keras does):");
            w.Line("// m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  p ← p − α·m / (√v + ε),  α = lr·√(1−β2^t) / (1−β1^t)");
            w.Line($"_alpha = (float)(LearningRate * Math.Sqrt(1.0 - Math.Pow({Literal.Float(o.Beta2)}, Step)) / (1.0 - Math.Pow({Literal.Float(o.Beta1)}, Step)));");
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
                w.Line("ref float p = ref Unsafe.Add(ref _model._parameters.Reference, start);");
                w.Line("ref float g = ref Unsafe.Add(ref _workspaces[0].Gradients.Reference, start);");
                if (o.Kind == OptimizerKind.Adam)
                {
                    var kernel = new ElementwiseKernel(
                        "AdamUpdate",
                        $"Adam update: β1 = {Literal.Float(o.Beta1)}, β2 = {Literal.Float(o.Beta2)}, ε = {Literal.Float(o.Epsilon)}; α carries the learning rate and bias corrections.",
                        "ref float p, ref float g, ref float m, ref float v, float alpha, int count",
                        "ref p, ref g, ref m, ref v, alpha, count",
                        null,
                        (isa, i) => AdamBody(isa, i, o));
                    kernels.Use(kernel);
                    w.Line("ref float m = ref Unsafe.Add(ref _state.Reference, start);");
                    w.Line("ref float v = ref Unsafe.Add(ref _state.Reference, ParameterCount + start);");
                    w.Line($"Kernels.{kernel.Name}(ref p, ref g, ref m, ref v, _alpha, count);");
                }
                else if (o.Momentum > 0)
                {
                    w.Line("// SGD with momentum (Keras): v ← μ·v − lr·g;  p ← p + v");
                    var kernel = new ElementwiseKernel(
                        "SgdMomentumUpdate",
                        $"SGD with momentum {Literal.Float(o.Momentum)}.",
                        "ref float p, ref float g, ref float velocity, float learningRate, int count",
                        "ref p, ref g, ref velocity, learningRate, count",
                        null,
                        (isa, i) => MomentumBody(isa, i, o));
                    kernels.Use(kernel);
                    w.Line($"Kernels.{kernel.Name}(ref p, ref g, ref Unsafe.Add(ref _state.Reference, start), LearningRate, count);");
                }
                else
                {
                    w.Line("// SGD: p ← p − lr·g");
                    var kernel = new ElementwiseKernel(
                        "SgdUpdate",
                        "Plain SGD.",
                        "ref float p, ref float g, float learningRate, int count",
                        "ref p, ref g, learningRate, count",
                        null,
                        (isa, i) => new[] { isa.Store($"{isa.Load("p", i)} - {isa.Load("g", i)} * learningRate", "p", i) });
                    kernels.Use(kernel);
                    w.Line($"Kernels.{kernel.Name}(ref p, ref g, LearningRate, count);");
                }
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

        private static IEnumerable<string> AdamBody(Isa isa, string i, OptimizerSpec o)
        {
            yield return $"var grad = {isa.Load("g", i)};";
            foreach (string line in AdamStep(isa, o, "grad", "p", "m", "v", i)) yield return line;
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

        private static IEnumerable<string> MomentumBody(Isa isa, string i, OptimizerSpec o)
        {
            // the velocity decays geometrically where the gradient is 0: flushed to 0 before it turns subnormal (slow on x86)
            yield return $"var v1 = VectorMath.FlushSubnormal({isa.Load("velocity", i)} * {Literal.Float(o.Momentum)} - {isa.Load("g", i)} * learningRate);";
            yield return isa.Store("v1", "velocity", i);
            yield return isa.Store($"{isa.Load("p", i)} + v1", "p", i);
        }
    }
}
