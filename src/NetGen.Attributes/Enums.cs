namespace NetGen
{
    /// <summary>The activation function applied to a layer's output.</summary>
    public enum Activation
    {
        /// <summary>No activation: <c>f(x) = x</c>.</summary>
        Linear = 0,
        /// <summary>Rectified linear unit: <c>max(0, x)</c>.</summary>
        ReLU = 1,
        /// <summary>Logistic sigmoid: <c>1 / (1 + e^-x)</c>.</summary>
        Sigmoid = 2,
        /// <summary>Hyperbolic tangent.</summary>
        Tanh = 3,
        /// <summary>Softmax over the layer's outputs; only valid on the last layer.</summary>
        Softmax = 4,
        /// <summary>
        /// Gaussian error linear unit, exact: <c>x·Φ(x) = ½x(1 + erf(x/√2))</c>, as Keras's <c>gelu</c> (approximate=False)
        /// and PyTorch's <c>nn.GELU()</c>.
        /// </summary>
        GELU = 5,
        /// <summary>
        /// GELU's tanh approximation, <c>½x(1 + tanh(√(2/π)(x + 0.044715x³)))</c>, as PyTorch's
        /// <c>nn.GELU(approximate='tanh')</c> and Keras's <c>gelu(approximate=True)</c>.
        /// </summary>
        GELUTanh = 6,
        /// <summary>Sigmoid linear unit, also called Swish: <c>x·σ(x)</c>, as Keras's <c>silu</c>/<c>swish</c> and PyTorch's <c>nn.SiLU</c>.</summary>
        SiLU = 7,
        /// <summary>
        /// Leaky rectified linear unit: <c>x</c> for x &gt; 0, <c>α·x</c> otherwise, as Keras's <c>LeakyReLU</c> and PyTorch's
        /// <c>nn.LeakyReLU</c>. α is the layer's <c>Alpha</c>, Keras's default 0.3 when not written (PyTorch's default
        /// negative_slope is 0.01: write <c>Alpha = 0.01f</c> for it).
        /// </summary>
        LeakyReLU = 8,
        /// <summary>
        /// Exponential linear unit: <c>x</c> for x &gt; 0, <c>α·(eˣ − 1)</c> otherwise, as Keras's <c>elu</c> and PyTorch's
        /// <c>nn.ELU</c>. α is the layer's <c>Alpha</c>, 1.0 when not written.
        /// </summary>
        ELU = 9,
    }

    /// <summary>The training loss.</summary>
    public enum LossKind
    {
        /// <summary>Mean squared error over all outputs (float targets).</summary>
        MeanSquaredError = 0,
        /// <summary>Binary cross-entropy (log loss) on sigmoid outputs; targets in [0, 1].</summary>
        BinaryCrossEntropy = 1,
        /// <summary>Categorical cross-entropy on softmax outputs with one-hot (or probability) targets.</summary>
        CategoricalCrossEntropy = 2,
        /// <summary>Categorical cross-entropy on softmax outputs with integer class labels.</summary>
        SparseCategoricalCrossEntropy = 3,
        /// <summary>
        /// Mean absolute error over all outputs (float targets): <c>mean |y − t|</c>, as Keras's <c>MeanAbsoluteError</c>
        /// and PyTorch's <c>nn.L1Loss</c>. Its gradient at y = t is 0 (PyTorch's sign(0) = 0).
        /// </summary>
        MeanAbsoluteError = 4,
        /// <summary>
        /// Huber loss over all outputs (float targets), with d = y − t: <c>½d²</c> where |d| ≤ δ, <c>δ·(|d| − ½δ)</c>
        /// beyond, averaged, as Keras's <c>Huber</c> and PyTorch's <c>nn.HuberLoss</c>. δ is the attribute's
        /// <c>Delta</c>, 1.0 when not written.
        /// </summary>
        Huber = 5,
    }
}

namespace NetGen
{
    /// <summary>How a convolution or pooling window treats the borders, as Keras's <c>padding</c>.</summary>
    public enum Padding
    {
        /// <summary>No padding: the window stays inside the input; the output shrinks.</summary>
        Valid = 0,
        /// <summary>Zero padding so that the output has ceil(input / stride) positions (TensorFlow's rule: the extra row or column goes at the end).</summary>
        Same = 1,
        /// <summary>
        /// <c>[Conv1D]</c> only: (kernel − 1) · dilation zeros before the sequence, none after, so output step t sees
        /// input steps up to t · stride and never a later one (Keras's <c>padding="causal"</c>).
        /// </summary>
        Causal = 2,
    }
}
