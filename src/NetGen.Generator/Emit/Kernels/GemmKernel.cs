using System;
using System.Collections.Generic;
using System.Linq;

namespace NetGen.Generator.Emit.Kernels
{
    /// <summary>
    /// A register-tiled matrix product with constant shapes: <c>C[r, c] = epilogue(init[c] + Σ_k A(r, k) · B[k, c])</c>,
    /// with C and B row-major of width <see cref="Columns"/>. Forward passes, input gradients, weight and bias gradients
    /// are all instances of it; the emitter writes one method per instruction-set path and a dispatcher.
    /// </summary>
    internal sealed class GemmKernel : KernelBase
    {
        /// <summary>Column registers per tile: 4 × the isa's row tile accumulators (16 for V512).</summary>
        private const int ColumnTile = 4;

        public GemmKernel(string name, string summary, string signature, string arguments)
            : base(name, summary, signature, arguments)
        {
        }

        /// <summary>Columns of B and C (a constant).</summary>
        public int Columns { get; set; }

        /// <summary>Rows of C: a constant when set, else the runtime parameter <see cref="RowsName"/>.</summary>
        public int? ConstRows { get; set; }

        public string RowsName { get; set; } = "rows";

        /// <summary>Reduction length: a constant when set, else the runtime parameter <see cref="DepthName"/>.</summary>
        public int? ConstDepth { get; set; }

        public string DepthName { get; set; } = "rows";

        /// <summary>The A operand's parameter name.</summary>
        public string A { get; set; } = "x";

        /// <summary>True: A(r, k) = A[r·lda + k]. False: A(r, k) = A[k·lda + r].</summary>
        public bool ARowMajor { get; set; } = true;

        /// <summary>Leading dimension of A (an expression).</summary>
        public string Lda { get; set; } = "0";

        /// <summary>A is all ones: the kernel sums rows of B (bias gradients).</summary>
        public bool AIsOnes { get; set; }

        public string B { get; set; } = "w";

        public string C { get; set; } = "y";

        /// <summary>When set, accumulators start from this vector (the bias); otherwise from zero.</summary>
        public string? Bias { get; set; }

        /// <summary>Value stored for an accumulator: (isa, accumulator, row reference of C's shape, column offset) → expression.</summary>
        public Func<Isa, string, string, string, string> Epilogue { get; set; } = (isa, acc, row, col) => acc;

        /// <summary>When set, the epilogue reads a second matrix of C's shape by this name (row refs are declared for it).</summary>
        public string? EpilogueMatrix { get; set; }

        /// <summary>
        /// When set, replaces the final store of each accumulator: (isa, accumulator, tile row, column offset) → statements,
        /// written in a block of their own. <see cref="FinalRowRefs"/> declares what they read and write per tile row.
        /// </summary>
        public Func<Isa, string, int, string, IEnumerable<string>>? FinalStore { get; set; }

        /// <summary>With <see cref="FinalStore"/>: declarations per tile row (tile row, row index expression) → statements.</summary>
        public Func<int, string, IEnumerable<string>>? FinalRowRefs { get; set; }

        /// <summary>The variable of the row loops (a filter index in convolutions).</summary>
        public string RowVar { get; set; } = "r";

        /// <summary>C's row <c>i</c> as a ref expression, from the row index expression; default <c>C + i·Columns</c>.</summary>
        public Func<string, string>? CRowRef { get; set; }

        /// <summary>The epilogue matrix's row as a ref expression; default like C.</summary>
        public Func<string, string>? EpilogueRowRef { get; set; }

        /// <summary>B's row for reduction index <c>k</c> as a ref expression; default <c>B + k·Columns</c>.</summary>
        public Func<string, string>? BRowRef { get; set; }

        /// <summary>With a row-major A: A's row as a ref expression from the row index expression; default <c>A + row·Lda</c>.</summary>
        public Func<string, string>? ARowRef { get; set; }

        /// <summary>
        /// Ask for A's rows ahead of their use (rows read through an index come from anywhere in memory): the first k-block
        /// of every row when the kernel starts, then each row tile the next k-block of its rows while it works on this one.
        /// </summary>
        public bool PrefetchA { get; set; }

        /// <summary>With a column-major A: A(0, k) as a ref expression from the reduction index; default <c>A + k·Lda</c>.</summary>
        public Func<string, string>? AColumnRef { get; set; }

        /// <summary>A statement written at the top of each reduction step (e.g. an index both operand hooks use).</summary>
        public string? ReductionPrologue { get; set; }

        /// <summary>When set, accumulators start from <c>Bias[row]</c> broadcast (a bias per row, as convolution filters).</summary>
        public string? RowBias { get; set; }

        /// <summary>Accumulators start from C's current values (the kernel adds into C).</summary>
        public bool Accumulate { get; set; }

        /// <summary>Distance between consecutive columns in B (a convolution's stride on its input); above 1 every column is scalar.</summary>
        public int ColumnStride { get; set; } = 1;

        /// <summary>Distance between consecutive columns in C (a convolution's stride on its input gradient); above 1 every column is scalar.</summary>
        public int CColumnStride { get; set; } = 1;

        /// <summary>Rows per tile at most (1 when rows of C overlap in memory).</summary>
        public int MaxRowTile { get; set; } = int.MaxValue;

        /// <summary>
        /// When set, the reduction runs over a convolution's taps as nested loops (channel, kernel row, kernel column)
        /// instead of <c>for k</c>; <c>k</c> still counts taps for A, and <c>{B}k</c> points at the tap's input row.
        /// </summary>
        public ConvTaps? Taps { get; set; }

        /// <summary>Loops around the whole row loop nest (samples, output rows), written by the caller.</summary>
        public Action<SourceWriter, Action>? Outer { get; set; }

        private string Rows => ConstRows.HasValue ? Literal.Int(ConstRows.Value) : RowsName;

        private string Depth => ConstDepth.HasValue ? Literal.Int(ConstDepth.Value) : DepthName;

        public override void EmitPath(SourceWriter w, Isa isa)
        {
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {Name}_{isa.Suffix}({Signature})"))
            {
                int rowTile = RowTileFor(isa);
                int? block = DepthBlock;
                w.Line("// " + Provenance(isa, rowTile, block));
                if (PrefetchA && ARowMajor && !AIsOnes)
                {
                    string first = block is int b ? Literal.Int(b) : Depth;
                    w.Line(block is null
                        ? $"// ask for every row of {A} now: rows read through an index come from anywhere in memory"
                        : $"// ask for the first k-block of every row of {A} now (rows read through an index come from anywhere in memory)");
                    w.Line($"for (int row = 0; row < {Rows}; row++) VectorMath.Prefetch(ref {ARow("row")}, {first});");
                }
                if (Outer is not null)
                {
                    Outer(w, () => EmitRowLoops(w, isa, rowTile));
                    return;
                }
                if (block is int kb)
                {
                    w.Line($"// k-blocks of {kb}: the {kb}×{Columns} block of {B} stays in L1 while every row tile uses it");
                    using (w.Block($"for (int k0 = 0; k0 < {Depth}; k0 += {kb})"))
                    {
                        w.Line($"int k1 = Math.Min(k0 + {kb}, {Depth});");
                        EmitRowLoops(w, isa, rowTile);
                    }
                }
                else
                {
                    EmitRowLoops(w, isa, rowTile);
                }
            }
        }

        /// <summary>
        /// The reduction is split into blocks when B (Depth × Columns floats) would not fit in L1 (48 KB here),
        /// so that each block is read from L2 once per call instead of once per row tile.
        /// </summary>
        private int? DepthBlock
        {
            get
            {
                const int L1Budget = 32 * 1024;
                if (ConstRows.HasValue && !ConstDepth.HasValue && !AIsOnes && Taps is null && !Accumulate && Bias is null && Columns >= 256)
                {
                    // a weight gradient with wide rows and a runtime depth (rows × steps): without blocks every register
                    // tile would stream all of B from L3; a block of B stays in L2 while every tile uses it
                    return Planning.Tiling.WeightGradientDepthBlock(Columns);
                }
                if (!ConstDepth.HasValue || ConstRows.HasValue || Taps is not null || (Accumulate && Bias is not null)) return null;
                long bytes = (long)ConstDepth.Value * Columns * sizeof(float);
                if (bytes <= L1Budget) return null;
                int block = L1Budget / (Columns * sizeof(float)) / 16 * 16;
                return block >= 16 ? block : null;
            }
        }

        /// <summary>One line on how this path is tiled: register tile, column registers, k-blocking.</summary>
        private string Provenance(Isa isa, int rowTile, int? block)
        {
            string tile = isa.IsScalar
                ? $"scalar: {rowTile} row{(rowTile == 1 ? "" : "s")} × up to {ColumnTile} columns of accumulators"
                : $"{isa.Suffix}: {rowTile} row{(rowTile == 1 ? "" : "s")} × up to {ColumnTile} registers of {isa.Width} columns (up to {rowTile * ColumnTile} accumulators)";
            string depth = block is int b ? $"k in blocks of {b}" : Taps is not null ? "k over the taps" : "whole k in registers";
            return $"{tile}, {depth}";
        }

        /// <summary>True when the reduction runs in k-blocks (partial sums go through C between blocks).</summary>
        public bool IsBlocked => DepthBlock.HasValue;

        /// <summary>
        /// The isa's row tile, or all the rows in one tile when a constant 5 or 6 rows fit V512's registers
        /// (6 rows × 4 column vectors = 24 accumulators): a 4-row tile and a 1- or 2-row remainder would read every
        /// column vector of B twice and leave the remainder's FMAs waiting on each other.
        /// </summary>
        private int RowTileFor(Isa isa)
        {
            int rowTile = Math.Min(isa.RowTile, MaxRowTile);
            if (isa == Isa.V512 && ConstRows is int rows && rows > rowTile && rows <= 6 && rows <= MaxRowTile) return rows;
            return rowTile;
        }

        private void EmitRowLoops(SourceWriter w, Isa isa, int rowTile)
        {
            bool needMain = !ConstRows.HasValue || ConstRows.Value >= rowTile;
            bool needTail = !ConstRows.HasValue || ConstRows.Value % rowTile != 0;
            w.Line($"int {RowVar} = 0;");
            if (needMain)
            {
                w.Line($"// main loop: {rowTile} rows per tile");
                using (w.Block($"for (; {RowVar} + {rowTile} <= {Rows}; {RowVar} += {rowTile})"))
                {
                    EmitRowTile(w, isa, rowTile);
                }
            }
            int remainder = ConstRows.HasValue ? ConstRows.Value % rowTile : 0;
            if (needTail && (ConstRows == 1 || remainder > 1))
            {
                // a known remainder of several rows is one tile of that many rows, not a loop of single rows
                w.Line(ConstRows == 1 ? "// one row" : needMain ? $"// the last {remainder} rows" : $"// all {remainder} rows in one tile");
                using (w.Block())
                {
                    EmitRowTile(w, isa, remainder);
                }
            }
            else if (needTail)
            {
                w.Line(needMain ? "// tail: one row at a time" : "// one row at a time");
                using (w.Block($"for (; {RowVar} < {Rows}; {RowVar}++)"))
                {
                    EmitRowTile(w, isa, 1);
                }
            }
        }

        private void EmitRowTile(SourceWriter w, Isa isa, int rows)
        {
            if (ColumnStride != 1 || CColumnStride != 1) isa = Isa.Scalar;
            int width = isa.Width;
            int fullChunks = Columns / width;
            int groups = fullChunks / ColumnTile;
            int span = groups * ColumnTile * width;
            if (groups > 1)
            {
                w.Line($"// columns 0..{span}, {ColumnTile * width} per step");
                using (w.Block($"for (int c = 0; c < {span}; c += {ColumnTile * width})"))
                {
                    var chunks = Enumerable.Range(0, ColumnTile).Select(j => (isa, col: j == 0 ? "c" : $"c + {j * width}")).ToList();
                    EmitTile(w, rows, chunks);
                }
            }
            else if (groups == 1)
            {
                var chunks = Enumerable.Range(0, ColumnTile).Select(j => (isa, col: Literal.Int(j * width))).ToList();
                w.Line($"// columns 0..{span}");
                using (w.Block())
                {
                    EmitTile(w, rows, chunks);
                }
            }

            // a narrow tail overlaps the columns before it rather than running scalar: only inside one tile (a tile loads
            // what it reads before it stores, so an overlapped column is never read after the other chunk stored it)
            List<Chunk> rest = Isa.SplitColumns(isa, span, Columns - span);
            // (not with a final store of its own: it reads C and more after the other chunk stored them)
            if (ColumnStride == 1 && CColumnStride == 1 && FinalStore is null)
            {
                List<Chunk> overlapping = Isa.SplitColumnsOverlapping(isa, span, Columns - span);
                if (overlapping.Count <= ColumnTile) rest = overlapping;
            }
            for (int start = 0; start < rest.Count; start += ColumnTile)
            {
                var chunks = rest.Skip(start).Take(ColumnTile).Select(ch => (ch.Isa, col: Literal.Int(ch.Column))).ToList();
                Chunk last = rest[Math.Min(rest.Count, start + ColumnTile) - 1];
                w.Line($"// {(span == 0 && start == 0 ? "columns" : "tail columns")} {rest[start].Column}..{last.Column + last.Isa.Width}");
                using (w.Block())
                {
                    EmitTile(w, rows, chunks);
                }
            }
        }

        private void EmitTile(SourceWriter w, int rows, List<(Isa Isa, string Col)> chunks)
        {
            string RowIndex(int i) => i == 0 ? RowVar : $"({RowVar} + {i})";
            var isas = chunks.Select(c => c.Isa).Distinct().ToList();
            bool blocked = IsBlocked;

            for (int i = 0; i < rows; i++)
            {
                string rowRef = CRowRef is null ? $"Unsafe.Add(ref {C}, {RowIndex(i)} * {Columns})" : CRowRef(RowIndex(i));
                w.Line($"ref float {C}{i} = ref {rowRef};");
            }

            // accumulators: the bias (or zero), or what the previous k-block left in C
            for (int i = 0; i < rows; i++)
            {
                string? from = null;
                if (blocked && Bias is not null)
                {
                    from = $"start{i}";
                    w.Line($"ref float {from} = ref k0 == 0 ? ref {Bias} : ref {C}{i};");
                }
                if (RowBias is not null)
                {
                    w.Line($"float bias{i} = Unsafe.Add(ref {RowBias}, {RowIndex(i)});");
                }
                for (int j = 0; j < chunks.Count; j++)
                {
                    Isa isa = chunks[j].Isa;
                    string init =
                        from is not null ? isa.Load(from, chunks[j].Col) :
                        blocked && Accumulate ? isa.Load(C + i, chunks[j].Col) :
                        blocked ? $"k0 == 0 ? {isa.Zero} : {isa.Load(C + i, chunks[j].Col)}" :
                        Accumulate ? isa.Load(C + i, StridedColumn(chunks[j].Col, CColumnStride)) :
                        RowBias is not null ? isa.Broadcast($"bias{i}") :
                        Bias is null ? isa.Zero : isa.Load(Bias, chunks[j].Col);
                    w.Line($"var acc{i}{j} = {init};");
                }
            }
            if (!AIsOnes && ARowMajor)
            {
                for (int i = 0; i < rows; i++)
                {
                    w.Line($"ref float {A}{i} = ref {ARow(RowIndex(i))};");
                }
                if (PrefetchA && blocked && DepthBlock is int kb)
                {
                    using (w.Block($"if (k1 < {Depth})"))
                    {
                        w.Line("// this tile's rows: the next k-block, while this one runs");
                        for (int i = 0; i < rows; i++)
                        {
                            w.Line($"VectorMath.Prefetch(ref Unsafe.Add(ref {A}{i}, k1), Math.Min({kb}, {Depth} - k1));");
                        }
                    }
                }
            }

            var closers = new List<IDisposable>();
            if (Taps is ConvTaps taps)
            {
                w.Line("int k = 0; // tap: (channel, kernel row, kernel column)");
                closers.Add(w.Block($"for (int ch = 0; ch < {taps.Channels}; ch++)"));
                closers.Add(w.Block($"for (int kh = 0; kh < {taps.KernelHeight}; kh++)"));
                w.Line($"ref float {B}row = ref Unsafe.Add(ref {taps.Source}, ch * {taps.PlaneStride} + {taps.RowExpression("kh")} * {taps.RowStride});");
                closers.Add(w.Block($"for (int kw = 0; kw < {taps.KernelWidth}; kw++, k++)"));
                w.Line($"ref float {B}k = ref Unsafe.Add(ref {B}row, {taps.ColumnExpression("kw")});");
            }
            else
            {
                closers.Add(w.Block(blocked ? "for (int k = k0; k < k1; k++)" : $"for (int k = 0; k < {Depth}; k++)"));
                if (ReductionPrologue is not null) w.Line(ReductionPrologue);
                w.Line($"ref float {B}k = ref {(BRowRef is null ? $"Unsafe.Add(ref {B}, k * {Columns})" : BRowRef("k"))};");
            }
            for (int j = 0; j < chunks.Count; j++)
            {
                w.Line($"var {B}{j} = {chunks[j].Isa.Load(B + "k", StridedColumn(chunks[j].Col, ColumnStride))};");
            }
            if (!AIsOnes && !ARowMajor)
            {
                w.Line(AColumnRef is null
                    ? $"ref float {A}k = ref Unsafe.Add(ref {A}, k * {Lda} + {RowVar});"
                    : $"ref float {A}k = ref Unsafe.Add(ref {AColumnRef("k")}, {RowVar});");
            }
            // one row at a time: its broadcast, then its FMAs, so only one broadcast register is live
            for (int i = 0; i < rows; i++)
            {
                if (!AIsOnes)
                {
                    string scalar = ARowMajor ? $"Unsafe.Add(ref {A}{i}, k)" : (i == 0 ? $"{A}k" : $"Unsafe.Add(ref {A}k, {i})");
                    foreach (Isa isa in isas)
                    {
                        w.Line($"var {BroadcastName(i, isa, isas[0])} = {isa.Broadcast(scalar)};");
                    }
                }
                for (int j = 0; j < chunks.Count; j++)
                {
                    string acc = $"acc{i}{j}";
                    w.Line(AIsOnes
                        ? $"{acc} += {B}{j};"
                        : $"{acc} = {chunks[j].Isa.Fma(BroadcastName(i, chunks[j].Isa, isas[0]), B + j, acc)};");
                }
            }
            for (int i = closers.Count - 1; i >= 0; i--) closers[i].Dispose();

            if (blocked)
            {
                using (w.Block($"if (k1 < {Depth})"))
                {
                    w.Line("// more k-blocks to come: keep the partial sums");
                    for (int i = 0; i < rows; i++)
                    {
                        for (int j = 0; j < chunks.Count; j++)
                        {
                            w.Line(chunks[j].Isa.Store($"acc{i}{j}", C + i, chunks[j].Col));
                        }
                    }
                }
                using (w.Block("else"))
                {
                    EmitFinalStores(w, rows, chunks);
                }
            }
            else
            {
                EmitFinalStores(w, rows, chunks);
            }
        }

        /// <summary>The element offset of a column: the column itself, or column × stride.</summary>
        private static string StridedColumn(string column, int stride)
        {
            if (stride == 1) return column;
            return int.TryParse(column, out int c) ? Literal.Int(c * stride) : $"({column}) * {stride}";
        }

        private void EmitFinalStores(SourceWriter w, int rows, List<(Isa Isa, string Col)> chunks)
        {
            if (FinalStore is not null)
            {
                if (IsBlocked) throw new InvalidOperationException($"{Name}: a final store of its own needs the whole reduction in registers (no k-blocks).");
                for (int i = 0; i < rows; i++)
                {
                    if (FinalRowRefs is not null)
                    {
                        foreach (string line in FinalRowRefs(i, i == 0 ? RowVar : $"({RowVar} + {i})")) w.Line(line);
                    }
                    for (int j = 0; j < chunks.Count; j++)
                    {
                        using (w.Block())
                        {
                            foreach (string line in FinalStore(chunks[j].Isa, $"acc{i}{j}", i, StridedColumn(chunks[j].Col, CColumnStride))) w.Line(line);
                        }
                    }
                }
                return;
            }
            for (int i = 0; i < rows; i++)
            {
                if (EpilogueMatrix is not null)
                {
                    string index = i == 0 ? RowVar : $"({RowVar} + {i})";
                    string rowRef = EpilogueRowRef is null ? $"Unsafe.Add(ref {EpilogueMatrix}, {index} * {Columns})" : EpilogueRowRef(index);
                    w.Line($"ref float {EpilogueMatrix}{i} = ref {rowRef};");
                }
                for (int j = 0; j < chunks.Count; j++)
                {
                    string column = StridedColumn(chunks[j].Col, CColumnStride);
                    string value = Epilogue(chunks[j].Isa, $"acc{i}{j}", EpilogueMatrix is null ? "" : EpilogueMatrix + i, column);
                    w.Line(chunks[j].Isa.Store(value, C + i, column));
                }
            }
        }

        /// <summary>A's row for a row index expression (row-major A).</summary>
        private string ARow(string row) => ARowRef is null ? $"Unsafe.Add(ref {A}, {row} * {Lda})" : ARowRef(row);

        private string BroadcastName(int row, Isa isa, Isa main) =>
            isa == main ? $"a{row}" : $"a{row}_{isa.Suffix}";
    }
}
