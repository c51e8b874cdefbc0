namespace NetGen.Generator.Emit.Kernels
{
    /// <summary>
    /// The reduction of a direct convolution: taps (channel, kernel row, kernel column) over a zero-padded,
    /// channel-major input <see cref="Source"/> with rows of <see cref="RowStride"/> floats and planes of
    /// <see cref="PlaneStride"/>; the input row of kernel row <c>kh</c> is <see cref="RowExpression"/>.
    /// </summary>
    internal sealed class ConvTaps
    {
        public ConvTaps(string source, int channels, int kernel, int rowStride, int planeStride, string outputRow, int stride)
        {
            Source = source;
            Channels = channels;
            Kernel = kernel;
            RowStride = rowStride;
            PlaneStride = planeStride;
            OutputRow = outputRow;
            Stride = stride;
        }

        public string Source { get; }
        public int Channels { get; }
        public int Kernel { get; }
        public int RowStride { get; }
        public int PlaneStride { get; }

        /// <summary>The variable holding the output row.</summary>
        public string OutputRow { get; }

        public int Stride { get; }

        /// <summary>Floats per input pixel along a row: 1, or 16 when samples sit side by side in lanes.</summary>
        public int ColumnScale { get; set; } = 1;

        /// <summary>The offset of kernel column <paramref name="kernelColumn"/> within an input row.</summary>
        public string ColumnExpression(string kernelColumn) => ColumnScale == 1 ? kernelColumn : $"{kernelColumn} * {ColumnScale}";

        public string RowExpression(string kernelRow) =>
            OutputRow == "0" ? kernelRow :
            Stride == 1 ? $"({OutputRow} + {kernelRow})" : $"({OutputRow} * {Stride} + {kernelRow})";
    }
}
