using System;

namespace NetGen
{
    /// <summary>
    /// Turns integer token ids into learned vectors, as Keras's <c>Embedding</c>: the input is <c>[Input(steps)]</c>
    /// of token ids stored as floats (0 ≤ id &lt; vocabulary; anything else is rejected with an exception), the output
    /// is <c>(steps, dimension)</c>. Weights start uniform in [−0.05, 0.05].
    /// </summary>
    /// <remarks>
    /// With <see cref="MaskZero"/>, id 0 is padding: the recurrent layers that follow skip those steps (their state is
    /// carried over unchanged), so sequences shorter than the declared length are padded with zeros, before or after.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class EmbeddingAttribute : LayerAttribute
    {
        /// <summary>Creates the attribute.</summary>
        /// <param name="vocabulary">Number of distinct token ids (ids run from 0 to vocabulary − 1).</param>
        /// <param name="dimension">Length of each token's vector.</param>
        public EmbeddingAttribute(int vocabulary, int dimension)
        {
            Vocabulary = vocabulary;
            Dimension = dimension;
        }

        /// <summary>Number of distinct token ids.</summary>
        public int Vocabulary { get; }

        /// <summary>Length of each token's vector.</summary>
        public int Dimension { get; }

        /// <summary>When true, id 0 marks padding that the recurrent layers after this one skip. Default false.</summary>
        public bool MaskZero { get; set; }
    }

    /// <summary>
    /// A fully connected recurrent layer, as Keras's <c>SimpleRNN</c>: <c>h_t = activation(x_t·W + h_{t−1}·U + b)</c>
    /// over a <c>(steps, features)</c> input. Glorot-uniform W, orthogonal U, zero b.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class SimpleRNNAttribute : LayerAttribute
    {
        /// <summary>Creates the attribute.</summary>
        /// <param name="units">Size of the hidden state.</param>
        /// <param name="activation">The state's activation. Keras's default: tanh.</param>
        public SimpleRNNAttribute(int units, Activation activation = Activation.Tanh)
        {
            Units = units;
            Activation = activation;
        }

        /// <summary>Size of the hidden state.</summary>
        public int Units { get; }

        /// <summary>The state's activation.</summary>
        public Activation Activation { get; }

        /// <summary>True: output every step's state, <c>(steps, units)</c>. False (the default): only the last, <c>(units)</c>.</summary>
        public bool ReturnSequences { get; set; }
    }

    /// <summary>
    /// Long short-term memory, as Keras's <c>LSTM</c>: gates in Keras's order (input, forget, cell, output), sigmoid
    /// gates and tanh cell activation, Glorot-uniform input weights, orthogonal recurrent weights, forget-gate bias 1.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class LSTMAttribute : LayerAttribute
    {
        /// <summary>Creates the attribute.</summary>
        /// <param name="units">Size of the hidden and cell states.</param>
        public LSTMAttribute(int units) => Units = units;

        /// <summary>Size of the hidden and cell states.</summary>
        public int Units { get; }

        /// <summary>True: output every step's state, <c>(steps, units)</c>. False (the default): only the last, <c>(units)</c>.</summary>
        public bool ReturnSequences { get; set; }
    }

    /// <summary>
    /// Gated recurrent unit, as Keras's <c>GRU</c> with its defaults (<c>reset_after=True</c>, PyTorch's formulation):
    /// gates in Keras's order (update, reset, candidate), separate input and recurrent biases, Glorot-uniform input
    /// weights, orthogonal recurrent weights.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class GRUAttribute : LayerAttribute
    {
        /// <summary>Creates the attribute.</summary>
        /// <param name="units">Size of the hidden state.</param>
        public GRUAttribute(int units) => Units = units;

        /// <summary>Size of the hidden state.</summary>
        public int Units { get; }

        /// <summary>True: output every step's state, <c>(steps, units)</c>. False (the default): only the last, <c>(units)</c>.</summary>
        public bool ReturnSequences { get; set; }
    }
}
