using System;

namespace NetGen
{
    /// <summary>
    /// A depthwise 2-D convolution over (height, width, channels) inputs, as Keras's <c>DepthwiseConv2D</c>: each input
    /// channel is convolved with its own <see cref="DepthMultiplier"/> kernels, giving channels × multiplier outputs
    /// (output channel c·multiplier + m reads input channel c). PyTorch's equivalent is <c>nn.Conv2d(C, C·M, k, groups=C)</c>
    /// with weights [C·M, 1, kh, kw]. Glorot-uniform weights (Keras's fans), zero biases.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class DepthwiseConv2DAttribute : LayerAttribute
    {
        /// <summary>Creates the attribute with a square kernel.</summary>
        /// <param name="kernelSize">Height and width of the kernel.</param>
        /// <param name="activation">Activation applied to the outputs.</param>
        public DepthwiseConv2DAttribute(int kernelSize, Activation activation = Activation.Linear)
            : this(kernelSize, kernelSize, activation)
        {
        }

        /// <summary>Creates the attribute with a rectangular kernel (Keras's <c>kernel_size=(kernelHeight, kernelWidth)</c>).</summary>
        /// <param name="kernelHeight">Rows of the kernel.</param>
        /// <param name="kernelWidth">Columns of the kernel.</param>
        /// <param name="activation">Activation applied to the outputs.</param>
        public DepthwiseConv2DAttribute(int kernelHeight, int kernelWidth, Activation activation = Activation.Linear)
        {
            KernelHeight = kernelHeight;
            KernelWidth = kernelWidth;
            Activation = activation;
        }

        /// <summary>Rows of the kernel.</summary>
        public int KernelHeight { get; }

        /// <summary>Columns of the kernel.</summary>
        public int KernelWidth { get; }

        /// <summary>Activation applied to the outputs.</summary>
        public Activation Activation { get; }

        /// <summary>Output channels per input channel. Default 1.</summary>
        public int DepthMultiplier { get; set; } = 1;

        /// <summary>Step between windows on both axes. Default 1.</summary>
        public int Stride { get; set; } = 1;

        /// <summary>Step between windows down the rows; 0 (the default) means <see cref="Stride"/>.</summary>
        public int StrideHeight { get; set; }

        /// <summary>Step between windows along the columns; 0 (the default) means <see cref="Stride"/>.</summary>
        public int StrideWidth { get; set; }

        /// <summary>Spacing between the kernel's taps on both axes. Default 1.</summary>
        public int DilationRate { get; set; } = 1;

        /// <summary>Spacing between the kernel's rows; 0 (the default) means <see cref="DilationRate"/>.</summary>
        public int DilationHeight { get; set; }

        /// <summary>Spacing between the kernel's columns; 0 (the default) means <see cref="DilationRate"/>.</summary>
        public int DilationWidth { get; set; }

        /// <summary>Whether the layer adds a bias per output channel. Default true.</summary>
        public bool UseBias { get; set; } = true;

        /// <summary>Border handling. Default <see cref="Padding.Valid"/>; <see cref="Padding.Same"/> pads as TensorFlow.</summary>
        public Padding Padding { get; set; } = Padding.Valid;
    }
}
