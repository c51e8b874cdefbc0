namespace NetGen.Generator.Layers
{
    /// <summary>
    /// One parameter tensor of a layer, as data: where it lies in the parameter block, its shape, the generated accessor
    /// that views it, and the runtime's <c>ParameterBlock</c> kind that says how it maps to PyTorch.
    /// </summary>
    internal sealed class ParameterTensor
    {
        public ParameterTensor(string name, int offset, int[] shape, string blockKind, string accessor, string summary, params TorchMapping[] torch)
        {
            Torch = torch;
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

        /// <summary>How PyTorch's module holds the tensor (one entry, or two where PyTorch keeps two biases).</summary>
        public TorchMapping[] Torch { get; }

        /// <summary>False for state that lies in the parameter block but takes no gradient (batch normalization's moving statistics).</summary>
        public bool Trainable { get; set; } = true;
    }

    /// <summary>
    /// One tensor of the equivalent PyTorch module, as the runtime's <c>TorchTensor</c>: the [Rows, Columns] matrix at
    /// Offset floats into the parameter tensor, stored by PyTorch with Shape (transposed, its gate blocks reordered, or
    /// folded into another tensor as a sum).
    /// </summary>
    internal sealed class TorchMapping
    {
        public TorchMapping(string name, int offset, int rows, int columns, int[] shape, bool transposed = false, int[]? gateOrder = null, bool summed = false)
        {
            Name = name;
            Offset = offset;
            Rows = rows;
            Columns = columns;
            Shape = shape;
            Transposed = transposed;
            GateOrder = gateOrder;
            Summed = summed;
        }

        public string Name { get; }
        public int Offset { get; }
        public int Rows { get; }
        public int Columns { get; }
        public int[] Shape { get; }
        public bool Transposed { get; }
        public int[]? GateOrder { get; }
        public bool Summed { get; }

        /// <summary>PyTorch keeps the tensor as int64 (a batch count), NetGen as floats.</summary>
        public bool Integer { get; set; }

        /// <summary>A vector of <paramref name="count"/> floats, PyTorch's shape [count].</summary>
        public static TorchMapping Vector(string name, int count, int offset = 0) => new TorchMapping(name, offset, 1, count, new[] { count });
    }
}
