using NetGen.Generator.Emit;
using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// dW[f, tap] = Σ_samples Σ_oh ⟨dY[s, f, oh, :], Xpad[s, tap row, tap column + stride·(0..OW)]⟩ and db[f] = Σ dY[s, f, :, :]:
    /// dot products along the output width, filters in register tiles, lanes summed once per tap.
    /// </summary>
    internal sealed class ConvWeightGradientKernel : KernelBase
    {
        private readonly Conv2DLayerPlan _l;

        public ConvWeightGradientKernel(Conv2DLayerPlan layer, string shape)
            : base("Conv2DWeightGradient_" + shape,
                $"dW = Σ dY ⋆ Xpad{(layer.UseBias ? " and db = Σ dY" : "")} over the batch, for W [{layer.Filters}, {layer.Channels}, {layer.KernelHeight}, {layer.KernelWidth}] (padded inputs kept from the forward pass).",
                layer.UseBias ? "ref float pad, ref float dy, ref float dw, ref float db, int rows" : "ref float pad, ref float dy, ref float dw, int rows",
                layer.UseBias ? "ref pad, ref dy, ref dw, ref db, rows" : "ref pad, ref dy, ref dw, rows")
        {
            _l = layer;
        }

        public override void EmitPath(SourceWriter w, Isa path)
        {
            Conv2DLayerPlan l = _l;
            Isa isa = l.StrideWidth != 1 ? Isa.Scalar : path; // strided columns are not contiguous
            int p = l.OutHeight * l.OutWidth;
            int plane = l.PaddedHeight * l.PaddedWidth;
            List<Chunk> chunks = Isa.SplitColumns(isa, 0, l.OutWidth);
            int rowTile = System.Math.Max(1, System.Math.Min(isa.RowTile, 16 / System.Math.Max(1, System.Math.Min(chunks.Count, 4))));
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {Name}_{path.Suffix}({Signature})"))
            {
                w.Line($"ImageKernels.Clear(ref dw, {l.WeightCount});");
                if (l.UseBias) w.Line($"ImageKernels.Clear(ref db, {l.Filters});");
                using (w.Block("for (int s = 0; s < rows; s++)"))
                {
                    w.Line($"ref float pads = ref Unsafe.Add(ref pad, s * {l.PaddedSize});");
                    w.Line($"ref float dys = ref Unsafe.Add(ref dy, s * {l.OutSize});");
                    if (l.UseBias)
                    {
                        using (w.Block($"for (int f = 0; f < {l.Filters}; f++)"))
                        {
                            w.Line($"Unsafe.Add(ref db, f) += ImageKernels.Sum(ref Unsafe.Add(ref dys, f * {p}), {p});");
                        }
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
            using (w.Block($"for (int kh = 0; kh < {l.KernelHeight}; kh++)"))
            using (w.Block($"for (int kw = 0; kw < {l.KernelWidth}; kw++, k++)"))
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
                            string kernelRow = l.DilationHeight == 1 ? "kh" : $"kh * {l.DilationHeight}";
                            string row = l.StrideHeight == 1 ? $"(oh + {kernelRow})" : $"(oh * {l.StrideHeight} + {kernelRow})";
                            string column = l.DilationWidth == 1 ? "kw" : $"kw * {l.DilationWidth}";
                            w.Line($"ref float xr = ref Unsafe.Add(ref pads, c * {plane} + {row} * {l.PaddedWidth} + {column});");
                            for (int j = 0; j < group.Count; j++)
                            {
                                w.Line($"var x{j} = {group[j].Isa.Load("xr", Literal.Int(group[j].Column * l.StrideWidth))};");
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
            int kh = _l.KernelHeight, kw = _l.KernelWidth;
            for (int i = 0; i < _l.Taps; i++)
            {
                int c = _channelLast ? i % _l.Channels : i / (kh * kw);
                int khkw = _channelLast ? i / _l.Channels : i % (kh * kw);
                int row = khkw / kw * _l.DilationHeight, column = khkw % kw * _l.DilationWidth;
                offsets.Add(Literal.Int(((c * _l.PaddedHeight + row) * _l.PaddedWidth + column) * _lanes));
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
    internal sealed class ConvTapTileWeightGradientKernel : KernelBase
    {
        private readonly Conv2DLayerPlan _l;
        private readonly string _offsets;
        private readonly bool _lanes;

        public ConvTapTileWeightGradientKernel(Conv2DLayerPlan layer, string shape, string offsets, bool lanes = false)
            : base((lanes ? "Conv2DLanesWeightGradient_" : "Conv2DWeightGradient_") + shape,
                lanes
                    ? $"dW = Σ_groups dYlanes ⋆ Xlanes, W [{layer.Filters}, {layer.Channels}, {layer.KernelHeight}, {layer.KernelWidth}]: 16 samples per lane group, output rows of {layer.OutWidth} pixels × 16 lanes."
                    : $"dW += Σ_samples dY ⋆ Xpad, W [{layer.Filters}, {layer.Channels}, {layer.KernelHeight}, {layer.KernelWidth}]: dY of every sample on the padded grid (stride {layer.GridSize}), padded inputs at stride {layer.PaddedSize}.",
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
