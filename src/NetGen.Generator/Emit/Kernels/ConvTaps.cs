namespace NetGen.Generator.Emit.Kernels
{
    /// <summary>
    /// The reduction of a direct convolution: taps (channel, kernel row, kernel column) over a zero-padded,
    /// channel-major input <see cref="Source"/> with rows of <see cref="RowStride"/> floats and planes of
    /// <see cref="PlaneStride"/>; the input row of kernel row <c>kh</c> is <see cref="RowExpression"/>, the offset of kernel
    /// column <c>kw</c> <see cref="ColumnExpression"/> (both spaced by the dilation).
    /// </summary>
    internal sealed class ConvTaps
    {
        public ConvTaps(string source, int channels, int kernelHeight, int kernelWidth, int rowStride, int planeStride, string outputRow, int stride)
        {
            Source = source;
            Channels = channels;
            KernelHeight = kernelHeight;
            KernelWidth = kernelWidth;
            RowStride = rowStride;
            PlaneStride = planeStride;
            OutputRow = outputRow;
            Stride = stride;
        }

        public string Source { get; }
        public int Channels { get; }
        public int KernelHeight { get; }
        public int KernelWidth { get; }
        public int RowStride { get; }
        public int PlaneStride { get; }

        /// <summary>The variable holding the output row.</summary>
        public string OutputRow { get; }

        /// <summary>Input rows between output rows.</summary>
        public int Stride { get; }

        /// <summary>Input rows between kernel rows.</summary>
        public int DilationHeight { get; set; } = 1;

        /// <summary>Input columns between kernel columns.</summary>
        public int DilationWidth { get; set; } = 1;

        /// <summary>Floats per input pixel along a row: 1, or 16 when samples sit side by side in lanes.</summary>
        public int ColumnScale { get; set; } = 1;

        /// <summary>The offset of kernel column <paramref name="kernelColumn"/> within an input row.</summary>
        public string ColumnExpression(string kernelColumn) =>
            ColumnScale * DilationWidth == 1 ? kernelColumn : $"{kernelColumn} * {ColumnScale * DilationWidth}";

        public string RowExpression(string kernelRow)
        {
            string row = DilationHeight == 1 ? kernelRow : $"{kernelRow} * {DilationHeight}";
            return OutputRow == "0" ? row :
                Stride == 1 ? $"({OutputRow} + {row})" : $"({OutputRow} * {Stride} + {row})";
        }
    }
}
