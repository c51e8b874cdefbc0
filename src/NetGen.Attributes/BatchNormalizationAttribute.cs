using System;

namespace NetGen
{
    /// <summary>
    /// Batch normalization (Keras's <c>BatchNormalization</c>, PyTorch's <c>nn.BatchNorm1d</c>/<c>nn.BatchNorm2d</c>): per
    /// channel (an image's channels, a vector's features, a sequence's features) over the batch and every position,
    /// y = γ (x − μ) / √(σ² + ε) + β. Training normalizes with the batch's statistics and moves the moving mean and variance
    /// towards them; inference uses the moving statistics, folded into the weights and biases of the convolution or dense
    /// layer before it when that layer is linear and read by nothing else (the layer then costs nothing at inference).
    /// </summary>
    /// <remarks>
    /// The moving statistics are state, not trainable parameters: they lie in the model's parameter block (so model files,
    /// checkpoints and early stopping's best weights keep them) in blocks marked <c>Trainable = false</c>, which take no
    /// gradient, and they are exchanged with PyTorch as <c>running_mean</c>, <c>running_var</c> and <c>num_batches_tracked</c>.
    /// A network with batch normalization trains on one worker: the statistics are over the whole batch.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class BatchNormalizationAttribute : LayerAttribute
    {
        /// <summary>
        /// Keras's momentum of the moving statistics: moving = moving · Momentum + batch · (1 − Momentum). Default 0.99, which is
        /// PyTorch's <c>momentum=0.01</c> (PyTorch's weight is the batch's: 1 − Momentum; its default 0.1 is Momentum = 0.9).
        /// </summary>
        public float Momentum { get; set; } = 0.99f;

        /// <summary>Added to the variance before the square root. Default 0.001 (Keras's; PyTorch's default is 1e-5).</summary>
        public float Epsilon { get; set; } = 0.001f;

        /// <summary>Learn an offset β (PyTorch's <c>bias</c>). Default true.</summary>
        public bool Center { get; set; } = true;

        /// <summary>Learn a scale γ (PyTorch's <c>weight</c>). Default true.</summary>
        public bool Scale { get; set; } = true;
    }
}
