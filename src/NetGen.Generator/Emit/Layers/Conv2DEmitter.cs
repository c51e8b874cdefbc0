using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Emit.Layers
{
    /// <summary>
    /// Direct convolution on a zero-padded, channel-major copy of each sample: output rows are vectors over the output
    /// width, filters are the rows of a register tile, and the reduction runs over taps (channel, kernel row, column).
    /// For small images this beats im2col, whose copy is as large as the convolution's work (measured: see docs).
    /// </summary>
    internal static class Conv2DEmitter
    {
        private static string Shape(Conv2DLayerPlan l) =>
            $"{l.Channels}x{l.InHeight}x{l.InWidth}_{l.Filters}x{l.KernelSize}x{l.KernelSize}" +
            (l.Stride != 1 ? $"s{l.Stride}" : "") + (l.Padding == PaddingKind.Same ? "_Same" : "") + (l.InputIsHwc ? "_Hwc" : "");

        public static string Describe(Conv2DLayerPlan l) =>
            $"Layer {l.Index}: Conv2D {l.Filters}@{l.KernelSize}×{l.KernelSize}" + (l.Stride != 1 ? $", stride {l.Stride}" : "") +
            $", {(l.Padding == PaddingKind.Same ? "same" : "valid")}, {DenseEmitter.ActivationDisplay(l.Activation)}: " +
            $"{l.InHeight}×{l.InWidth}×{l.Channels} → {l.OutHeight}×{l.OutWidth}×{l.Filters} — {Literal.Grouped(l.Macs)} MACs per sample";

        private static string PadCall(Conv2DLayerPlan l, string input, string padded) =>
            $"ImageKernels.Pad(ref {input}, ref {padded}, {l.Channels}, {l.InHeight}, {l.InWidth}, {l.PaddedHeight}, {l.PaddedWidth}, {l.PadTop}, {l.PadLeft}, hwc: {(l.InputIsHwc ? "true" : "false")});";

        /// <summary>Y[s, f, oh, :] = act(b[f] + Σ_taps W[f, tap] · Xpad[s, tap row, tap column + stride·(0..OW)]).</summary>
        public static GemmKernel Forward(Conv2DLayerPlan l)
        {
            string act = DenseEmitter.ActivationName(l.Activation);
            int p = l.OutHeight * l.OutWidth;
            return new GemmKernel(
                $"Conv2DForward_{Shape(l)}_{act}",
                $"Y = {act}(conv(X, W) + b) for X [rows, {l.InSize}] ({(l.InputIsHwc ? "H, W, C" : "C, H, W")}), W [{l.Filters}, {l.Channels}, {l.KernelSize}, {l.KernelSize}], Y [rows, {l.Filters}, {l.OutHeight}, {l.OutWidth}]; each sample is padded into pad + s·padStride.",
                "ref float x, ref float w, ref float bias, ref float y, ref float pad, int padStride, int rows",
                "ref x, ref w, ref bias, ref y, ref pad, padStride, rows")
            {
                RowVar = "f",
                ConstRows = l.Filters,
                Columns = l.OutWidth,
                A = "w",
                Lda = Literal.Int(l.Taps),
                B = "src",
                C = "ys",
                CRowRef = row => $"Unsafe.Add(ref ys, {row} * {p} + oh * {l.OutWidth})",
                RowBias = "bias",
                ColumnStride = l.Stride,
                Taps = new ConvTaps("pads", l.Channels, l.KernelSize, l.PaddedWidth, l.PaddedHeight * l.PaddedWidth, "oh", l.Stride),
                Epilogue = (isa, acc, row, col) => l.Activation == ActivationKind.Linear ? acc : $"VectorMath.{act}({acc})",
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
            int kk = l.KernelSize * l.KernelSize;
            int plane = l.PaddedHeight * l.PaddedWidth;
            string rowOfTap = $"(t / {kk} * {plane} + (oh * {l.Stride} + t / {l.KernelSize} % {l.KernelSize}) * {l.PaddedWidth} + t % {l.KernelSize})";
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
                CColumnStride = l.Stride,
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
        public static GemmKernel GridForward(Conv2DLayerPlan l)
        {
            string act = DenseEmitter.ActivationName(l.Activation);
            return new GemmKernel(
                $"Conv2DForward_{Shape(l)}_{act}",
                $"Y = {act}(conv(X, W) + b) for X [rows, {l.InSize}] ({(l.InputIsHwc ? "H, W, C" : "C, H, W")}), W [{l.Filters}, {l.Channels}, {l.KernelSize}, {l.KernelSize}], Y [rows, {l.Filters}, {l.OutHeight}, {l.OutWidth}], " +
                $"computed on the padded grid ({l.OutHeight} rows of {l.PaddedWidth}, {l.GridColumns} columns) where every tap is a shifted view of the padded input.",
                "ref float x, ref float w, ref float bias, ref float y, ref float pad, int padStride, ref float grid, int rows",
                "ref x, ref w, ref bias, ref y, ref pad, padStride, ref grid, rows")
            {
                RowVar = "f",
                ConstRows = l.Filters,
                Columns = l.GridColumns,
                A = "w",
                Lda = Literal.Int(l.Taps),
                B = "src",
                C = "out",
                CRowRef = row => $"Unsafe.Add(ref grid, {row} * {l.GridColumns})",
                RowBias = "bias",
                Taps = new ConvTaps("pads", l.Channels, l.KernelSize, l.PaddedWidth, l.PaddedHeight * l.PaddedWidth, "0", 1),
                Epilogue = (isa, acc, row, col) => l.Activation == ActivationKind.Linear ? acc : $"VectorMath.{act}({acc})",
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
                $"dXpad += Wᵀ ⋆ dY for one sample, with dY on the padded grid ({l.GridColumns} columns per filter) and W permuted to [{l.Filters}, {l.KernelSize}, {l.KernelSize}, {l.Channels}].",
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

        public static void EmitForward(SourceWriter w, KernelSet kernels, Conv2DLayerPlan l, LayerRefs refs)
        {
            if (refs.Training && l.TrainsInLanes)
            {
                EmitLanesForward(w, kernels, l, refs);
                return;
            }
            if (l.UsesGrid)
            {
                string grid = kernels.Use(GridForward(l));
                string padded = refs.Training ? $"_pad{l.Index}.Reference" : refs.Scratch;
                string gridScratch = refs.Training ? "_grid.Reference" : $"Unsafe.Add(ref {refs.Scratch}, {l.PaddedSize})";
                string padStride = refs.Training ? Literal.Int(l.PaddedSize) : "0";
                w.Line($"Kernels.{grid}(ref {refs.Input}, {DenseEmitter.At(refs.Parameters, l.WeightOffset)}, {DenseEmitter.At(refs.Parameters, l.BiasOffset)}, ref {refs.Output}, ref {padded}, {padStride}, ref {gridScratch}, {refs.Rows});");
                return;
            }
            string kernel = kernels.Use(Forward(l));
            string pad = refs.Training ? $"_pad{l.Index}.Reference" : refs.Scratch;
            string stride = refs.Training ? Literal.Int(l.PaddedSize) : "0";
            w.Line($"Kernels.{kernel}(ref {refs.Input}, {DenseEmitter.At(refs.Parameters, l.WeightOffset)}, {DenseEmitter.At(refs.Parameters, l.BiasOffset)}, ref {refs.Output}, ref {pad}, {stride}, {refs.Rows});");
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
            w.Line($"Kernels.{weightGradient.Name}(ref _pad{l.Index}.Reference, ref {refs.Delta}, {DenseEmitter.At(refs.Gradients, l.WeightOffset)}, {DenseEmitter.At(refs.Gradients, l.BiasOffset)}, {refs.Rows});");
            if (refs.PreviousDelta is null) return;
            string kernel = kernels.Use(InputGradient(l));
            using (w.Block($"for (int s = 0; s < {refs.Rows}; s++)"))
            {
                w.Line($"ImageKernels.Clear(ref _dpad.Reference, {l.PaddedSize});");
                w.Line($"Kernels.{kernel}(ref {refs.Delta}, {DenseEmitter.At(refs.Parameters, l.WeightOffset)}, ref _dpad.Reference, {refs.Rows}, s);");
                w.Line(UnpadCall(l, refs.PreviousDelta));
            }
            LayerEmitter.EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {l.InSize}");
        }

        // ---- training in sample lanes: 16 samples side by side, packed[c, h, w, lane]

        private const int Lanes = 16;

        /// <summary>A layer trained in lanes keeps its packed inputs, its packed outputs (then output gradients) and its packed input gradients.</summary>
        public static (string Field, string Size, string Comment)[] LaneBuffers(Conv2DLayerPlan c)
        {
            string rows16 = $"(maxRows + {Lanes - 1}) / {Lanes} * {Lanes}";
            var buffers = new List<(string, string, string)>
            {
                ($"_xlanes{c.Index}", $"{rows16} * {c.PaddedPixels}", $"layer {c.Index}'s zero-padded inputs in sample lanes, [groups, {c.Channels}, {c.PaddedHeight}, {c.PaddedWidth}, {Lanes}]"),
                ($"_ylanes{c.Index}", $"{rows16} * {c.OutSize}", $"layer {c.Index}'s outputs, then their gradients, in sample lanes, [groups, {c.Filters}, {c.OutHeight}, {c.OutWidth}, {Lanes}]"),
            };
            if (c.Index > 1)
            {
                buffers.Add(($"_dxlanes{c.Index}", $"{rows16} * {c.PaddedPixels}", $"layer {c.Index}'s gradients with respect to its padded inputs, in sample lanes"));
                buffers.Add(($"_wperm{c.Index}", $"{c.WeightCount}", $"layer {c.Index}'s kernels with the channel last, [{c.Filters}, {c.KernelSize}, {c.KernelSize}, {c.Channels}], for its input gradient"));
            }
            return buffers.ToArray();
        }

        private static string PackArguments(Conv2DLayerPlan l) =>
            $"{l.Channels}, {l.InHeight}, {l.InWidth}, {l.PaddedHeight}, {l.PaddedWidth}, {l.PadTop}, {l.PadLeft}, hwc: {(l.InputIsHwc ? "true" : "false")}";

        /// <summary>Opens the loop over lane groups: <c>first</c> is the group's first sample, <c>lanes</c> its number of samples.</summary>
        private static System.IDisposable Groups(SourceWriter w, string rows)
        {
            var block = w.Block($"for (int first = 0; first < {rows}; first += {Lanes})");
            w.Line($"int lanes = Math.Min({Lanes}, {rows} - first);");
            return block;
        }

        /// <summary>Y[group, f, oh, (ow, lane)] = act(b[f] + Σ_taps W[f, tap] · Xlanes[group, tap row, (tap column + ow, lane)]): the direct convolution, a pixel being 16 floats.</summary>
        public static GemmKernel LanesForward(Conv2DLayerPlan l)
        {
            string act = DenseEmitter.ActivationName(l.Activation);
            return new GemmKernel(
                $"Conv2DLanesForward_{Shape(l)}_{act}",
                $"Y = {act}(conv(X, W) + b) on 16 samples per lane group: X [groups, {l.Channels}, {l.PaddedHeight}, {l.PaddedWidth}, 16] (padded), W [{l.Filters}, {l.Channels}, {l.KernelSize}, {l.KernelSize}], Y [groups, {l.Filters}, {l.OutHeight}, {l.OutWidth}, 16].",
                "ref float x, ref float w, ref float bias, ref float y, int groups",
                "ref x, ref w, ref bias, ref y, groups")
            {
                RowVar = "f",
                ConstRows = l.Filters,
                Columns = l.OutWidth * Lanes,
                A = "w",
                Lda = Literal.Int(l.Taps),
                B = "src",
                C = "ys",
                CRowRef = row => $"Unsafe.Add(ref ys, {row} * {l.OutHeight * l.OutWidth * Lanes} + oh * {l.OutWidth * Lanes})",
                RowBias = "bias",
                Taps = new ConvTaps("xs", l.Channels, l.KernelSize, l.PaddedWidth * Lanes, l.PaddedHeight * l.PaddedWidth * Lanes, "oh", 1) { ColumnScale = Lanes },
                Epilogue = (isa, acc, row, col) => l.Activation == ActivationKind.Linear ? acc : $"VectorMath.{act}({acc})",
                Outer = (w, body) =>
                {
                    using (w.Block("for (int group = 0; group < groups; group++)"))
                    {
                        w.Line($"ref float xs = ref Unsafe.Add(ref x, group * {l.PaddedPixels * Lanes});");
                        w.Line($"ref float ys = ref Unsafe.Add(ref y, group * {l.OutSize * Lanes});");
                        using (w.Block($"for (int oh = 0; oh < {l.OutHeight}; oh++)"))
                        {
                            body();
                        }
                    }
                },
            };
        }

        /// <summary>dXlanes[group, offset(tap) + oh row, (ow, lane)] += Σ_f W[f, tap] · dYlanes[group, f, oh, (ow, lane)], taps channel-last so a tile spans distinct planes.</summary>
        public static GemmKernel LanesInputGradient(Conv2DLayerPlan l, string offsets) =>
            new GemmKernel(
                $"Conv2DLanesInputGradient_{Shape(l)}",
                $"dXlanes += Wᵀ ⋆ dYlanes on 16 samples per lane group, with W permuted to [{l.Filters}, {l.KernelSize}, {l.KernelSize}, {l.Channels}].",
                "ref float dy, ref float w, ref float dx, int groups",
                "ref dy, ref w, ref dx, groups")
            {
                RowVar = "t",
                ConstRows = l.Taps,
                MaxRowTile = l.Channels,
                Columns = l.OutWidth * Lanes,
                ConstDepth = l.Filters,
                A = "w",
                ARowMajor = false,
                Lda = Literal.Int(l.Taps),
                B = "g",
                BRowRef = k => $"Unsafe.Add(ref dys, {k} * {l.OutHeight * l.OutWidth * Lanes} + oh * {l.OutWidth * Lanes})",
                C = "dx",
                CRowRef = row => $"Unsafe.Add(ref dxs, {offsets}[{row}] + oh * {l.PaddedWidth * Lanes})",
                Accumulate = true,
                Outer = (w, body) =>
                {
                    using (w.Block("for (int group = 0; group < groups; group++)"))
                    {
                        w.Line($"ref float dys = ref Unsafe.Add(ref dy, group * {l.OutSize * Lanes});");
                        w.Line($"ref float dxs = ref Unsafe.Add(ref dx, group * {l.PaddedPixels * Lanes});");
                        using (w.Block($"for (int oh = 0; oh < {l.OutHeight}; oh++)"))
                        {
                            body();
                        }
                    }
                },
            };

        private static void EmitLanesForward(SourceWriter w, KernelSet kernels, Conv2DLayerPlan l, LayerRefs refs)
        {
            string kernel = kernels.Use(LanesForward(l));
            w.Line($"// in sample lanes: {Lanes} samples side by side, so every lane of the {l.OutWidth}-wide output rows is an output");
            using (Groups(w, refs.Rows))
            {
                w.Line($"SampleLanes.Pack(ref Unsafe.Add(ref {refs.Input}, first * {l.InSize}), lanes, {l.InSize}, {PackArguments(l)}, ref Unsafe.Add(ref _xlanes{l.Index}.Reference, first * {l.PaddedPixels}));");
            }
            w.Line($"Kernels.{kernel}(ref _xlanes{l.Index}.Reference, {DenseEmitter.At(refs.Parameters, l.WeightOffset)}, {DenseEmitter.At(refs.Parameters, l.BiasOffset)}, ref _ylanes{l.Index}.Reference, ({refs.Rows} + {Lanes - 1}) / {Lanes});");
            using (Groups(w, refs.Rows))
            {
                w.Line($"SampleLanes.Unpack(ref Unsafe.Add(ref _ylanes{l.Index}.Reference, first * {l.OutSize}), lanes, {l.OutSize}, ref Unsafe.Add(ref {refs.Output}, first * {l.OutSize}));");
            }
        }

        private static void EmitLanesBackward(SourceWriter w, KernelSet kernels, Conv2DLayerPlan l, LayerRefs refs)
        {
            var offsets = new TapOffsets(l, Shape(l), lanes: Lanes);
            var weightGradient = new ConvGridWeightGradientKernel(l, Shape(l), offsets.Name, lanes: true);
            kernels.Use(offsets);
            kernels.Use(weightGradient);
            string groups = $"({refs.Rows} + {Lanes - 1}) / {Lanes}";
            w.Line($"ImageKernels.Clear({DenseEmitter.At(refs.Gradients, l.BiasOffset)}, {l.Filters});");
            using (w.Block($"for (int s = 0; s < {refs.Rows}; s++)"))
            {
                w.Line($"GridKernels.AddPlaneSums(ref Unsafe.Add(ref {refs.Delta}, s * {l.OutSize}), {DenseEmitter.At(refs.Gradients, l.BiasOffset)}, {l.Filters}, {l.OutHeight * l.OutWidth});");
            }
            using (Groups(w, refs.Rows))
            {
                w.Line($"SampleLanes.Pack(ref Unsafe.Add(ref {refs.Delta}, first * {l.OutSize}), lanes, {l.OutSize}, {l.Filters}, {l.OutHeight}, {l.OutWidth}, {l.OutHeight}, {l.OutWidth}, 0, 0, hwc: false, ref Unsafe.Add(ref _ylanes{l.Index}.Reference, first * {l.OutSize}));");
            }
            w.Line($"Kernels.{weightGradient.Name}(ref _xlanes{l.Index}.Reference, ref _ylanes{l.Index}.Reference, {DenseEmitter.At(refs.Gradients, l.WeightOffset)}, {groups});");
            if (refs.PreviousDelta is null) return;
            var channelLast = new TapOffsets(l, Shape(l), channelLast: true, lanes: Lanes);
            kernels.Use(channelLast);
            string inputGradient = kernels.Use(LanesInputGradient(l, channelLast.Name));
            w.Line($"GridKernels.ChannelLast({DenseEmitter.At(refs.Parameters, l.WeightOffset)}, ref _wperm{l.Index}.Reference, {l.Filters}, {l.Channels}, {l.KernelSize * l.KernelSize});");
            w.Line($"ImageKernels.Clear(ref _dxlanes{l.Index}.Reference, {groups} * {l.PaddedPixels * Lanes});");
            w.Line($"Kernels.{inputGradient}(ref _ylanes{l.Index}.Reference, ref _wperm{l.Index}.Reference, ref _dxlanes{l.Index}.Reference, {groups});");
            using (Groups(w, refs.Rows))
            {
                w.Line($"SampleLanes.UnpackCropped(ref Unsafe.Add(ref _dxlanes{l.Index}.Reference, first * {l.PaddedPixels}), lanes, {l.InSize}, {PackArguments(l)}, ref Unsafe.Add(ref {refs.PreviousDelta}, first * {l.InSize}));");
            }
            LayerEmitter.EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {l.InSize}");
        }

        private static string UnpadCall(Conv2DLayerPlan l, string previousDelta) =>
            $"ImageKernels.Unpad(ref _dpad.Reference, ref Unsafe.Add(ref {previousDelta}, s * {l.InSize}), {l.Channels}, {l.InHeight}, {l.InWidth}, {l.PaddedHeight}, {l.PaddedWidth}, {l.PadTop}, {l.PadLeft}{(l.InputIsHwc ? ", hwc: true" : "")});";

        private static void EmitGridBackward(SourceWriter w, KernelSet kernels, Conv2DLayerPlan l, LayerRefs refs)
        {
            var weightGradient = new ConvGridWeightGradientKernel(l, Shape(l), Offsets(l).Name);
            kernels.Use(Offsets(l));
            kernels.Use(weightGradient);
            var channelLast = new TapOffsets(l, Shape(l), channelLast: true);
            string? inputGradient = null;
            if (refs.PreviousDelta is not null)
            {
                kernels.Use(channelLast);
                inputGradient = kernels.Use(GridInputGradient(l, channelLast.Name));
            }
            w.Line($"ImageKernels.Clear({DenseEmitter.At(refs.Gradients, l.BiasOffset)}, {l.Filters});");
            using (w.Block($"for (int s = 0; s < {refs.Rows}; s++)"))
            {
                w.Line($"ref float dys = ref Unsafe.Add(ref {refs.Delta}, s * {l.OutSize});");
                w.Line($"GridKernels.ToGrid(ref dys, ref Unsafe.Add(ref _dgrid{l.Index}.Reference, s * {l.GridSize}), {l.Filters}, {l.OutHeight}, {l.OutWidth}, {l.PaddedWidth}, {l.GridColumns});");
                w.Line($"GridKernels.AddPlaneSums(ref dys, {DenseEmitter.At(refs.Gradients, l.BiasOffset)}, {l.Filters}, {l.OutHeight * l.OutWidth});");
            }
            w.Line($"Kernels.{weightGradient.Name}(ref _pad{l.Index}.Reference, ref _dgrid{l.Index}.Reference, {DenseEmitter.At(refs.Gradients, l.WeightOffset)}, {refs.Rows});");
            if (inputGradient is not null)
            {
                w.Line($"GridKernels.ChannelLast({DenseEmitter.At(refs.Parameters, l.WeightOffset)}, ref _wperm{l.Index}.Reference, {l.Filters}, {l.Channels}, {l.KernelSize * l.KernelSize});");
                using (w.Block($"for (int s = 0; s < {refs.Rows}; s++)"))
                {
                    w.Line($"ImageKernels.Clear(ref _dpad.Reference, {l.PaddedSize});");
                    w.Line($"Kernels.{inputGradient}(ref Unsafe.Add(ref _dgrid{l.Index}.Reference, s * {l.GridSize}), ref _wperm{l.Index}.Reference, ref _dpad.Reference);");
                    w.Line(UnpadCall(l, refs.PreviousDelta!));
                }
            }
            if (refs.PreviousDelta is not null)
            {
                LayerEmitter.EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {l.InSize}");
            }
        }
    }

    /// <summary>
    /// dW[f, tap] = Σ_samples Σ_oh ⟨dY[s, f, oh, :], Xpad[s, tap row, tap column + stride·(0..OW)]⟩ and db[f] = Σ dY[s, f, :, :]:
    /// dot products along the output width, filters in register tiles, lanes summed once per tap.
    /// </summary>
    internal sealed class ConvWeightGradientKernel : KernelBase
    {
        private readonly Conv2DLayerPlan _l;

        public ConvWeightGradientKernel(Conv2DLayerPlan layer, string shape)
            : base("Conv2DWeightGradient_" + shape,
                $"dW = Σ dY ⋆ Xpad and db = Σ dY over the batch, for W [{layer.Filters}, {layer.Channels}, {layer.KernelSize}, {layer.KernelSize}] (padded inputs kept from the forward pass).",
                "ref float pad, ref float dy, ref float dw, ref float db, int rows",
                "ref pad, ref dy, ref dw, ref db, rows")
        {
            _l = layer;
        }

        public override void EmitPath(SourceWriter w, Isa path)
        {
            Conv2DLayerPlan l = _l;
            Isa isa = l.Stride != 1 ? Isa.Scalar : path; // strided columns are not contiguous
            int p = l.OutHeight * l.OutWidth;
            int plane = l.PaddedHeight * l.PaddedWidth;
            List<Chunk> chunks = Isa.SplitColumns(isa, 0, l.OutWidth);
            int rowTile = System.Math.Max(1, System.Math.Min(isa.RowTile, 16 / System.Math.Max(1, System.Math.Min(chunks.Count, 4))));
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {Name}_{path.Suffix}({Signature})"))
            {
                w.Line($"ImageKernels.Clear(ref dw, {l.WeightCount});");
                w.Line($"ImageKernels.Clear(ref db, {l.Filters});");
                using (w.Block("for (int s = 0; s < rows; s++)"))
                {
                    w.Line($"ref float pads = ref Unsafe.Add(ref pad, s * {l.PaddedSize});");
                    w.Line($"ref float dys = ref Unsafe.Add(ref dy, s * {l.OutSize});");
                    using (w.Block($"for (int f = 0; f < {l.Filters}; f++)"))
                    {
                        w.Line($"Unsafe.Add(ref db, f) += ImageKernels.Sum(ref Unsafe.Add(ref dys, f * {p}), {p});");
                    }
                    w.Line("int f0 = 0;");
                    if (l.Filters >= rowTile)
                    {
                        w.Line($"// main loop: {rowTile} filters per tile");
                        using (w.Block($"for (; f0 + {rowTile} <= {l.Filters}; f0 += {rowTile})"))
                        {
                            EmitTile(w, rowTile, chunks, p, plane);
                        }
                    }
                    if (l.Filters % rowTile != 0)
                    {
                        w.Line("// tail: one filter at a time");
                        using (w.Block($"for (; f0 < {l.Filters}; f0++)"))
                        {
                            EmitTile(w, 1, chunks, p, plane);
                        }
                    }
                }
            }
        }

        private void EmitTile(SourceWriter w, int rows, List<Chunk> chunks, int p, int plane)
        {
            Conv2DLayerPlan l = _l;
            for (int i = 0; i < rows; i++)
            {
                w.Line($"ref float g{i} = ref Unsafe.Add(ref dys, {(i == 0 ? "f0" : $"(f0 + {i})")} * {p});");
            }
            w.Line("int k = 0; // tap: (channel, kernel row, kernel column)");
            using (w.Block($"for (int c = 0; c < {l.Channels}; c++)"))
            using (w.Block($"for (int kh = 0; kh < {l.KernelSize}; kh++)"))
            using (w.Block($"for (int kw = 0; kw < {l.KernelSize}; kw++, k++)"))
            {
                // column groups of at most 4 registers, each summed over the output rows
                for (int start = 0; start < chunks.Count; start += 4)
                {
                    List<Chunk> group = chunks.Skip(start).Take(4).ToList();
                    using (w.Block())
                    {
                        for (int i = 0; i < rows; i++)
                        {
                            for (int j = 0; j < group.Count; j++) w.Line($"var acc{i}{j} = {group[j].Isa.Zero};");
                        }
                        using (w.Block($"for (int oh = 0; oh < {l.OutHeight}; oh++)"))
                        {
                            string row = l.Stride == 1 ? "(oh + kh)" : $"(oh * {l.Stride} + kh)";
                            w.Line($"ref float xr = ref Unsafe.Add(ref pads, c * {plane} + {row} * {l.PaddedWidth} + kw);");
                            for (int j = 0; j < group.Count; j++)
                            {
                                w.Line($"var x{j} = {group[j].Isa.Load("xr", Literal.Int(group[j].Column * l.Stride))};");
                            }
                            for (int i = 0; i < rows; i++)
                            {
                                for (int j = 0; j < group.Count; j++)
                                {
                                    string g = group[j].Isa.Load($"g{i}", $"oh * {l.OutWidth} + {group[j].Column}");
                                    w.Line($"acc{i}{j} = {group[j].Isa.Fma(g, "x" + j, $"acc{i}{j}")};");
                                }
                            }
                        }
                        for (int i = 0; i < rows; i++)
                        {
                            var sums = group.Select((ch, j) => ch.Isa.IsScalar ? $"acc{i}{j}" : $"{ch.Isa.VectorClass}.Sum(acc{i}{j})");
                            string target = $"Unsafe.Add(ref dw, {(i == 0 ? "f0" : $"(f0 + {i})")} * {l.Taps} + k)";
                            w.Line($"{target} += {string.Join(" + ", sums)};");
                        }
                    }
                }
            }
        }
    }
}

namespace NetGen.Generator.Emit.Layers
{
    /// <summary>The padded-input offset of each tap of one convolution shape, emitted once as a constant table.</summary>
    internal sealed class TapOffsets : IKernel
    {
        private readonly Conv2DLayerPlan _l;

        private readonly bool _channelLast;

        private readonly int _lanes;

        /// <param name="channelLast">Order the taps (kernel row, kernel column, channel) instead of (channel, kernel row, kernel column).</param>
        /// <param name="lanes">Floats per pixel: 1, or 16 for inputs packed in sample lanes.</param>
        public TapOffsets(Conv2DLayerPlan layer, string shape, bool channelLast = false, int lanes = 1)
        {
            _l = layer;
            _channelLast = channelLast;
            _lanes = lanes;
            Name = (channelLast ? "TapOffsetsChannelLast" : "TapOffsets") + (lanes == 1 ? "" : "Lanes") + "_" + shape;
        }

        public string Name { get; }

        public void EmitDispatcher(SourceWriter w)
        {
            var offsets = new System.Collections.Generic.List<string>();
            int k = _l.KernelSize;
            for (int i = 0; i < _l.Taps; i++)
            {
                int c = _channelLast ? i % _l.Channels : i / (k * k);
                int khkw = _channelLast ? i / _l.Channels : i % (k * k);
                offsets.Add(Literal.Int(((c * _l.PaddedHeight + khkw / k) * _l.PaddedWidth + khkw % k) * _lanes));
            }
            string order = _channelLast ? "(kernel row, kernel column, channel)" : "(channel, kernel row, kernel column)";
            string layout = _lanes == 1 ? "" : $" in sample lanes ({_lanes} floats per pixel)";
            w.Line($"/// <summary>Offset of each tap {order} in a padded {_l.Channels}×{_l.PaddedHeight}×{_l.PaddedWidth} input{layout}.</summary>");
            w.Line($"private static ReadOnlySpan<int> {Name} => new int[]");
            using (w.Block(null, "};"))
            {
                for (int i = 0; i < offsets.Count; i += 16)
                {
                    w.Line(string.Join(", ", offsets.Skip(i).Take(16)) + ",");
                }
            }
        }

        public void EmitPath(SourceWriter w, Isa isa)
        {
            // a table, not code: nothing per path
        }
    }

    /// <summary>
    /// dW[f, tap] = Σ ⟨dY[f, :], X[offset(tap) + :]⟩ over the batch: whole registers along the padded grid (one sample at
    /// a time), or along each output row of 16 samples in lanes; a tile of filters × taps, lanes summed once per tile.
    /// </summary>
    internal sealed class ConvGridWeightGradientKernel : KernelBase
    {
        private readonly Conv2DLayerPlan _l;
        private readonly string _offsets;
        private readonly bool _lanes;

        public ConvGridWeightGradientKernel(Conv2DLayerPlan layer, string shape, string offsets, bool lanes = false)
            : base((lanes ? "Conv2DLanesWeightGradient_" : "Conv2DWeightGradient_") + shape,
                lanes
                    ? $"dW = Σ_groups dYlanes ⋆ Xlanes, W [{layer.Filters}, {layer.Channels}, {layer.KernelSize}, {layer.KernelSize}]: 16 samples per lane group, output rows of {layer.OutWidth} pixels × 16 lanes."
                    : $"dW += Σ_samples dY ⋆ Xpad, W [{layer.Filters}, {layer.Channels}, {layer.KernelSize}, {layer.KernelSize}]: dY of every sample on the padded grid (stride {layer.GridSize}), padded inputs at stride {layer.PaddedSize}.",
                lanes ? "ref float x, ref float dy, ref float dw, int groups" : "ref float pad, ref float grid, ref float dw, int rows",
                lanes ? "ref x, ref dy, ref dw, groups" : "ref pad, ref grid, ref dw, rows")
        {
            _l = layer;
            _offsets = offsets;
            _lanes = lanes;
        }

        public override void EmitPath(SourceWriter w, Isa isa)
        {
            Conv2DLayerPlan l = _l;
            int filterTile = isa == Isa.V512 ? 4 : 2;
            int tapTile = isa.IsScalar ? 2 : 4;
            // 5 or 6 filters fit one V512 tile (24 accumulators): no remainder tile reading every input row again
            if (isa == Isa.V512 && l.Filters > filterTile && l.Filters <= 6) filterTile = l.Filters;
            int remainder = l.Filters % filterTile;
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {Name}_{isa.Suffix}({Signature})"))
            {
                w.Line($"ReadOnlySpan<int> offsets = {_offsets};");
                w.Line("int f = 0;");
                if (l.Filters >= filterTile)
                {
                    w.Line($"// main loop: {filterTile} filters × {tapTile} taps per tile");
                    using (w.Block($"for (; f + {filterTile} <= {l.Filters}; f += {filterTile})"))
                    {
                        EmitTaps(w, isa, filterTile, tapTile);
                    }
                }
                if (remainder != 0)
                {
                    w.Line($"// the last {(remainder == 1 ? "filter" : remainder + " filters")}");
                    using (w.Block())
                    {
                        EmitTaps(w, isa, remainder, tapTile);
                    }
                }
            }
        }

        private void EmitTaps(SourceWriter w, Isa isa, int filters, int taps)
        {
            w.Line("int t = 0;");
            if (_l.Taps >= taps)
            {
                using (w.Block($"for (; t + {taps} <= {_l.Taps}; t += {taps})"))
                {
                    EmitTile(w, isa, filters, taps);
                }
            }
            if (_l.Taps % taps != 0)
            {
                using (w.Block($"for (; t < {_l.Taps}; t++)"))
                {
                    EmitTile(w, isa, filters, 1);
                }
            }
        }

        private void EmitTile(SourceWriter w, Isa isa, int filters, int taps)
        {
            Conv2DLayerPlan l = _l;
            for (int i = 0; i < filters; i++)
                for (int j = 0; j < taps; j++) w.Line($"var acc{i}{j} = {isa.Zero};");
            // every sample into the same registers: lanes are summed once per tile, not once per sample
            var loops = new List<System.IDisposable>();
            string filterRow, tapRow;
            int columns;
            if (_lanes)
            {
                const int lanes = 16;
                loops.Add(w.Block("for (int group = 0; group < groups; group++)"));
                loops.Add(w.Block($"for (int oh = 0; oh < {l.OutHeight}; oh++)"));
                filterRow = $"group * {l.OutSize * lanes} + {{0}} * {l.OutHeight * l.OutWidth * lanes} + oh * {l.OutWidth * lanes}";
                tapRow = $"group * {l.PaddedPixels * lanes} + offsets[{{0}}] + oh * {l.PaddedWidth * lanes}";
                columns = l.OutWidth * lanes;
            }
            else
            {
                loops.Add(w.Block("for (int s = 0; s < rows; s++)"));
                filterRow = $"s * {l.GridSize} + {{0}} * {l.GridColumns}";
                tapRow = $"s * {l.PaddedSize} + offsets[{{0}}]";
                columns = l.GridColumns;
            }
            string dy = _lanes ? "dy" : "grid", x = _lanes ? "x" : "pad";
            for (int i = 0; i < filters; i++) w.Line($"ref float g{i} = ref Unsafe.Add(ref {dy}, {string.Format(filterRow, i == 0 ? "f" : $"(f + {i})")});");
            for (int j = 0; j < taps; j++) w.Line($"ref float x{j} = ref Unsafe.Add(ref {x}, {string.Format(tapRow, j == 0 ? "t" : $"t + {j}")});");
            using (w.Block($"for (int q = 0; q < {columns}; q += {isa.Width})"))
            {
                for (int j = 0; j < taps; j++) w.Line($"var xv{j} = {isa.Load($"x{j}", "q")};");
                for (int i = 0; i < filters; i++)
                {
                    w.Line($"var gv{i} = {isa.Load($"g{i}", "q")};");
                    for (int j = 0; j < taps; j++) w.Line($"acc{i}{j} = {isa.Fma($"gv{i}", $"xv{j}", $"acc{i}{j}")};");
                }
            }
            for (int k = loops.Count - 1; k >= 0; k--) loops[k].Dispose();
            for (int i = 0; i < filters; i++)
            {
                for (int j = 0; j < taps; j++)
                {
                    string sum = isa.IsScalar ? $"acc{i}{j}" : $"{isa.VectorClass}.Sum(acc{i}{j})";
                    string row = i == 0 ? "f" : $"(f + {i})";
                    string tap = j == 0 ? "t" : $"t + {j}";
                    w.Line($"Unsafe.Add(ref dw, {row} * {l.Taps} + {tap}) = {sum};");
                }
            }
        }
    }
}
