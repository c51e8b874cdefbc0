using System;

namespace NetGen
{
    /// <summary>
    /// The mean of every channel over the whole image, as Keras's <c>GlobalAveragePooling2D</c>: (height, width, channels)
    /// → (channels). No parameters.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class GlobalAveragePooling2DAttribute : LayerAttribute
    {
    }

    /// <summary>
    /// The maximum of every channel over the whole image, as Keras's <c>GlobalMaxPooling2D</c>: (height, width, channels)
    /// → (channels). The gradient goes to the first position holding the maximum; a NaN input makes the channel NaN.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class GlobalMaxPooling2DAttribute : LayerAttribute
    {
    }

    /// <summary>
    /// The mean of every feature over all steps, as Keras's <c>GlobalAveragePooling1D</c>: (steps, features) →
    /// (features). No parameters.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class GlobalAveragePooling1DAttribute : LayerAttribute
    {
    }

    /// <summary>
    /// The maximum of every feature over all steps, as Keras's <c>GlobalMaxPooling1D</c>: (steps, features) →
    /// (features). The gradient goes to the first step holding the maximum; a NaN input makes the feature NaN.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class GlobalMaxPooling1DAttribute : LayerAttribute
    {
    }
}
