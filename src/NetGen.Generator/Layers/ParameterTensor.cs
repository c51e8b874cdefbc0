namespace NetGen.Generator.Layers
{
    /// <summary>
    /// One parameter tensor of a layer, as data: where it lies in the parameter block, its shape, the generated accessor
    /// that views it, and the runtime's <c>ParameterBlock</c> kind that says how it maps to PyTorch.
    /// </summary>
    internal sealed class ParameterTensor
    {
        public ParameterTensor(string name, int offset, int[] shape, string blockKind, string accessor, string summary)
        {
            Name = name;
            Offset = offset;
            Shape = shape;
            BlockKind = blockKind;
            Accessor = accessor;
            Summary = summary;
            int count = 1;
            foreach (int d in shape) count *= d;
            Count = count;
        }

        /// <summary>The tensor's name within its layer (<c>weight</c>, <c>recurrent_kernel</c>).</summary>
        public string Name { get; }

        /// <summary>Its first float in the network's parameter block.</summary>
        public int Offset { get; }

        /// <summary>Its shape, row-major, as NetGen stores it.</summary>
        public int[] Shape { get; }

        /// <summary>Floats in the tensor.</summary>
        public int Count { get; }

        /// <summary>The runtime block kind (<c>weight</c>, <c>conv.weight</c>, <c>lstm.kernel</c>).</summary>
        public string BlockKind { get; }

        /// <summary>The generated <c>Span&lt;float&gt;</c> property that views it (<c>Dense1Weights</c>).</summary>
        public string Accessor { get; }

        /// <summary>The accessor's XML summary text.</summary>
        public string Summary { get; }
    }
}
