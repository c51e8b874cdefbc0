using System;

namespace NetGen
{
    /// <summary>
    /// A 2-D convolution over (height, width, channels) inputs, as Keras's <c>Conv2D</c>: Glorot-uniform weights and zero
    /// biases. <c>[Conv2D(32, 3)]</c> is a 3×3 kernel; <c>[Conv2D(32, 3, 5)]</c> a 3-high, 5-wide one (Keras's
    /// <c>kernel_size=(3, 5)</c>). <see cref="Stride"/> and <see cref="DilationRate"/> set both axes; the per-axis
    /// properties set one (write one form or the other). Keras refuses a stride above 1 together with a dilation above 1,
    /// and so does NetGen (NG0041).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class Conv2DAttribute : LayerAttribute
    {
        /// <summary>Creates the attribute with a square kernel.</summary>
        /// <param name="filters">Output channels.</param>
        /// <param name="kernelSize">Height and width of the kernel.</param>
        /// <param name="activation">Activation applied to the outputs.</param>
        public Conv2DAttribute(int filters, int kernelSize, Activation activation = Activation.Linear)
            : this(filters, kernelSize, kernelSize, activation)
        {
        }

        /// <summary>Creates the attribute with a rectangular kernel (Keras's <c>kernel_size=(kernelHeight, kernelWidth)</c>).</summary>
        /// <param name="filters">Output channels.</param>
        /// <param name="kernelHeight">Rows of the kernel.</param>
        /// <param name="kernelWidth">Columns of the kernel.</param>
        /// <param name="activation">Activation applied to the outputs.</param>
        public Conv2DAttribute(int filters, int kernelHeight, int kernelWidth, Activation activation = Activation.Linear)
        {
            Filters = filters;
            KernelHeight = kernelHeight;
            KernelWidth = kernelWidth;
            Activation = activation;
        }

        /// <summary>Output channels.</summary>
        public int Filters { get; }

        /// <summary>Height and width of a square kernel; 0 for a rectangular one.</summary>
        public int KernelSize => KernelHeight == KernelWidth ? KernelHeight : 0;

        /// <summary>Rows of the kernel.</summary>
        public int KernelHeight { get; }

        /// <summary>Columns of the kernel.</summary>
        public int KernelWidth { get; }

        /// <summary>Activation applied to the outputs.</summary>
        public Activation Activation { get; }

        /// <summary>Step between windows on both axes. Default 1.</summary>
        public int Stride { get; set; } = 1;

        /// <summary>Step between windows down the rows; 0 (the default) means <see cref="Stride"/>.</summary>
        public int StrideHeight { get; set; }

        /// <summary>Step between windows along the columns; 0 (the default) means <see cref="Stride"/>.</summary>
        public int StrideWidth { get; set; }

        /// <summary>Spacing between the kernel's taps on both axes (Keras's <c>dilation_rate</c>). Default 1.</summary>
        public int DilationRate { get; set; } = 1;

        /// <summary>Spacing between the kernel's rows; 0 (the default) means <see cref="DilationRate"/>.</summary>
        public int DilationHeight { get; set; }

        /// <summary>Spacing between the kernel's columns; 0 (the default) means <see cref="DilationRate"/>.</summary>
        public int DilationWidth { get; set; }

        /// <summary>Whether the layer adds a bias per filter. Default true; false leaves no bias parameter at all (a convolution before batch normalization).</summary>
        public bool UseBias { get; set; } = true;

        /// <summary>Border handling. Default <see cref="Padding.Valid"/>; <see cref="Padding.Same"/> pads as TensorFlow (the odd row or column at the bottom or right).</summary>
        public Padding Padding { get; set; } = Padding.Valid;

        /// <summary>
        /// The parameter of <see cref="NetGen.Activation.LeakyReLU"/> (its negative slope, finite and ≥ 0) or
        /// <see cref="NetGen.Activation.ELU"/> (its α, finite and &gt; 0). Not written (NaN), the activation's Keras default:
        /// 0.3 for LeakyReLU (PyTorch's is 0.01), 1.0 for ELU. Other activations take none (NG0046).
        /// </summary>
        public float Alpha { get; set; } = float.NaN;
    }

    /// <summary>Max pooling over square windows, per channel, as Keras's <c>MaxPool2D</c>.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class MaxPool2DAttribute : LayerAttribute
    {
        /// <summary>Creates the attribute.</summary>
        /// <param name="size">Height and width of the window. Default 2.</param>
        public MaxPool2DAttribute(int size = 2) => Size = size;

        /// <summary>Height and width of the window.</summary>
        public int Size { get; }

        /// <summary>Step between windows; 0 (the default) means the window size.</summary>
        public int Stride { get; set; }

        /// <summary>Border handling. Default <see cref="Padding.Valid"/>.</summary>
        public Padding Padding { get; set; } = Padding.Valid;
    }

    /// <summary>Average pooling over square windows, per channel, as Keras's <c>AveragePooling2D</c> (padding is not counted).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AvgPool2DAttribute : LayerAttribute
    {
        /// <summary>Creates the attribute.</summary>
        /// <param name="size">Height and width of the window. Default 2.</param>
        public AvgPool2DAttribute(int size = 2) => Size = size;

        /// <summary>Height and width of the window.</summary>
        public int Size { get; }

        /// <summary>Step between windows; 0 (the default) means the window size.</summary>
        public int Stride { get; set; }

        /// <summary>Border handling. Default <see cref="Padding.Valid"/>.</summary>
        public Padding Padding { get; set; } = Padding.Valid;
    }

    /// <summary>
    /// Flattens (height, width, channels) activations into one dimension. NetGen stores images channel-major
    /// inside the network, so the flattened order is (channel, row, column), as PyTorch's <c>nn.Flatten</c>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class FlattenAttribute : LayerAttribute
    {
    }

    /// <summary>
    /// An activation applied to every value of the layer before it, of any shape (Keras's <c>layers.Activation</c>):
    /// <c>[Activation(Activation.GELU)]</c> after a layer without one, for example a convolution followed later by
    /// normalization. No parameters; the output has the input's shape. Softmax is written on the last dense layer instead.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class ActivationAttribute : LayerAttribute
    {
        /// <summary>Creates the attribute.</summary>
        /// <param name="activation">The function applied to each value.</param>
        public ActivationAttribute(Activation activation) => Activation = activation;

        /// <summary>The function applied to each value.</summary>
        public Activation Activation { get; }

        /// <summary>
        /// The parameter of <see cref="NetGen.Activation.LeakyReLU"/> (its negative slope, finite and ≥ 0) or
        /// <see cref="NetGen.Activation.ELU"/> (its α, finite and &gt; 0). Not written (NaN), the activation's Keras default:
        /// 0.3 for LeakyReLU (PyTorch's is 0.01), 1.0 for ELU. Other activations take none (NG0046).
        /// </summary>
        public float Alpha { get; set; } = float.NaN;
    }

    /// <summary>
    /// Dropout, as Keras's: in training each value is zeroed with probability <see cref="Rate"/> and the rest are scaled by
    /// 1 / (1 − rate); at inference the layer passes values through. The masks come from the trainer's seed.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class DropoutAttribute : LayerAttribute
    {
        /// <summary>Creates the attribute.</summary>
        /// <param name="rate">The fraction of values dropped, in [0, 1).</param>
        public DropoutAttribute(float rate) => Rate = rate;

        /// <summary>The fraction of values dropped.</summary>
        public float Rate { get; }
    }
}
