using System;

namespace NetGen
{
    /// <summary>
    /// A 1-D convolution over (steps, channels) sequences, as Keras's <c>Conv1D</c>: output (outSteps, filters),
    /// Glorot-uniform weights and zero biases. Kernels are stored [filters, channels, kernelSize] (PyTorch's
    /// <c>nn.Conv1d</c> layout).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class Conv1DAttribute : LayerAttribute
    {
        /// <summary>Creates the attribute.</summary>
        /// <param name="filters">Output channels.</param>
        /// <param name="kernelSize">Steps each kernel spans (before dilation).</param>
        /// <param name="activation">Activation applied to the outputs (any of <c>[Dense]</c>'s but softmax).</param>
        public Conv1DAttribute(int filters, int kernelSize, Activation activation = Activation.Linear)
        {
            Filters = filters;
            KernelSize = kernelSize;
            Activation = activation;
        }

        /// <summary>Output channels.</summary>
        public int Filters { get; }

        /// <summary>Steps each kernel spans (before dilation).</summary>
        public int KernelSize { get; }

        /// <summary>Activation applied to the outputs.</summary>
        public Activation Activation { get; }

        /// <summary>Steps between windows. Default 1.</summary>
        public int Stride { get; set; } = 1;

        /// <summary>Steps between a kernel's taps (Keras's <c>dilation_rate</c>). Default 1.</summary>
        public int DilationRate { get; set; } = 1;

        /// <summary>Border handling: <see cref="Padding.Valid"/> (the default), <see cref="Padding.Same"/> or <see cref="Padding.Causal"/>.</summary>
        public Padding Padding { get; set; } = Padding.Valid;

        /// <summary>Whether the layer adds a bias per filter. Default true.</summary>
        public bool UseBias { get; set; } = true;
    }
}
