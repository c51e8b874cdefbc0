using System;

namespace NetGen
{
    /// <summary>Declares the network's input shape. Must come before every layer.</summary>
    /// <remarks>
    /// Dense networks use one dimension, e.g. <c>[Input(784)]</c>. A network may have several inputs, each with a
    /// <see cref="Name"/> its layers read it by; a sample is then the inputs' values one after the other, in declaration
    /// order, and the generated <c>Predict</c> and <c>TrainBatch</c> also take one span per input.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class InputAttribute : Attribute
    {
        /// <summary>Creates the attribute.</summary>
        /// <param name="shape">The input's dimensions.</param>
        public InputAttribute(params int[] shape) => Shape = shape ?? Array.Empty<int>();

        /// <summary>The input's dimensions.</summary>
        public int[] Shape { get; }

        /// <summary>A name later layers can read the input by (<c>Input = "..."</c>, or a merge layer's arguments).</summary>
        public string? Name { get; set; }
    }

    /// <summary>A fully connected layer: <c>y = activation(x·W + b)</c>.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class DenseAttribute : LayerAttribute
    {
        /// <summary>Creates the attribute.</summary>
        /// <param name="units">Number of outputs.</param>
        /// <param name="activation">Activation applied to the outputs.</param>
        public DenseAttribute(int units, Activation activation = Activation.Linear)
        {
            Units = units;
            Activation = activation;
        }

        /// <summary>Number of outputs.</summary>
        public int Units { get; }

        /// <summary>Activation applied to the outputs.</summary>
        public Activation Activation { get; }

        /// <summary>
        /// The parameter of <see cref="NetGen.Activation.LeakyReLU"/> (its negative slope, finite and ≥ 0) or
        /// <see cref="NetGen.Activation.ELU"/> (its α, finite and &gt; 0). Not written (NaN), the activation's Keras default:
        /// 0.3 for LeakyReLU (PyTorch's is 0.01), 1.0 for ELU. Other activations take none (NG0046).
        /// </summary>
        public float Alpha { get; set; } = float.NaN;
    }

    /// <summary>The loss minimised in training.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class LossAttribute : Attribute
    {
        /// <summary>Creates the attribute.</summary>
        public LossAttribute(LossKind kind) => Kind = kind;

        /// <summary>The loss.</summary>
        public LossKind Kind { get; }

        /// <summary>
        /// <see cref="LossKind.Huber"/>'s δ, where the loss turns from quadratic to linear: finite and &gt; 0, 1.0 (the
        /// default of Keras and PyTorch) when not written. Other losses take none (NG0073).
        /// </summary>
        public float Delta { get; set; } = 1f;

        /// <summary>
        /// Label smoothing ε for <see cref="LossKind.CategoricalCrossEntropy"/> and
        /// <see cref="LossKind.SparseCategoricalCrossEntropy"/>, in [0, 1): the targets become t·(1 − ε) + ε/K over K
        /// classes, as Keras's <c>label_smoothing</c> and PyTorch's <c>CrossEntropyLoss(label_smoothing=)</c>. Training and
        /// evaluation losses both use the smoothed targets (as Keras's <c>fit</c> and <c>evaluate</c> do). 0 by default;
        /// other losses take none (NG0071).
        /// </summary>
        public float LabelSmoothing { get; set; }
    }
}
