using System;

namespace NetGen
{
    /// <summary>
    /// Layer normalization over the last axis, as Keras's <c>LayerNormalization</c> (and PyTorch's <c>nn.LayerNorm</c> over
    /// the last dimension): each vector (n), or each step of a sequence (steps, features), is normalized by its own mean
    /// and variance, y = γ ⊙ (x − μ)/√(σ² + ε) + β, with γ (ones) and β (zeros) learned per feature.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class LayerNormalizationAttribute : LayerAttribute
    {
        /// <summary>
        /// Added to the variance before the square root. Default 1e-3, Keras's (PyTorch's <c>nn.LayerNorm</c> uses 1e-5:
        /// write <c>Epsilon = 1e-5f</c> to match a PyTorch model exactly).
        /// </summary>
        public float Epsilon { get; set; } = 1e-3f;

        /// <summary>Adds the learned offset β (PyTorch's <c>bias</c>). Default true.</summary>
        public bool Center { get; set; } = true;

        /// <summary>Multiplies by the learned scale γ (PyTorch's <c>weight</c>). Default true.</summary>
        public bool Scale { get; set; } = true;
    }
}
