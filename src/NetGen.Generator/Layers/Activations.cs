using NetGen.Generator.Model;

namespace NetGen.Generator.Layers
{
    /// <summary>How activations are named in kernels and in comments, how kernels call them, and how their derivatives are taken.</summary>
    internal static class Activations
    {
        /// <summary>The runtime helpers' name (<c>VectorMath.Relu</c>, <c>ImageKernels.LeakyRelu</c>): <c>Relu</c>, <c>Gelu</c>, <c>Elu</c>.</summary>
        private static string Method(ActivationKind kind) => kind switch
        {
            ActivationKind.ReLU => "Relu",
            ActivationKind.Sigmoid => "Sigmoid",
            ActivationKind.Tanh => "Tanh",
            ActivationKind.Softmax => "Softmax",
            ActivationKind.GELU => "Gelu",
            ActivationKind.GELUTanh => "GeluTanh",
            ActivationKind.SiLU => "Silu",
            ActivationKind.LeakyReLU => "LeakyRelu",
            ActivationKind.ELU => "Elu",
            _ => "Linear",
        };

        /// <summary>
        /// The name in kernel names: <c>Relu</c>, <c>Gelu</c>, <c>Linear</c>; with the parameter where there is one,
        /// <c>LeakyRelu0p3</c>, <c>Elu1</c> (kernels of two slopes are two kernels).
        /// </summary>
        public static string KernelName(ActivationFunction activation) =>
            ActivationFunction.TakesAlpha(activation.Kind)
                ? Method(activation.Kind) + Literal.Float(activation.Alpha).TrimEnd('f').Replace('.', 'p').Replace('-', 'm')
                : Method(activation.Kind);

        /// <summary>
        /// The activation of <paramref name="argument"/> in kernel comments: <c>Relu(X·W + b)</c>, and with the parameter
        /// <c>LeakyRelu(X·W + b; α = 0.2)</c>.
        /// </summary>
        public static string Formula(ActivationFunction activation, string argument) =>
            $"{Method(activation.Kind)}({argument}{AlphaText(activation)})";

        /// <summary>The derivative at <paramref name="argument"/> in kernel comments: <c>Relu′(Y)</c>, <c>Elu′(Y; α = 1)</c>.</summary>
        public static string DerivativeFormula(ActivationFunction activation, string argument) =>
            $"{Method(activation.Kind)}′({argument}{AlphaText(activation)})";

        private static string AlphaText(ActivationFunction activation) =>
            ActivationFunction.TakesAlpha(activation.Kind) ? "; α = " + Literal.Float(activation.Alpha).TrimEnd('f') : "";

        /// <summary>The name in comments and tables: <c>ReLU</c>, <c>Sigmoid</c>, <c>GELU (tanh)</c>, <c>LeakyReLU(0.3)</c>.</summary>
        public static string Display(ActivationFunction activation) => activation.Kind switch
        {
            ActivationKind.ReLU => "ReLU",
            ActivationKind.GELUTanh => "GELU (tanh)",
            _ => activation.ToString(),
        };

        /// <summary>The parameter as the runtime helpers' last argument: <c>, 0.3f</c>; nothing for activations without one.</summary>
        private static string Parameter(ActivationFunction activation) =>
            ActivationFunction.TakesAlpha(activation.Kind) ? ", " + Literal.Float(activation.Alpha) : "";

        /// <summary>The activation of <paramref name="x"/> (a float or a register): <c>VectorMath.Relu(acc)</c>,
        /// <c>VectorMath.LeakyRelu(acc, 0.3f)</c>; <paramref name="x"/> itself when linear.</summary>
        public static string Apply(ActivationFunction activation, string x) =>
            activation.Kind == ActivationKind.Linear ? x : $"VectorMath.{Method(activation.Kind)}({x}{Parameter(activation)})";

        /// <summary><paramref name="gradient"/> ⊙ the derivative, from <paramref name="values"/> (the outputs, or the inputs
        /// where <see cref="DerivativeFromInput"/>): <c>VectorMath.ReluBackward(g, y)</c>.</summary>
        public static string Backward(ActivationFunction activation, string gradient, string values) =>
            $"VectorMath.{Method(activation.Kind)}Backward({gradient}, {values}{Parameter(activation)})";

        /// <summary>The span kernel that activates <paramref name="count"/> values: <c>ImageKernels.Gelu(ref z, ref a, n);</c>.</summary>
        public static string SpanForward(ActivationFunction activation, string x, string y, string count) =>
            $"ImageKernels.{Method(activation.Kind)}(ref {x}, ref {y}, {count}{Parameter(activation)});";

        /// <summary>The span kernel that multiplies <paramref name="count"/> gradients by the derivative in place:
        /// <c>ImageKernels.ReluBackward(ref d, ref y, n);</c>.</summary>
        public static string SpanBackward(ActivationFunction activation, string gradient, string values, string count) =>
            $"ImageKernels.{Method(activation.Kind)}Backward(ref {gradient}, ref {values}, {count}{Parameter(activation)});";

        /// <summary>
        /// True for activations whose derivative needs the pre-activation x: GELU and SiLU are not one-to-one, so their
        /// output does not tell it (ReLU, sigmoid, tanh, LeakyReLU and ELU take theirs from the output y, which training
        /// keeps anyway: LeakyReLU′ is 1 or α by the sign of y, ELU′ is 1 or y + α).
        /// A layer with one keeps its pre-activations in training and applies the derivative itself
        /// (<see cref="LayerPlan.KeepsPreActivation"/>); the layers that read it then see a linear layer.
        /// </summary>
        public static bool DerivativeFromInput(ActivationFunction activation) =>
            activation.Kind == ActivationKind.GELU || activation.Kind == ActivationKind.GELUTanh || activation.Kind == ActivationKind.SiLU;
    }
}
