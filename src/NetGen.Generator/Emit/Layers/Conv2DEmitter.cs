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

        public static void EmitForward(SourceWriter w, KernelSet kernels, Conv2DLayerPlan l, LayerRefs refs)
        {
            string kernel = kernels.Use(Forward(l));
            string pad = refs.Training ? $"_pad{l.Index}.Reference" : refs.Scratch;
            string stride = refs.Training ? Literal.Int(l.PaddedSize) : "0";
            w.Line($"Kernels.{kernel}(ref {refs.Input}, {DenseEmitter.At(refs.Parameters, l.WeightOffset)}, {DenseEmitter.At(refs.Parameters, l.BiasOffset)}, ref {refs.Output}, ref {pad}, {stride}, {refs.Rows});");
        }

        public static void EmitBackward(SourceWriter w, KernelSet kernels, Conv2DLayerPlan l, LayerRefs refs)
        {
            var weightGradient = new ConvWeightGradientKernel(l, Shape(l));
            kernels.Use(weightGradient);
            w.Line($"Kernels.{weightGradient.Name}(ref _pad{l.Index}.Reference, ref {refs.Delta}, {DenseEmitter.At(refs.Gradients, l.WeightOffset)}, {DenseEmitter.At(refs.Gradients, l.BiasOffset)}, {refs.Rows});");
            if (refs.PreviousDelta is null) return;
            string kernel = kernels.Use(InputGradient(l));
            using (w.Block($"for (int s = 0; s < {refs.Rows}; s++)"))
            {
                w.Line($"ImageKernels.Clear(ref _dpad.Reference, {l.PaddedSize});");
                w.Line($"Kernels.{kernel}(ref {refs.Delta}, {DenseEmitter.At(refs.Parameters, l.WeightOffset)}, ref _dpad.Reference, {refs.Rows}, s);");
                w.Line($"ImageKernels.Unpad(ref _dpad.Reference, ref Unsafe.Add(ref {refs.PreviousDelta}, s * {l.InSize}), {l.Channels}, {l.InHeight}, {l.InWidth}, {l.PaddedHeight}, {l.PaddedWidth}, {l.PadTop}, {l.PadLeft});");
            }
            LayerEmitter.EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {l.InSize}");
        }
    }

    /// <summary>
    /// dW[f, tap] = Σ_samples Σ_oh ⟨dY[s, f, oh, :], Xpad[s, tap row, tap column + stride·(0..OW)]⟩ and db[f] = Σ dY[s, f, :, :]:
    /// dot products along the output width, filters in register tiles, lanes summed once per tap.
    /// </summary>
    internal sealed class ConvWeightGradientKernel : IKernel
    {
        private readonly Conv2DLayerPlan _l;

        public ConvWeightGradientKernel(Conv2DLayerPlan layer, string shape)
        {
            _l = layer;
            Name = "Conv2DWeightGradient_" + shape;
        }

        public string Name { get; }

        private const string Signature = "ref float pad, ref float dy, ref float dw, ref float db, int rows";
        private const string Arguments = "ref pad, ref dy, ref dw, ref db, rows";

        public void EmitDispatcher(SourceWriter w)
        {
            w.Line($"/// <summary>dW = Σ dY ⋆ Xpad and db = Σ dY over the batch, for W [{_l.Filters}, {_l.Channels}, {_l.KernelSize}, {_l.KernelSize}] (padded inputs kept from the forward pass).</summary>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            using (w.Block($"public static void {Name}({Signature})"))
            {
                GemmKernel.EmitDispatch(w, Name, Arguments);
            }
        }

        public void EmitPath(SourceWriter w, Isa path)
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
