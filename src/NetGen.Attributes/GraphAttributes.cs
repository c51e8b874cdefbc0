using System;

namespace NetGen
{
    /// <summary>
    /// What every layer attribute has: a <see cref="Name"/> other layers can read it by, and the <see cref="Input"/> it
    /// reads when that is not the layer declared just before it. Without either, layers form a stack, as before.
    /// </summary>
    public abstract class LayerAttribute : Attribute
    {
        /// <summary>The layer's name, for <see cref="Input"/> and the merge layers (<c>[Add("a", "b")]</c>) of later layers.</summary>
        public string? Name { get; set; }

        /// <summary>The named layer (or named [Input]) this layer reads; by default, the layer declared just before it.</summary>
        public string? Input { get; set; }
    }

    /// <summary>Element-wise sum of two or more named layers of the same shape (Keras's <c>Add</c>): a residual connection.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AddAttribute : LayerAttribute
    {
        /// <summary>Creates the attribute.</summary>
        /// <param name="inputs">The names of the layers to add (two or more, declared before this one).</param>
        public AddAttribute(params string[] inputs) => Inputs = inputs ?? Array.Empty<string>();

        /// <summary>The names of the layers it adds.</summary>
        public string[] Inputs { get; }
    }

    /// <summary>Element-wise product of two or more named layers of the same shape (Keras's <c>Multiply</c>): gating.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class MultiplyAttribute : LayerAttribute
    {
        /// <summary>Creates the attribute.</summary>
        /// <param name="inputs">The names of the layers to multiply (two or more, declared before this one).</param>
        public MultiplyAttribute(params string[] inputs) => Inputs = inputs ?? Array.Empty<string>();

        /// <summary>The names of the layers it multiplies.</summary>
        public string[] Inputs { get; }
    }

    /// <summary>
    /// Joins two or more named layers along the last axis (Keras's <c>Concatenate()</c>): features of vectors, or
    /// channels of images of the same height and width.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class ConcatenateAttribute : LayerAttribute
    {
        /// <summary>Creates the attribute.</summary>
        /// <param name="inputs">The names of the layers to join, in order (two or more, declared before this one).</param>
        public ConcatenateAttribute(params string[] inputs) => Inputs = inputs ?? Array.Empty<string>();

        /// <summary>The names of the layers it joins, in order.</summary>
        public string[] Inputs { get; }
    }
}
