using System.Collections.Generic;
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

        /// <summary>Writes <c>ApplyGradients()</c> and registers the update kernel.</summary>
        public static void Emit(SourceWriter w, KernelSet kernels, NetworkPlan plan, string parameters, string gradients, string state)
        {
            OptimizerSpec o = plan.Spec.Optimizer;
            int count = plan.ParameterCount;
            w.Line("/// <summary>Applies one optimizer step with the gradients of the last <see cref=\"ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{float})\"/> call.</summary>");
            using (w.Block("public void ApplyGradients()"))
            {
                w.Line("Step++;");
                if (o.Kind == OptimizerKind.Adam)
                {
                    w.Line("// Adam (Kingma & Ba, Algorithm 1, with the bias corrections folded into the step size as Keras does):");
                    w.Line("// m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  p ← p − α·m / (√v + ε),  α = lr·√(1−β2^t) / (1−β1^t)");
                    w.Line($"float alpha = (float)(LearningRate * Math.Sqrt(1.0 - Math.Pow({Literal.Double(o.Beta2)}, Step)) / (1.0 - Math.Pow({Literal.Double(o.Beta1)}, Step)));");
                    var kernel = new ElementwiseKernel(
                        $"AdamUpdate_{count}",
                        $"Adam update of {Literal.Grouped(count)} parameters: β1 = {Literal.Float(o.Beta1)}, β2 = {Literal.Float(o.Beta2)}, ε = {Literal.Float(o.Epsilon)}.",
                        "ref float p, ref float g, ref float m, ref float v, float alpha",
                        "ref p, ref g, ref m, ref v, alpha",
                        count,
                        (isa, i) => AdamBody(isa, i, o));
                    kernels.Use(kernel);
                    w.Line($"ref float m = ref {state}.Reference;");
                    w.Line($"Kernels.{kernel.Name}(ref {parameters}, ref {gradients}, ref m, ref Unsafe.Add(ref m, ParameterCount), alpha);");
                }
                else if (o.Momentum > 0)
                {
                    w.Line("// SGD with momentum (Keras): v ← μ·v − lr·g;  p ← p + v");
                    var kernel = new ElementwiseKernel(
                        $"SgdMomentumUpdate_{count}",
                        $"SGD with momentum {Literal.Float(o.Momentum)} over {Literal.Grouped(count)} parameters.",
                        "ref float p, ref float g, ref float velocity, float learningRate",
                        "ref p, ref g, ref velocity, learningRate",
                        count,
                        (isa, i) => MomentumBody(isa, i, o));
                    kernels.Use(kernel);
                    w.Line($"Kernels.{kernel.Name}(ref {parameters}, ref {gradients}, ref {state}.Reference, LearningRate);");
                }
                else
                {
                    w.Line("// SGD: p ← p − lr·g");
                    var kernel = new ElementwiseKernel(
                        $"SgdUpdate_{count}",
                        $"Plain SGD over {Literal.Grouped(count)} parameters.",
                        "ref float p, ref float g, float learningRate",
                        "ref p, ref g, learningRate",
                        count,
                        (isa, i) => new[] { isa.Store($"{isa.Load("p", i)} - {isa.Load("g", i)} * learningRate", "p", i) });
                    kernels.Use(kernel);
                    w.Line($"Kernels.{kernel.Name}(ref {parameters}, ref {gradients}, LearningRate);");
                }
            }
        }

        private static IEnumerable<string> AdamBody(Isa isa, string i, OptimizerSpec o)
        {
            string sqrt = isa.IsScalar ? "MathF.Sqrt" : isa.VectorClass + ".Sqrt";
            yield return $"var grad = {isa.Load("g", i)};";
            yield return $"var m1 = {isa.Load("m", i)} * {Literal.Float(o.Beta1)} + grad * {Literal.Float(1f - o.Beta1)};";
            yield return $"var v1 = {isa.Load("v", i)} * {Literal.Float(o.Beta2)} + grad * grad * {Literal.Float(1f - o.Beta2)};";
            yield return isa.Store("m1", "m", i);
            yield return isa.Store("v1", "v", i);
            yield return isa.Store($"{isa.Load("p", i)} - m1 * alpha / ({sqrt}(v1) + {isa.Broadcast(Literal.Float(o.Epsilon))})", "p", i);
        }

        private static IEnumerable<string> MomentumBody(Isa isa, string i, OptimizerSpec o)
        {
            yield return $"var v1 = {isa.Load("velocity", i)} * {Literal.Float(o.Momentum)} - {isa.Load("g", i)} * learningRate;";
            yield return isa.Store("v1", "velocity", i);
            yield return isa.Store($"{isa.Load("p", i)} + v1", "p", i);
        }
    }
}
