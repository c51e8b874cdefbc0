using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// Direct convolution on a zero-padded, channel-major copy of each sample: output rows are vectors over the output
    /// width, filters are the rows of a register tile, and the reduction runs over taps (channel, kernel row, column).
    /// For small images this beats im2col, whose copy is as large as the convolution's work (measured: see docs).
    /// </summary>
    internal static partial class Conv2DEmitter
    {
        private static string Shape(Conv2DLayerPlan l) =>
            $"{l.Channels}x{l.InHeight}x{l.InWidth}_{l.Filters}x{l.KernelHeight}x{l.KernelWidth}" + l.Window.NameSuffix + (l.InputIsHwc ? "_Hwc" : "");

        public static string Describe(Conv2DLayerPlan l) =>
            $"Layer {l.Index}: Conv2D {l.Filters}@{l.KernelHeight}×{l.KernelWidth}" + l.Window.DescribeSteps +
            $", {(l.Padding == PaddingKind.Same ? "same" : "valid")}, {Activations.Display(l.Activation)}{(l.UseBias ? "" : ", no bias")}: " +
            $"{l.InHeight}×{l.InWidth}×{l.Channels} → {l.OutHeight}×{l.OutWidth}×{l.Filters} — {Literal.Grouped(l.Macs)} MACs per sample";

        /// <summary>The kernels' weight shape in summaries: [filters, channels, kh, kw].</summary>
        private static string WeightShape(Conv2DLayerPlan l) => $"[{l.Filters}, {l.Channels}, {l.KernelHeight}, {l.KernelWidth}]";

        /// <summary>The bias parameter of a forward kernel's signature (none without biases).</summary>
        private static string BiasParameter(Conv2DLayerPlan l) => l.UseBias ? "ref float bias, " : "";

        /// <summary>The bias argument of a forward kernel's call (none without biases).</summary>
        private static string BiasArgument(Conv2DLayerPlan l, LayerRefs refs) => l.UseBias ? DenseEmitter.At(refs.Parameters, l.BiasAt) + ", " : "";

        /// <summary>The taps of the direct convolution over a padded input with rows of <paramref name="rowStride"/> floats.</summary>
        private static ConvTaps Taps(Conv2DLayerPlan l, string source, int rowStride, int planeStride, string outputRow, int stride) =>
            new ConvTaps(source, l.Channels, l.KernelHeight, l.KernelWidth, rowStride, planeStride, outputRow, stride)
            {
                DilationHeight = l.DilationHeight,
                DilationWidth = l.DilationWidth,
            };

        private static string PadCall(Conv2DLayerPlan l, string input, string padded) =>
            $"ImageKernels.Pad(ref {input}, ref {padded}, {l.Channels}, {l.InHeight}, {l.InWidth}, {l.PaddedHeight}, {l.PaddedWidth}, {l.PadTop}, {l.PadLeft}, hwc: {(l.InputIsHwc ? "true" : "false")});";

        /// <summary>Y[s, f, oh, :] = act(b[f] + Σ_taps W[f, tap] · Xpad[s, tap row, tap column + stride·(0..OW)]).</summary>
        public static GemmKernel Forward(Conv2DLayerPlan l, ActivationFunction activation)
        {
            string act = Activations.KernelName(activation);
            int p = l.OutHeight * l.OutWidth;
            return new GemmKernel(
                $"Conv2DForward_{Shape(l)}_{act}",
                $"Y = {Activations.Formula(activation, "conv(X, W)" + (l.UseBias ? " + b" : ""))} for X [rows, {l.InSize}] ({(l.InputIsHwc ? "H, W, C" : "C, H, W")}), W {WeightShape(l)}, Y [rows, {l.Filters}, {l.OutHeight}, {l.OutWidth}]; each sample is padded into pad + s·padStride.",
                $"ref float x, ref float w, {BiasParameter(l)}ref float y, ref float pad, int padStride, int rows",
                $"ref x, ref w, {BiasParameter(l).Replace("float ", "")}ref y, ref pad, padStride, rows")
            {
                RowVar = "f",
                ConstRows = l.Filters,
                Columns = l.OutWidth,
                A = "w",
                Lda = Literal.Int(l.Taps),
                B = "src",
                C = "ys",
                CRowRef = row => $"Unsafe.Add(ref ys, {row} * {p} + oh * {l.OutWidth})",
                RowBias = l.UseBias ? "bias" : null,
                ColumnStride = l.StrideWidth,
                Taps = Taps(l, "pads", l.PaddedWidth, l.PaddedHeight * l.PaddedWidth, "oh", l.StrideHeight),
                Epilogue = (isa, acc, row, col) => Activations.Apply(activation, acc),
                Outer = (w, body) =>
                {
                    using (w.Block("for (int s = 0; s < rows; s++)"))
                    {
                        w.Line("ref float pads = ref Unsafe.Add(ref pad, s * padStride);");
                        w.Line(PadCall(l, $"Unsafe.Add(ref x, s * {l.InSize})", "pads"));
                        w.Line($"ref float ys = ref Unsafe.Add(ref y, s * {l.OutSize});");
                        using (w.Block($"for (int oh = 0; oh < {l.OutHeight}; oh++)"))
                        {
                            body();
                        }
                    }
                },
            };
        }

        /// <summary>dXpad[s, tap row, tap column + stride·(0..OW)] += Σ_f W[f, tap] · dY[s, f, oh, :], one tap (row of the product) at a time.</summary>
        public static GemmKernel InputGradient(Conv2DLayerPlan l)
        {
            int p = l.OutHeight * l.OutWidth;
            int kk = l.KernelHeight * l.KernelWidth;
            int plane = l.PaddedHeight * l.PaddedWidth;
            string kernelRow = l.DilationHeight == 1 ? $"t / {l.KernelWidth} % {l.KernelHeight}" : $"t / {l.KernelWidth} % {l.KernelHeight} * {l.DilationHeight}";
            string kernelColumn = l.DilationWidth == 1 ? $"t % {l.KernelWidth}" : $"t % {l.KernelWidth} * {l.DilationWidth}";
            string rowOfTap = $"(t / {kk} * {plane} + (oh * {l.StrideHeight} + {kernelRow}) * {l.PaddedWidth} + {kernelColumn})";
            return new GemmKernel(
                $"Conv2DInputGradient_{Shape(l)}",
                $"dXpad += Wᵀ ⋆ dY for one sample at a time, then cropped into dX [rows, {l.InSize}] and multiplied by the previous activation's derivative by the caller.",
                "ref float dy, ref float w, ref float dpad, int rows, int s",
                "ref dy, ref w, ref dpad, rows, s")
            {
                RowVar = "t",
                ConstRows = l.Taps,
                MaxRowTile = 1, // taps of one row overlap in dXpad
                Columns = l.OutWidth,
                ConstDepth = l.Filters,
                A = "w",
                ARowMajor = false,
                Lda = Literal.Int(l.Taps),
                B = "g",
                BRowRef = k => $"Unsafe.Add(ref dys, {k} * {p} + oh * {l.OutWidth})",
                C = "dx",
                CRowRef = row => $"Unsafe.Add(ref dpad, {rowOfTap.Replace("t", row)})",
                Accumulate = true,
                CColumnStride = l.StrideWidth,
                Outer = (w, body) =>
                {
                    w.Line($"ref float dys = ref Unsafe.Add(ref dy, s * {l.OutSize});");
                    using (w.Block($"for (int oh = 0; oh < {l.OutHeight}; oh++)"))
                    {
                        body();
                    }
                },
            };
        }

        /// <summary>Grid[f, q] = act(b[f] + Σ_taps W[f, tap] · Xpad[offset(tap) + q]) for q over the padded grid (stride 1).</summary>
        public static GemmKernel GridForward(Conv2DLayerPlan l, ActivationFunction activation)
        {
            string act = Activations.KernelName(activation);
            return new GemmKernel(
                $"Conv2DForward_{Shape(l)}_{act}",
                $"Y = {Activations.Formula(activation, "conv(X, W)" + (l.UseBias ? " + b" : ""))} for X [rows, {l.InSize}] ({(l.InputIsHwc ? "H, W, C" : "C, H, W")}), W {WeightShape(l)}, Y [rows, {l.Filters}, {l.OutHeight}, {l.OutWidth}], " +
                $"computed on the padded grid ({l.OutHeight} rows of {l.PaddedWidth}, {l.GridColumns} columns) where every tap is a shifted view of the padded input.",
                $"ref float x, ref float w, {BiasParameter(l)}ref float y, ref float pad, int padStride, ref float grid, int rows",
                $"ref x, ref w, {BiasParameter(l).Replace("float ", "")}ref y, ref pad, padStride, ref grid, rows")
            {
                RowVar = "f",
                ConstRows = l.Filters,
                Columns = l.GridColumns,
                A = "w",
                Lda = Literal.Int(l.Taps),
                B = "src",
                C = "out",
                CRowRef = row => $"Unsafe.Add(ref grid, {row} * {l.GridColumns})",
                RowBias = l.UseBias ? "bias" : null,
                Taps = Taps(l, "pads", l.PaddedWidth, l.PaddedHeight * l.PaddedWidth, "0", 1),
                Epilogue = (isa, acc, row, col) => Activations.Apply(activation, acc),
                Outer = (w, body) =>
                {
                    using (w.Block("for (int s = 0; s < rows; s++)"))
                    {
                        w.Line("ref float pads = ref Unsafe.Add(ref pad, s * padStride);");
                        w.Line(PadCall(l, $"Unsafe.Add(ref x, s * {l.InSize})", "pads"));
                        body();
                        w.Line($"GridKernels.FromGrid(ref grid, ref Unsafe.Add(ref y, s * {l.OutSize}), {l.Filters}, {l.OutHeight}, {l.OutWidth}, {l.PaddedWidth}, {l.GridColumns});");
                    }
                },
            };
        }

        /// <summary>The padded-input offset of every tap (channel, kernel row, kernel column), as a constant table.</summary>
        private static TapOffsets Offsets(Conv2DLayerPlan l) => new TapOffsets(l, Shape(l));

        /// <summary>
        /// dXpad[offset(tap) + q] += Σ_f W[f, tap] · dYgrid[f, q]. Taps of one channel overlap in dXpad, so the rows
        /// are the taps in (kernel row, kernel column, channel) order, weights permuted to match, and a register tile
        /// of up to <c>Channels</c> consecutive rows always spans distinct channels: distinct planes of dXpad.
        /// </summary>
        public static GemmKernel GridInputGradient(Conv2DLayerPlan l, string offsets) =>
            new GemmKernel(
                $"Conv2DInputGradient_{Shape(l)}",
                $"dXpad += Wᵀ ⋆ dY for one sample, with dY on the padded grid ({l.GridColumns} columns per filter) and W permuted to [{l.Filters}, {l.KernelHeight}, {l.KernelWidth}, {l.Channels}].",
                "ref float grid, ref float w, ref float dpad",
                "ref grid, ref w, ref dpad")
            {
                RowVar = "t",
                ConstRows = l.Taps,
                MaxRowTile = l.Channels,
                Columns = l.GridColumns,
                ConstDepth = l.Filters,
                A = "w",
                ARowMajor = false,
                Lda = Literal.Int(l.Taps),
                B = "g",
                BRowRef = k => $"Unsafe.Add(ref grid, {k} * {l.GridColumns})",
                C = "dx",
                CRowRef = row => $"Unsafe.Add(ref dpad, {offsets}[{row}])",
                Accumulate = true,
            };

        public static void EmitForward(SourceWriter w, KernelSet kernels, Conv2DLayerPlan l, ActivationFunction activation, LayerRefs refs)
        {
            if (refs.Training && l.TrainsInLanes)
            {
                EmitLanesForward(w, kernels, l, activation, refs);
                return;
            }
            if (l.UsesGrid)
            {
                string grid = kernels.Use(GridForward(l, activation));
                string padded = refs.Training ? $"_pad{l.Index}.Reference" : refs.Scratch;
                string gridScratch = refs.Training ? "_grid.Reference" : $"Unsafe.Add(ref {refs.Scratch}, {l.PaddedSize})";
                string padStride = refs.Training ? Literal.Int(l.PaddedSize) : "0";
                w.Line($"Kernels.{grid}(ref {refs.Input}, {DenseEmitter.At(refs.Parameters, l.WeightAt)}, {BiasArgument(l, refs)}ref {refs.Output}, ref {padded}, {padStride}, ref {gridScratch}, {refs.Rows});");
                return;
            }
            string kernel = kernels.Use(Forward(l, activation));
            string pad = refs.Training ? $"_pad{l.Index}.Reference" : refs.Scratch;
            string stride = refs.Training ? Literal.Int(l.PaddedSize) : "0";
            w.Line($"Kernels.{kernel}(ref {refs.Input}, {DenseEmitter.At(refs.Parameters, l.WeightAt)}, {BiasArgument(l, refs)}ref {refs.Output}, ref {pad}, {stride}, {refs.Rows});");
        }

        public static void EmitBackward(SourceWriter w, KernelSet kernels, Conv2DLayerPlan l, LayerRefs refs)
        {
            if (l.TrainsInLanes)
            {
                EmitLanesBackward(w, kernels, l, refs);
                return;
            }
            if (l.UsesGrid)
            {
                EmitGridBackward(w, kernels, l, refs);
                return;
            }
            var weightGradient = new ConvWeightGradientKernel(l, Shape(l));
            kernels.Use(weightGradient);
            w.Line($"Kernels.{weightGradient.Name}(ref _pad{l.Index}.Reference, ref {refs.Delta}, {DenseEmitter.At(refs.Gradients, l.WeightAt)}, {(l.UseBias ? DenseEmitter.At(refs.Gradients, l.BiasAt) + ", " : "")}{refs.Rows});");
            if (refs.PreviousDelta is null) return;
            string kernel = kernels.Use(InputGradient(l));
            using (w.Block($"for (int s = 0; s < {refs.Rows}; s++)"))
            {
                w.Line($"ImageKernels.Clear(ref _dpad.Reference, {l.PaddedSize});");
                w.Line($"Kernels.{kernel}(ref {refs.Delta}, {DenseEmitter.At(refs.Parameters, l.WeightAt)}, ref _dpad.Reference, {refs.Rows}, s);");
                w.Line(UnpadCall(l, refs.PreviousDelta));
            }
            LayerKind.EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {l.InSize}");
        }

        private static string UnpadCall(Conv2DLayerPlan l, string previousDelta) =>
            $"ImageKernels.Unpad(ref _dpad.Reference, ref Unsafe.Add(ref {previousDelta}, s * {l.InSize}), {l.Channels}, {l.InHeight}, {l.InWidth}, {l.PaddedHeight}, {l.PaddedWidth}, {l.PadTop}, {l.PadLeft}{(l.InputIsHwc ? ", hwc: true" : "")});";

        private static void EmitGridBackward(SourceWriter w, KernelSet kernels, Conv2DLayerPlan l, LayerRefs refs)
        {
            var weightGradient = new ConvTapTileWeightGradientKernel(l, Shape(l), Offsets(l).Name);
            kernels.Use(Offsets(l));
            kernels.Use(weightGradient);
            var channelLast = new TapOffsets(l, Shape(l), channelLast: true);
            string? inputGradient = null;
            if (refs.PreviousDelta is not null)
            {
                kernels.Use(channelLast);
                inputGradient = kernels.Use(GridInputGradient(l, channelLast.Name));
            }
            if (l.UseBias) w.Line($"ImageKernels.Clear({DenseEmitter.At(refs.Gradients, l.BiasAt)}, {l.Filters});");
            using (w.Block($"for (int s = 0; s < {refs.Rows}; s++)"))
            {
                w.Line($"ref float dys = ref Unsafe.Add(ref {refs.Delta}, s * {l.OutSize});");
                w.Line($"GridKernels.ToGrid(ref dys, ref Unsafe.Add(ref _dgrid{l.Index}.Reference, s * {l.GridSize}), {l.Filters}, {l.OutHeight}, {l.OutWidth}, {l.PaddedWidth}, {l.GridColumns});");
                if (l.UseBias) w.Line($"GridKernels.AddPlaneSums(ref dys, {DenseEmitter.At(refs.Gradients, l.BiasAt)}, {l.Filters}, {l.OutHeight * l.OutWidth});");
            }
            w.Line($"Kernels.{weightGradient.Name}(ref _pad{l.Index}.Reference, ref _dgrid{l.Index}.Reference, {DenseEmitter.At(refs.Gradients, l.WeightAt)}, {refs.Rows});");
            if (inputGradient is not null)
            {
                w.Line($"GridKernels.ChannelLast({DenseEmitter.At(refs.Parameters, l.WeightAt)}, ref _wperm{l.Index}.Reference, {l.Filters}, {l.Channels}, {l.KernelHeight * l.KernelWidth});");
                using (w.Block($"for (int s = 0; s < {refs.Rows}; s++)"))
                {
                    w.Line($"ImageKernels.Clear(ref _dpad.Reference, {l.PaddedSize});");
                    w.Line($"Kernels.{inputGradient}(ref Unsafe.Add(ref _dgrid{l.Index}.Reference, s * {l.GridSize}), ref _wperm{l.Index}.Reference, ref _dpad.Reference);");
                    w.Line(UnpadCall(l, refs.PreviousDelta!));
                }
            }
            if (refs.PreviousDelta is not null)
            {
                LayerKind.EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {l.InSize}");
            }
        }
    }
}
