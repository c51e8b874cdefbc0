using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Emit.Layers
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

        public static void EmitForward(SourceWriter w, Pool2DLayerPlan l, LayerRefs refs)
        {
            bool max = l.Pool == PoolKind.Max;
            Windows(w, l, refs.Rows,
                () => w.Line(max ? "float best = float.NegativeInfinity;" : "float sum = 0f; int count = 0;"),
                () => w.Line(max
                    ? $"float v = Unsafe.Add(ref {refs.Input}, at); if (v > best) best = v;"
                    : $"sum += Unsafe.Add(ref {refs.Input}, at); count++;"),
                () => w.Line(max
                    ? $"Unsafe.Add(ref {refs.Output}, o) = best;"
                    : $"Unsafe.Add(ref {refs.Output}, o) = sum / count;"));
        }

        public static void EmitBackward(SourceWriter w, Pool2DLayerPlan l, LayerRefs refs)
        {
            if (refs.PreviousDelta is null) return;
            bool max = l.Pool == PoolKind.Max;
            w.Line($"ImageKernels.Clear(ref {refs.PreviousDelta}, {refs.Rows} * {l.InSize});");
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
            LayerEmitter.EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {l.InSize}");
        }
    }
}
