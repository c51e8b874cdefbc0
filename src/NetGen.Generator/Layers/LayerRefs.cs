using NetGen.Generator.Model;

namespace NetGen.Generator.Layers
{
    /// <summary>The names a layer's generated code reads and writes (ref expressions of buffers, variables).</summary>
    internal sealed class LayerRefs
    {
        /// <summary>The parameter block (<c>ref float</c>).</summary>
        public string Parameters { get; set; } = "p";

        /// <summary>The layer's input rows.</summary>
        public string Input { get; set; } = "x";

        /// <summary>
        /// When set, the layer's input row i is sample <c>InputIndex[i]</c> of <see cref="Input"/> (a <c>ref int</c>): the first
        /// layer in training reads the caller's samples through the batch's row indices instead of a gathered copy.
        /// </summary>
        public string? InputIndex { get; set; }

        /// <summary>The layer's output rows.</summary>
        public string Output { get; set; } = "y";

        /// <summary>The number of rows (samples).</summary>
        public string Rows { get; set; } = "rows";

        /// <summary>The network's input (token ids, for layers masked by an embedding's MaskZero).</summary>
        public string Tokens { get; set; } = "x";

        /// <summary>One sample's scratch for zero-padded convolution inputs (inference).</summary>
        public string Scratch { get; set; } = "pad";

        // ---- training only
        public bool Training { get; set; }

        /// <summary>∂L/∂z of this layer's rows.</summary>
        public string Delta { get; set; } = "";

        /// <summary>∂L/∂z of the previous layer's rows, to fill; null for the first layer.</summary>
        public string? PreviousDelta { get; set; }

        /// <summary>The previous layer's activation, whose derivative turns ∂L/∂A into ∂L/∂z.</summary>
        public ActivationFunction PreviousActivation { get; set; }

        /// <summary>The gradient block (<c>ref float</c>), laid out as the parameters.</summary>
        public string Gradients { get; set; } = "g";

        /// <summary>The parameters as a span (for transposes).</summary>
        public string ParametersSpan { get; set; } = "parameters";

        /// <summary>
        /// Set on the layer whose weights take Adam's step inside the backward pass (the first, dense layer of a
        /// one-worker trainer): the backward code then branches on <c>adam</c>, the optimizer state or null, and <c>alpha</c>.
        /// </summary>
        public OptimizerSpec? FusedAdam { get; set; }

        /// <summary>Every input's rows, in order (merge layers; other kinds read <see cref="Input"/>).</summary>
        public string[] Inputs { get; set; } = System.Array.Empty<string>();

        /// <summary>∂L/∂z of every input's rows, to fill (null for the network input), in order (merge layers).</summary>
        public string?[] PreviousDeltas { get; set; } = System.Array.Empty<string?>();

        /// <summary>Every input's activation, in order (merge layers).</summary>
        public ActivationFunction[] PreviousActivations { get; set; } = System.Array.Empty<ActivationFunction>();

        /// <summary>
        /// Called by a merge layer's backward after it wrote input j's ∂L/∂z, before the next: the trainer adds it to the
        /// node's gradient there when the node has several readers (the shared fan-out buffer then serves the next input).
        /// </summary>
        public System.Action<int>? InputGradientWritten { get; set; }

        /// <summary>The first row of this worker in the batch (dropout seeds).</summary>
        public string FirstRow { get; set; } = "start";
    }
}
