using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// Depthwise convolution on a zero-padded, channel-major copy of each sample: one output channel at a time, its
    /// kernel's taps broadcast into registers once, output rows as vectors (4 registers per step, a tail register that
    /// overlaps the one before it). A strided row is not contiguous, so it runs one column at a time.
    /// </summary>
    internal static class DepthwiseConv2DEmitter
    {
        private static string Shape(DepthwiseConv2DLayerPlan l) =>
            $"{l.Channels}x{l.InHeight}x{l.InWidth}_{l.KernelHeight}x{l.KernelWidth}" + l.Window.NameSuffix +
            (l.Multiplier != 1 ? $"_m{l.Multiplier}" : "") + (l.InputIsHwc ? "_Hwc" : "");

        public static string Describe(DepthwiseConv2DLayerPlan l) =>
            $"Layer {l.Index}: DepthwiseConv2D {l.KernelHeight}×{l.KernelWidth}" + (l.Multiplier != 1 ? $", depth multiplier {l.Multiplier}" : "") + l.Window.DescribeSteps +
            $", {(l.Window.Padding == PaddingKind.Same ? "same" : "valid")}, {Activations.Display(l.Activation)}{(l.UseBias ? "" : ", no bias")}: " +
            $"{l.InHeight}×{l.InWidth}×{l.Channels} → {l.OutHeight}×{l.OutWidth}×{l.OutChannels} — {Literal.Grouped(l.Macs)} MACs per sample";

        public static void EmitForward(SourceWriter w, KernelSet kernels, DepthwiseConv2DLayerPlan l, ActivationFunction activation, LayerRefs refs)
        {
            var kernel = new DepthwiseForwardKernel(l, Shape(l), activation);
            kernels.Use(kernel);
            string pad = refs.Training ? $"_pad{l.Index}.Reference" : refs.Scratch;
            string stride = refs.Training ? Literal.Int(l.PaddedSize) : "0";
            string bias = l.UseBias ? DenseEmitter.At(refs.Parameters, l.BiasAt) + ", " : "";
            w.Line($"Kernels.{kernel.Name}(ref {refs.Input}, {DenseEmitter.At(refs.Parameters, l.WeightAt)}, {bias}ref {refs.Output}, ref {pad}, {stride}, {refs.Rows});");
        }

        public static void EmitBackward(SourceWriter w, KernelSet kernels, DepthwiseConv2DLayerPlan l, LayerRefs refs)
        {
            if (l.UseBias)
            {
                string db = DenseEmitter.At(refs.Gradients, l.BiasAt);
                w.Line($"ImageKernels.Clear({db}, {l.OutChannels});");
                using (w.Block($"for (int s = 0; s < {refs.Rows}; s++)"))
                {
                    w.Line($"GridKernels.AddPlaneSums(ref Unsafe.Add(ref {refs.Delta}, s * {l.OutSize}), {db}, {l.OutChannels}, {l.OutPlane});");
                }
            }
            var weightGradient = new DepthwiseWeightGradientKernel(l, Shape(l));
            kernels.Use(weightGradient);
            w.Line($"Kernels.{weightGradient.Name}(ref _pad{l.Index}.Reference, ref {refs.Delta}, {DenseEmitter.At(refs.Gradients, l.WeightAt)}, {refs.Rows});");
            if (refs.PreviousDelta is null) return;
            var inputGradient = new DepthwiseInputGradientKernel(l, Shape(l));
            kernels.Use(inputGradient);
            using (w.Block($"for (int s = 0; s < {refs.Rows}; s++)"))
            {
                w.Line($"ImageKernels.Clear(ref _dpad.Reference, {l.PaddedSize});");
                w.Line($"Kernels.{inputGradient.Name}(ref Unsafe.Add(ref {refs.Delta}, s * {l.OutSize}), {DenseEmitter.At(refs.Parameters, l.WeightAt)}, ref _dpad.Reference);");
                w.Line($"ImageKernels.Unpad(ref _dpad.Reference, ref Unsafe.Add(ref {refs.PreviousDelta}, s * {l.InSize}), {l.Channels}, {l.InHeight}, {l.InWidth}, " +
                    $"{l.PaddedHeight}, {l.PaddedWidth}, {l.PadTop}, {l.PadLeft}{(l.InputIsHwc ? ", hwc: true" : "")});");
            }
            LayerKind.EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {l.InSize}");
        }
    }

    /// <summary>What the three depthwise kernels share: the column blocks of an output row and the loops over output channels.</summary>
    internal abstract class DepthwiseKernel : KernelBase
    {
        /// <summary>Registers per column block.</summary>
        protected const int BlockRegisters = 4;

        protected DepthwiseKernel(DepthwiseConv2DLayerPlan layer, string name, string summary, string signature, string arguments)
            : base(name, summary, signature, arguments)
        {
            L = layer;
        }

        protected DepthwiseConv2DLayerPlan L { get; }

        /// <summary>A strided row is not contiguous: such layers run one column at a time on every path.</summary>
        protected Isa PathFor(Isa path) => L.Window.StrideWidth != 1 ? Isa.Scalar : path;

        /// <summary>The input channel of output channel <c>o</c>.</summary>
        protected string InputChannel => L.Multiplier == 1 ? "o" : $"o / {L.Multiplier}";

        /// <summary>The input row of kernel row <paramref name="kh"/> for output row <c>oh</c>.</summary>
        protected string InputRow(int kh)
        {
            string oh = L.Window.StrideHeight == 1 ? "oh" : $"oh * {L.Window.StrideHeight}";
            int offset = kh * L.Window.DilationHeight;
            return offset == 0 ? oh : $"{oh} + {offset}";
        }

        protected static string Parenthesized(string expression) => expression.Contains(" + ") ? $"({expression})" : expression;

        /// <summary>The input row of a runtime kernel row <c>kh</c> for output row <c>oh</c>.</summary>
        protected string InputRowOfLoop()
        {
            string oh = L.Window.StrideHeight == 1 ? "oh" : $"oh * {L.Window.StrideHeight}";
            return L.Window.DilationHeight == 1 ? $"{oh} + kh" : $"{oh} + kh * {L.Window.DilationHeight}";
        }

        /// <summary>The input column of output column <paramref name="column"/> for kernel column <paramref name="kw"/>.</summary>
        protected string InputColumn(string column, int kw)
        {
            int offset = kw * L.Window.DilationWidth;
            if (int.TryParse(column, out int c)) return Literal.Int(c * L.Window.StrideWidth + offset);
            string scaled = L.Window.StrideWidth == 1 ? column : $"{column} * {L.Window.StrideWidth}";
            return offset == 0 ? scaled : $"{scaled} + {offset}";
        }

        /// <summary>
        /// Writes the column blocks of one output row: a loop over whole blocks of <see cref="BlockRegisters"/> registers
        /// when there are several, then the rest in blocks of constant columns. <paramref name="overlap"/> lets a narrow tail
        /// end in one register overlapping the columns before it (only where a column computed twice writes the same value).
        /// </summary>
        protected static void Columns(SourceWriter w, Isa isa, int count, bool overlap, System.Action<List<(Isa Isa, string Column)>> block)
        {
            if (isa.IsScalar)
            {
                using (w.Block($"for (int ow = 0; ow < {count}; ow++)"))
                {
                    block(new List<(Isa, string)> { (Isa.Scalar, "ow") });
                }
                return;
            }
            var (span, rest) = Layout(isa, count, overlap);
            if (span > 0)
            {
                int step = BlockRegisters * isa.Width;
                w.Line($"// columns 0..{span}, {step} per step");
                using (w.Block($"for (int c = 0; c < {span}; c += {step})"))
                {
                    block(Enumerable.Range(0, BlockRegisters).Select(j => (isa, j == 0 ? "c" : $"c + {j * isa.Width}")).ToList());
                }
            }
            for (int start = 0; start < rest.Count; start += BlockRegisters)
            {
                List<Chunk> chunks = rest.Skip(start).Take(BlockRegisters).ToList();
                Chunk last = chunks[chunks.Count - 1];
                w.Line($"// columns {chunks[0].Column}..{last.Column + last.Isa.Width}");
                using (w.Block())
                {
                    block(chunks.Select(ch => (ch.Isa, Literal.Int(ch.Column))).ToList());
                }
            }
        }

        /// <summary>The columns the loop of whole blocks covers (0 when there are not several blocks), and the registers after them.</summary>
        private static (int Span, List<Chunk> Registers) Layout(Isa isa, int count, bool overlap)
        {
            int step = BlockRegisters * isa.Width;
            int span = count / step * step;
            if (span <= step) span = 0;
            List<Chunk> rest = overlap
                ? Isa.SplitColumnsOverlapping(isa, 0, count).Where(ch => ch.Column + ch.Isa.Width > span).ToList()
                : Isa.SplitColumns(isa, span, count - span);
            return (span, rest);
        }

        /// <summary>The isas of a row's registers (without overlap), widest first.</summary>
        protected static List<Isa> ColumnIsas(Isa isa, int count)
        {
            if (isa.IsScalar) return new List<Isa> { Isa.Scalar };
            var (span, rest) = Layout(isa, count, overlap: false);
            var isas = new List<Isa>();
            if (span > 0) isas.Add(isa);
            foreach (Chunk chunk in rest) if (!isas.Contains(chunk.Isa)) isas.Add(chunk.Isa);
            return isas;
        }
    }

    /// <summary>Y[s, o, oh, :] = act(b[o] + Σ_(kh, kw) W[o, kh, kw] · Xpad[s, o / M, oh·sh + kh·dh, :·sw + kw·dw].</summary>
    internal sealed class DepthwiseForwardKernel : DepthwiseKernel
    {
        private readonly ActivationFunction _activation;

        public DepthwiseForwardKernel(DepthwiseConv2DLayerPlan l, string shape, ActivationFunction activation)
            : base(l, $"DepthwiseConv2DForward_{shape}_{Activations.KernelName(activation)}",
                $"Y = {Activations.Formula(activation, "depthwise(X, W)" + (l.UseBias ? " + b" : ""))} for X [rows, {l.InSize}] ({(l.InputIsHwc ? "H, W, C" : "C, H, W")}), " +
                $"W [{l.OutChannels}, 1, {l.KernelHeight}, {l.KernelWidth}], Y [rows, {l.OutChannels}, {l.OutHeight}, {l.OutWidth}]; each sample is padded into pad + s·padStride.",
                $"ref float x, ref float w, {(l.UseBias ? "ref float bias, " : "")}ref float y, ref float pad, int padStride, int rows",
                $"ref x, ref w, {(l.UseBias ? "ref bias, " : "")}ref y, ref pad, padStride, rows")
        {
            _activation = activation;
        }

        public override void EmitPath(SourceWriter w, Isa path)
        {
            DepthwiseConv2DLayerPlan l = L;
            Isa isa = PathFor(path);
            int taps = l.Window.Taps;
            string act = Activations.KernelName(_activation);
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {Name}_{path.Suffix}({Signature})"))
            using (w.Block("for (int s = 0; s < rows; s++)"))
            {
                w.Line("ref float pads = ref Unsafe.Add(ref pad, s * padStride);");
                w.Line($"ImageKernels.Pad(ref Unsafe.Add(ref x, s * {l.InSize}), ref pads, {l.Channels}, {l.InHeight}, {l.InWidth}, {l.PaddedHeight}, {l.PaddedWidth}, {l.PadTop}, {l.PadLeft}, hwc: {(l.InputIsHwc ? "true" : "false")});");
                w.Line($"ref float ys = ref Unsafe.Add(ref y, s * {l.OutSize});");
                using (w.Block($"for (int o = 0; o < {l.OutChannels}; o++)"))
                {
                    w.Line($"ref float xc = ref Unsafe.Add(ref pads, {InputChannel} * {l.PaddedPlane});");
                    w.Line($"ref float wo = ref Unsafe.Add(ref w, o * {taps});");
                    w.Line($"// the {taps} taps, broadcast once per channel");
                    for (int t = 0; t < taps; t++) w.Line($"var w{t} = {isa.Broadcast($"Unsafe.Add(ref wo, {t})")};");
                    w.Line(l.UseBias ? $"var b = {isa.Broadcast("Unsafe.Add(ref bias, o)")};" : $"var b = {isa.Zero};");
                    using (w.Block($"for (int oh = 0; oh < {l.OutHeight}; oh++)"))
                    {
                        for (int kh = 0; kh < l.KernelHeight; kh++)
                        {
                            w.Line($"ref float x{kh} = ref Unsafe.Add(ref xc, {Parenthesized(InputRow(kh))} * {l.PaddedWidth});");
                        }
                        w.Line($"ref float yr = ref Unsafe.Add(ref ys, o * {l.OutPlane} + oh * {l.OutWidth});");
                        Columns(w, isa, l.OutWidth, overlap: true, chunks =>
                        {
                            for (int j = 0; j < chunks.Count; j++) w.Line($"var acc{j} = {Narrow(chunks[j].Isa, isa, "b", "Unsafe.Add(ref bias, o)", l.UseBias)};");
                            for (int kh = 0; kh < l.KernelHeight; kh++)
                            {
                                for (int kw = 0; kw < l.KernelWidth; kw++)
                                {
                                    int t = kh * l.KernelWidth + kw;
                                    for (int j = 0; j < chunks.Count; j++)
                                    {
                                        Isa ci = chunks[j].Isa;
                                        string weight = ci == isa ? $"w{t}" : ci.Broadcast($"Unsafe.Add(ref wo, {t})");
                                        w.Line($"acc{j} = {ci.Fma(weight, ci.Load($"x{kh}", InputColumn(chunks[j].Column, kw)), $"acc{j}")};");
                                    }
                                }
                            }
                            for (int j = 0; j < chunks.Count; j++)
                            {
                                string value = Activations.Apply(_activation, $"acc{j}");
                                w.Line(chunks[j].Isa.Store(value, "yr", chunks[j].Column));
                            }
                        });
                    }
                }
            }
        }

        /// <summary>A register of <paramref name="isa"/> holding what <paramref name="main"/>'s <paramref name="name"/> holds.</summary>
        private static string Narrow(Isa isa, Isa main, string name, string scalar, bool present) =>
            isa == main ? name : present ? isa.Broadcast(scalar) : isa.Zero;
    }

    /// <summary>dXpad[o / M, oh·sh + kh·dh, :·sw + kw·dw] += W[o, kh, kw] · dY[o, oh, :] for one sample.</summary>
    internal sealed class DepthwiseInputGradientKernel : DepthwiseKernel
    {
        public DepthwiseInputGradientKernel(DepthwiseConv2DLayerPlan l, string shape)
            : base(l, $"DepthwiseConv2DInputGradient_{shape}",
                $"dXpad += Wᵀ ⋆ dY for one sample (dY [{l.OutChannels}, {l.OutHeight}, {l.OutWidth}], dXpad [{l.Channels}, {l.PaddedHeight}, {l.PaddedWidth}]); the caller crops it into dX.",
                "ref float dy, ref float w, ref float dpad",
                "ref dy, ref w, ref dpad")
        {
        }

        public override void EmitPath(SourceWriter w, Isa path)
        {
            DepthwiseConv2DLayerPlan l = L;
            Isa isa = PathFor(path);
            int taps = l.Window.Taps;
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {Name}_{path.Suffix}({Signature})"))
            using (w.Block($"for (int o = 0; o < {l.OutChannels}; o++)"))
            {
                w.Line($"ref float dxc = ref Unsafe.Add(ref dpad, {InputChannel} * {l.PaddedPlane});");
                w.Line($"ref float wo = ref Unsafe.Add(ref w, o * {taps});");
                for (int t = 0; t < taps; t++) w.Line($"var w{t} = {isa.Broadcast($"Unsafe.Add(ref wo, {t})")};");
                using (w.Block($"for (int oh = 0; oh < {l.OutHeight}; oh++)"))
                {
                    w.Line($"ref float g = ref Unsafe.Add(ref dy, o * {l.OutPlane} + oh * {l.OutWidth});");
                    for (int kh = 0; kh < l.KernelHeight; kh++)
                    {
                        w.Line($"ref float dx{kh} = ref Unsafe.Add(ref dxc, {Parenthesized(InputRow(kh))} * {l.PaddedWidth});");
                    }
                    // taps one after the other: the columns of two taps of one row overlap in dXpad
                    Columns(w, isa, l.OutWidth, overlap: false, chunks =>
                    {
                        for (int j = 0; j < chunks.Count; j++) w.Line($"var g{j} = {chunks[j].Isa.Load("g", chunks[j].Column)};");
                        for (int kh = 0; kh < l.KernelHeight; kh++)
                        {
                            for (int kw = 0; kw < l.KernelWidth; kw++)
                            {
                                int t = kh * l.KernelWidth + kw;
                                for (int j = 0; j < chunks.Count; j++)
                                {
                                    Isa ci = chunks[j].Isa;
                                    string at = InputColumn(chunks[j].Column, kw);
                                    string weight = ci == isa ? $"w{t}" : ci.Broadcast($"Unsafe.Add(ref wo, {t})");
                                    w.Line(ci.Store(ci.Fma(weight, $"g{j}", ci.Load($"dx{kh}", at)), $"dx{kh}", at));
                                }
                            }
                        }
                    });
                }
            }
        }
    }

    /// <summary>dW[o, kh, kw] = Σ_samples Σ_oh ⟨dY[s, o, oh, :], Xpad[s, o / M, oh·sh + kh·dh, :·sw + kw·dw]⟩, one kernel row at a time.</summary>
    internal sealed class DepthwiseWeightGradientKernel : DepthwiseKernel
    {
        public DepthwiseWeightGradientKernel(DepthwiseConv2DLayerPlan l, string shape)
            : base(l, $"DepthwiseConv2DWeightGradient_{shape}",
                $"dW = Σ dY ⋆ Xpad over the batch, for W [{l.OutChannels}, 1, {l.KernelHeight}, {l.KernelWidth}] (padded inputs kept from the forward pass, at stride {l.PaddedSize}).",
                "ref float pad, ref float dy, ref float dw, int rows",
                "ref pad, ref dy, ref dw, rows")
        {
        }

        public override void EmitPath(SourceWriter w, Isa path)
        {
            DepthwiseConv2DLayerPlan l = L;
            Isa isa = PathFor(path);
            int kernelWidth = l.KernelWidth;
            // the isas of the row's column registers: each kernel column keeps one accumulator per isa
            List<Isa> isas = ColumnIsas(isa, l.OutWidth);
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {Name}_{path.Suffix}({Signature})"))
            using (w.Block($"for (int o = 0; o < {l.OutChannels}; o++)"))
            using (w.Block($"for (int kh = 0; kh < {l.KernelHeight}; kh++)"))
            {
                foreach (Isa ci in isas)
                    for (int kw = 0; kw < kernelWidth; kw++) w.Line($"var {Acc(kw, ci, isa)} = {ci.Zero};");
                using (w.Block("for (int s = 0; s < rows; s++)"))
                {
                    w.Line($"ref float xc = ref Unsafe.Add(ref pad, s * {l.PaddedSize} + {InputChannel} * {l.PaddedPlane});");
                    w.Line($"ref float dys = ref Unsafe.Add(ref dy, s * {l.OutSize} + o * {l.OutPlane});");
                    using (w.Block($"for (int oh = 0; oh < {l.OutHeight}; oh++)"))
                    {
                        w.Line($"ref float xr = ref Unsafe.Add(ref xc, ({InputRowOfLoop()}) * {l.PaddedWidth});");
                        w.Line($"ref float g = ref Unsafe.Add(ref dys, oh * {l.OutWidth});");
                        Columns(w, isa, l.OutWidth, overlap: false, chunks =>
                        {
                            for (int j = 0; j < chunks.Count; j++)
                            {
                                Isa ci = chunks[j].Isa;
                                w.Line($"var g{j} = {ci.Load("g", chunks[j].Column)};");
                                for (int kw = 0; kw < kernelWidth; kw++)
                                {
                                    string acc = Acc(kw, ci, isa);
                                    w.Line($"{acc} = {ci.Fma($"g{j}", ci.Load("xr", InputColumn(chunks[j].Column, kw)), acc)};");
                                }
                            }
                        });
                    }
                }
                for (int kw = 0; kw < kernelWidth; kw++)
                {
                    string sum = string.Join(" + ", isas.Select(ci => ci.IsScalar ? Acc(kw, ci, isa) : $"{ci.VectorClass}.Sum({Acc(kw, ci, isa)})"));
                    w.Line($"Unsafe.Add(ref dw, o * {l.Window.Taps} + kh * {kernelWidth} + {kw}) = {sum};");
                }
            }
        }

        private static string Acc(int kw, Isa isa, Isa main) => isa == main ? $"acc{kw}" : $"acc{kw}_{isa.Suffix}";
    }
}
