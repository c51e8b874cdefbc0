using System;

namespace NetGen
{
    /// <summary>Which parameters an optimizer's <c>WeightDecay</c> applies to.</summary>
    public enum WeightDecayScope
    {
        /// <summary>Every trainable parameter (PyTorch's <c>weight_decay</c> on one parameter group): weights, biases, normalization's γ and β.</summary>
        AllTrainable = 0,

        /// <summary>
        /// Only tensors of rank 2 or more: dense and convolution kernels, recurrent kernels, embeddings; not biases nor
        /// normalization's γ and β (nanoGPT's "2-D weights only" parameter groups).
        /// </summary>
        WeightsOnly = 1,
    }

    /// <summary>
    /// Stochastic gradient descent with optional momentum, as Keras's <c>SGD</c>: <c>v ← μ·v − lr·g; p ← p + v</c>, which
    /// is PyTorch's <c>SGD(momentum)</c> at a constant learning rate. With <see cref="Nesterov"/>, PyTorch's
    /// <c>nesterov=True</c> update: <c>b ← μ·b + g; p ← p − lr·(g + μ·b)</c> (Keras's at a constant learning rate).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class SgdAttribute : Attribute
    {
        /// <summary>Step size. Keras default 0.01.</summary>
        public float LearningRate { get; set; } = 0.01f;

        /// <summary>Momentum factor in [0, 1). Keras default 0.</summary>
        public float Momentum { get; set; }

        /// <summary>Nesterov momentum (needs <see cref="Momentum"/> above 0: NG0062). Keras and PyTorch default false.</summary>
        public bool Nesterov { get; set; }

        /// <summary>L2 penalty added to the gradient, <c>g ← g + λ·p</c>, as PyTorch's <c>weight_decay</c>. Default 0 (off).</summary>
        public float WeightDecay { get; set; }

        /// <summary>Which parameters <see cref="WeightDecay"/> applies to. Default every trainable one.</summary>
        public WeightDecayScope WeightDecayApplies { get; set; }

        /// <summary>Clips every gradient value to [−ClipValue, ClipValue] before the step (Keras's <c>clipvalue</c>, PyTorch's <c>clip_grad_value_</c>). 0: off.</summary>
        public float ClipValue { get; set; }

        /// <summary>Scales each parameter tensor's gradient to an L2 norm of at most ClipNorm (Keras's <c>clipnorm</c>; PyTorch's <c>clip_grad_norm_</c> per tensor). 0: off.</summary>
        public float ClipNorm { get; set; }

        /// <summary>Scales the whole gradient to an L2 norm of at most GlobalClipNorm (Keras's <c>global_clipnorm</c>, PyTorch's <c>clip_grad_norm_</c>). 0: off.</summary>
        public float GlobalClipNorm { get; set; }
    }

    /// <summary>
    /// The Adam optimizer with Keras's defaults and update rule (ε added to √v̂·√(1−β2^t), Keras's "epsilon hat").
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class AdamAttribute : Attribute
    {
        /// <summary>Step size. Keras default 0.001.</summary>
        public float LearningRate { get; set; } = 0.001f;

        /// <summary>Decay of the first moment. Keras default 0.9.</summary>
        public float Beta1 { get; set; } = 0.9f;

        /// <summary>Decay of the second moment. Keras default 0.999.</summary>
        public float Beta2 { get; set; } = 0.999f;

        /// <summary>Numerical stabiliser. Keras default 1e-7.</summary>
        public float Epsilon { get; set; } = 1e-7f;

        /// <summary>L2 penalty added to the gradient, <c>g ← g + λ·p</c>, as PyTorch's <c>Adam(weight_decay)</c> (for decoupled decay use <see cref="AdamWAttribute"/>). Default 0 (off).</summary>
        public float WeightDecay { get; set; }

        /// <summary>Which parameters <see cref="WeightDecay"/> applies to. Default every trainable one.</summary>
        public WeightDecayScope WeightDecayApplies { get; set; }

        /// <summary>Clips every gradient value to [−ClipValue, ClipValue] before the step. 0: off.</summary>
        public float ClipValue { get; set; }

        /// <summary>Scales each parameter tensor's gradient to an L2 norm of at most ClipNorm. 0: off.</summary>
        public float ClipNorm { get; set; }

        /// <summary>Scales the whole gradient to an L2 norm of at most GlobalClipNorm. 0: off.</summary>
        public float GlobalClipNorm { get; set; }
    }

    /// <summary>
    /// Adam with decoupled weight decay (Loshchilov and Hutter), PyTorch's <c>torch.optim.AdamW</c> update:
    /// <c>p ← p·(1 − lr·λ)</c>, then Adam with ε added to the bias-corrected √v̂. Keras's other defaults; the weight
    /// decay defaults to PyTorch's 0.01 (Keras's <c>AdamW</c> uses 0.004).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class AdamWAttribute : Attribute
    {
        /// <summary>Step size. Keras and PyTorch default 0.001.</summary>
        public float LearningRate { get; set; } = 0.001f;

        /// <summary>Decay of the first moment. Default 0.9.</summary>
        public float Beta1 { get; set; } = 0.9f;

        /// <summary>Decay of the second moment. Default 0.999.</summary>
        public float Beta2 { get; set; } = 0.999f;

        /// <summary>Numerical stabiliser, added to √v̂ as PyTorch does. Keras default 1e-7 (PyTorch's is 1e-8).</summary>
        public float Epsilon { get; set; } = 1e-7f;

        /// <summary>Decoupled weight decay λ: each step multiplies the decayed parameters by 1 − lr·λ. Default 0.01 (PyTorch's; Keras's is 0.004).</summary>
        public float WeightDecay { get; set; } = 0.01f;

        /// <summary>Which parameters <see cref="WeightDecay"/> applies to. Default every trainable one (as PyTorch with one parameter group).</summary>
        public WeightDecayScope WeightDecayApplies { get; set; }

        /// <summary>Clips every gradient value to [−ClipValue, ClipValue] before the step. 0: off.</summary>
        public float ClipValue { get; set; }

        /// <summary>Scales each parameter tensor's gradient to an L2 norm of at most ClipNorm. 0: off.</summary>
        public float ClipNorm { get; set; }

        /// <summary>Scales the whole gradient to an L2 norm of at most GlobalClipNorm. 0: off.</summary>
        public float GlobalClipNorm { get; set; }
    }

    /// <summary>
    /// RMSprop with PyTorch's <c>torch.optim.RMSprop</c> update: <c>s ← ρ·s + (1−ρ)·g²</c> (centered: also
    /// <c>ḡ ← ρ·ḡ + (1−ρ)·g</c> and <c>s − ḡ²</c> in place of s), <c>d = √s + ε</c>, then <c>p ← p − lr·g/d</c>, or with
    /// momentum <c>b ← μ·b + g/d; p ← p − lr·b</c>. Keras's defaults (PyTorch's ρ is 0.99, its ε 1e-8); Keras adds ε
    /// inside the square root and keeps lr inside the momentum buffer, NetGen follows PyTorch.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class RMSpropAttribute : Attribute
    {
        /// <summary>Step size. Keras default 0.001.</summary>
        public float LearningRate { get; set; } = 0.001f;

        /// <summary>Decay of the squared-gradient average, in (0, 1). Keras default 0.9 (PyTorch's <c>alpha</c>, default 0.99).</summary>
        public float Rho { get; set; } = 0.9f;

        /// <summary>Momentum factor in [0, 1). Default 0.</summary>
        public float Momentum { get; set; }

        /// <summary>Numerical stabiliser, added to the root. Keras default 1e-7.</summary>
        public float Epsilon { get; set; } = 1e-7f;

        /// <summary>Normalize by the variance estimate s − ḡ² instead of s (keeps a gradient average). Default false.</summary>
        public bool Centered { get; set; }

        /// <summary>L2 penalty added to the gradient, <c>g ← g + λ·p</c>, as PyTorch's <c>weight_decay</c>. Default 0 (off).</summary>
        public float WeightDecay { get; set; }

        /// <summary>Which parameters <see cref="WeightDecay"/> applies to. Default every trainable one.</summary>
        public WeightDecayScope WeightDecayApplies { get; set; }

        /// <summary>Clips every gradient value to [−ClipValue, ClipValue] before the step. 0: off.</summary>
        public float ClipValue { get; set; }

        /// <summary>Scales each parameter tensor's gradient to an L2 norm of at most ClipNorm. 0: off.</summary>
        public float ClipNorm { get; set; }

        /// <summary>Scales the whole gradient to an L2 norm of at most GlobalClipNorm. 0: off.</summary>
        public float GlobalClipNorm { get; set; }
    }
}
