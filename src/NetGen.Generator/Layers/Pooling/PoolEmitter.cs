using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// Max and average pooling, written as loops with every bound a constant. Backward routes each output's gradient to
    /// the first input that equals the window's maximum (as PyTorch and TensorFlow do), or spreads it evenly; averages
    /// count only the positions inside the input (TensorFlow's rule for padding).
    /// </summary>
    internal static class PoolEmitter
    {
        public static string Describe(Pool2DLayerPlan l) =>
            $"Layer {l.Index}: {(l.Pool == PoolKind.Max ? "MaxPool2D" : "AvgPool2D")} {l.Size}×{l.Size}" + (l.Stride != l.Size ? $", stride {l.Stride}" : "") +
            $", {(l.Padding == PaddingKind.Same ? "same" : "valid")}: {l.InHeight}×{l.InWidth}×{l.Channels} → {l.OutHeight}×{l.OutWidth}×{l.Channels}";

        private static string InputIndex(Pool2DLayerPlan l, string c, string ih, string iw) =>
            l.InputIsHwc ? $"({ih} * {l.InWidth} + {iw}) * {l.Channels} + {c}" : $"({c} * {l.InHeight} + {ih}) * {l.InWidth} + {iw}";

        /// <summary>Opens the loops over samples, channels, output positions and window positions; the body sees <c>xs</c>, <c>o</c> (output index) and <c>at</c> (input index).</summary>
        private static void Windows(SourceWriter w, Pool2DLayerPlan l, string rows, System.Action perOutputStart, System.Action perInput, System.Action perOutputEnd)
        {
            bool padded = l.Padding == PaddingKind.Same && (l.PadTop > 0 || l.PadLeft > 0 || (l.OutHeight - 1) * l.Stride + l.Size > l.InHeight || (l.OutWidth - 1) * l.Stride + l.Size > l.InWidth);
            using (w.Block($"for (int s = 0; s < {rows}; s++)"))
            using (w.Block($"for (int c = 0; c < {l.Channels}; c++)"))
            using (w.Block($"for (int oh = 0; oh < {l.OutHeight}; oh++)"))
            using (w.Block($"for (int ow = 0; ow < {l.OutWidth}; ow++)"))
            {
                w.Line($"int o = s * {l.OutSize} + (c * {l.OutHeight} + oh) * {l.OutWidth} + ow;");
                perOutputStart();
                using (w.Block($"for (int i = 0; i < {l.Size}; i++)"))
                {
                    w.Line($"int ih = oh * {l.Stride} + i{(l.PadTop > 0 ? $" - {l.PadTop}" : "")};");
                    if (padded) w.Line($"if ((uint)ih >= {l.InHeight}u) continue;");
                    using (w.Block($"for (int j = 0; j < {l.Size}; j++)"))
                    {
                        w.Line($"int iw = ow * {l.Stride} + j{(l.PadLeft > 0 ? $" - {l.PadLeft}" : "")};");
                        if (padded) w.Line($"if ((uint)iw >= {l.InWidth}u) continue;");
                        w.Line($"int at = s * {l.InSize} + {InputIndex(l, "c", "ih", "iw")};");
                        perInput();
                    }
                }
                perOutputEnd();
            }
        }

        /// <summary>Valid padding on a channel-major input: no bounds checks, windows unrolled (the common LeNet case).</summary>
        private static bool Fast(Pool2DLayerPlan l) => l.Padding == PaddingKind.Valid && !l.InputIsHwc && l.Size <= 4;

        /// <summary>Loops over samples × channels × output rows with the input rows of the window and the output row as refs.</summary>
        private static void FastRows(SourceWriter w, Pool2DLayerPlan l, LayerRefs refs, string input, string output, System.Action body)
        {
            using (w.Block($"for (int plane = 0; plane < {refs.Rows} * {l.Channels}; plane++)"))
            using (w.Block($"for (int oh = 0; oh < {l.OutHeight}; oh++)"))
            {
                for (int i = 0; i < l.Size; i++)
                {
                    w.Line($"ref float in{i} = ref Unsafe.Add(ref {input}, plane * {l.InHeight * l.InWidth} + (oh * {l.Stride} + {i}) * {l.InWidth});");
                }
                w.Line($"ref float row = ref Unsafe.Add(ref {output}, plane * {l.OutHeight * l.OutWidth} + oh * {l.OutWidth});");
                using (w.Block($"for (int ow = 0; ow < {l.OutWidth}; ow++)"))
                {
                    w.Line($"int left = ow * {l.Stride};");
                    body();
                }
            }
        }

        private static System.Collections.Generic.IEnumerable<string> Window(Pool2DLayerPlan l, string prefix)
        {
            for (int i = 0; i < l.Size; i++)
                for (int j = 0; j < l.Size; j++)
                    yield return $"{prefix}{i}, left{(j == 0 ? "" : " + " + j)}";
        }

        public static void EmitForward(SourceWriter w, KernelSet kernels, Pool2DLayerPlan l, LayerRefs refs)
        {
            if (Pool2x2Kernel.Applies(l))
            {
                string kernel = kernels.Use(new Pool2x2ForwardKernel(l));
                w.Line($"Kernels.{kernel}(ref {refs.Input}, ref {refs.Output}, {refs.Rows} * {l.Channels});");
                return;
            }
            if (Fast(l))
            {
                bool maxPool = l.Pool == PoolKind.Max;
                FastRows(w, l, refs, refs.Input, refs.Output, () =>
                {
                    var cells = System.Linq.Enumerable.ToList(Window(l, "in"));
                    w.Line($"float v = Unsafe.Add(ref {cells[0]});");
                    for (int k = 1; k < cells.Count; k++)
                    {
                        w.Line(maxPool
                            ? $"v = float.Max(v, Unsafe.Add(ref {cells[k]}));"
                            : $"v += Unsafe.Add(ref {cells[k]});");
                    }
                    w.Line(maxPool ? "Unsafe.Add(ref row, ow) = v;" : $"Unsafe.Add(ref row, ow) = v * {Literal.Float(1f / (l.Size * l.Size))};");
                });
                return;
            }
            bool max = l.Pool == PoolKind.Max;
            Windows(w, l, refs.Rows,
                () => w.Line(max ? "float best = float.NegativeInfinity;" : "float sum = 0f; int count = 0;"),
                () => w.Line(max
                    ? $"best = float.Max(best, Unsafe.Add(ref {refs.Input}, at));"
                    : $"sum += Unsafe.Add(ref {refs.Input}, at); count++;"),
                () => w.Line(max
                    ? $"Unsafe.Add(ref {refs.Output}, o) = best;"
                    : $"Unsafe.Add(ref {refs.Output}, o) = sum / count;"));
        }

        public static void EmitBackward(SourceWriter w, KernelSet kernels, Pool2DLayerPlan l, LayerRefs refs)
        {
            if (refs.PreviousDelta is null) return;
            if (Pool2x2Kernel.Applies(l))
            {
                // the kernel writes every position its windows cover; a last odd row or column belongs to none
                if (l.InHeight != 2 * l.OutHeight || l.InWidth != 2 * l.OutWidth)
                {
                    w.Line($"ImageKernels.Clear(ref {refs.PreviousDelta}, {refs.Rows} * {l.InSize});");
                }
                bool relu = refs.PreviousActivation == ActivationKind.ReLU;
                string kernel = kernels.Use(new Pool2x2BackwardKernel(l, relu));
                w.Line($"Kernels.{kernel}(ref {refs.Input}, ref {refs.Output}, ref {refs.Delta}, ref {refs.PreviousDelta}, {refs.Rows} * {l.Channels});");
                if (!relu) LayerKind.EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {l.InSize}");
                return;
            }
            bool max = l.Pool == PoolKind.Max;
            w.Line($"ImageKernels.Clear(ref {refs.PreviousDelta}, {refs.Rows} * {l.InSize});");
            if (Fast(l))
            {
                // the same window walk over the input and its gradient: d{i} rows mirror in{i}
                using (w.Block($"for (int plane = 0; plane < {refs.Rows} * {l.Channels}; plane++)"))
                using (w.Block($"for (int oh = 0; oh < {l.OutHeight}; oh++)"))
                {
                    for (int i = 0; i < l.Size; i++)
                    {
                        string offset = $"plane * {l.InHeight * l.InWidth} + (oh * {l.Stride} + {i}) * {l.InWidth}";
                        if (max && i > 0) continue;
                        if (max) w.Line($"ref float in{i} = ref Unsafe.Add(ref {refs.Input}, {offset});");
                        w.Line($"ref float d{i} = ref Unsafe.Add(ref {refs.PreviousDelta}, {offset});");
                    }
                    if (max) w.Line($"ref float row = ref Unsafe.Add(ref {refs.Output}, plane * {l.OutHeight * l.OutWidth} + oh * {l.OutWidth});");
                    w.Line($"ref float grad = ref Unsafe.Add(ref {refs.Delta}, plane * {l.OutHeight * l.OutWidth} + oh * {l.OutWidth});");
                    using (w.Block($"for (int ow = 0; ow < {l.OutWidth}; ow++)"))
                    {
                        w.Line($"int left = ow * {l.Stride};");
                        w.Line("float dy = Unsafe.Add(ref grad, ow);");
                        if (max)
                        {
                            // to the first position holding the window's maximum (the forward output), as PyTorch and
                            // TensorFlow route it, found without branches: after ReLU, ties at zero make branches unpredictable
                            w.Line("float best = Unsafe.Add(ref row, ow);");
                            var cells = new System.Collections.Generic.List<string>();
                            var offsets = new System.Collections.Generic.List<int>();
                            for (int i = 0; i < l.Size; i++)
                                for (int j = 0; j < l.Size; j++)
                                {
                                    offsets.Add(i * l.InWidth + j);
                                    cells.Add($"Unsafe.Add(ref in0, left + {i * l.InWidth + j})");
                                }
                            string vector = cells.Count <= 4 ? "Vector128" : cells.Count <= 8 ? "Vector256" : "Vector512";
                            int lanes = vector == "Vector128" ? 4 : vector == "Vector256" ? 8 : 16;
                            while (cells.Count < lanes) cells.Add("float.NegativeInfinity");
                            w.Line($"var window = {vector}.Create({string.Join(", ", cells)});");
                            w.Line($"int first = BitOperations.TrailingZeroCount({vector}.ExtractMostSignificantBits({vector}.Equals(window, {vector}.Create(best))));");
                            w.Line($"int at = {(l.Size == 2 ? $"(first >> 1) * {l.InWidth} + (first & 1)" : $"first / {l.Size} * {l.InWidth} + first % {l.Size}")};");
                            w.Line("Unsafe.Add(ref d0, left + at) += dy;");
                        }
                        else
                        {
                            w.Line($"float share = dy * {Literal.Float(1f / (l.Size * l.Size))};");
                            foreach (string target in Window(l, "d")) w.Line($"Unsafe.Add(ref {target}) += share;");
                        }
                    }
                }
                LayerKind.EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {l.InSize}");
                return;
            }
            if (max)
            {
                Windows(w, l, refs.Rows,
                    () =>
                    {
                        w.Line($"float best = Unsafe.Add(ref {refs.Output}, o);");
                        w.Line("bool routed = false;");
                    },
                    () => w.Line($"if (!routed && Unsafe.Add(ref {refs.Input}, at) == best) {{ Unsafe.Add(ref {refs.PreviousDelta}, at) += Unsafe.Add(ref {refs.Delta}, o); routed = true; }}"),
                    () => { });
            }
            else
            {
                Windows(w, l, refs.Rows,
                    () =>
                    {
                        w.Line($"int top = oh * {l.Stride} - {l.PadTop}, left = ow * {l.Stride} - {l.PadLeft};");
                        w.Line($"int count = (Math.Min(top + {l.Size}, {l.InHeight}) - Math.Max(top, 0)) * (Math.Min(left + {l.Size}, {l.InWidth}) - Math.Max(left, 0));");
                        w.Line($"float share = Unsafe.Add(ref {refs.Delta}, o) / count;");
                    },
                    () => w.Line($"Unsafe.Add(ref {refs.PreviousDelta}, at) += share;"),
                    () => { });
            }
            LayerKind.EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {l.InSize}");
        }
    }
}
