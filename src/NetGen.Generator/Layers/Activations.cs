using NetGen.Generator.Model;

namespace NetGen.Generator.Layers
{
    /// <summary>How activations are named in kernel names and in comments, and how their derivatives are taken.</summary>
    internal static class Activations
    {
        /// <summary>The name in kernels and runtime helpers: <c>Relu</c>, <c>Sigmoid</c>, <c>Gelu</c>, <c>Linear</c>.</summary>
        public static string KernelName(ActivationKind activation) => activation switch
        {
            ActivationKind.ReLU => "Relu",
            ActivationKind.Sigmoid => "Sigmoid",
            ActivationKind.Tanh => "Tanh",
            ActivationKind.Softmax => "Softmax",
            ActivationKind.GELU => "Gelu",
            ActivationKind.GELUTanh => "GeluTanh",
            ActivationKind.SiLU => "Silu",
            _ => "Linear",
        };

        /// <summary>The name in comments and tables: <c>ReLU</c>, <c>Sigmoid</c>, <c>GELU (tanh)</c>.</summary>
        public static string Display(ActivationKind activation) => activation switch
        {
            ActivationKind.ReLU => "ReLU",
            ActivationKind.GELUTanh => "GELU (tanh)",
            _ => activation.ToString(),
        };

        /// <summary>
        /// True for activations whose derivative needs the pre-activation x: GELU and SiLU are not one-to-one, so their
        /// output does not tell it (ReLU, sigmoid and tanh take theirs from the output y, which training keeps anyway).
        /// A layer with one keeps its pre-activations in training and applies the derivative itself
        /// (<see cref="LayerPlan.KeepsPreActivation"/>); the layers that read it then see a linear layer.
        /// </summary>
        public static bool DerivativeFromInput(ActivationKind activation) =>
            activation == ActivationKind.GELU || activation == ActivationKind.GELUTanh || activation == ActivationKind.SiLU;
    }
}
