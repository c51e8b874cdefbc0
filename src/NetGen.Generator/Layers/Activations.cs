using NetGen.Generator.Model;

namespace NetGen.Generator.Layers
{
    /// <summary>How activations are named in kernel names and in comments.</summary>
    internal static class Activations
    {
        /// <summary>The name in kernels and runtime helpers: <c>Relu</c>, <c>Sigmoid</c>, <c>Linear</c>.</summary>
        public static string KernelName(ActivationKind activation) => activation switch
        {
            ActivationKind.ReLU => "Relu",
            ActivationKind.Sigmoid => "Sigmoid",
            ActivationKind.Tanh => "Tanh",
            ActivationKind.Softmax => "Softmax",
            _ => "Linear",
        };

        /// <summary>The name in comments and tables: <c>ReLU</c>, <c>Sigmoid</c>.</summary>
        public static string Display(ActivationKind activation) => activation switch
        {
            ActivationKind.ReLU => "ReLU",
            _ => activation.ToString(),
        };
    }
}
