using NetGen.Generator.Emit;
using System.Collections.Generic;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// 2×2, stride-2, valid pooling of channel-major planes (LeNet's pools): each row of windows reads its two input
    /// rows a register at a time through <c>Pool2x2</c>, windows being adjacent pairs of lanes; a row's last register
    /// overlaps the one before it instead of running scalar windows. Rows narrower than a register, and the portable
    /// path, pool window by window.
    /// </summary>
    internal abstract class Pool2x2Kernel : KernelBase
    {
        protected Pool2x2Kernel(Pool2DLayerPlan layer, string name, string summary, string signature, string arguments)
            : base(name, summary, signature, arguments)
        {
            Layer = layer;
        }

        protected Pool2DLayerPlan Layer { get; }

        protected bool IsMax => Layer.Pool == PoolKind.Max;

        public static bool Applies(Pool2DLayerPlan l) =>
            l.Size == 2 && l.Stride == 2 && l.Padding == PaddingKind.Valid && !l.InputIsHwc;

        protected static string Shape(Pool2DLayerPlan l) => $"{l.Channels}x{l.InHeight}x{l.InWidth}";

        /// <summary>Input columns covered a register at a time: (register width in floats, first column), or none.</summary>
        protected List<(int Width, int Column)> Registers(Isa isa)
        {
            int span = 2 * Layer.OutWidth;
            var registers = new List<(int, int)>();
            int width = isa == Isa.V512 && span >= 16 ? 16 : !isa.IsScalar && span >= 8 ? 8 : 0;
            if (width == 0) return registers;
            for (int c = 0; c + width <= span; c += width) registers.Add((width, c));
            if (span % width != 0) registers.Add((width, span - width)); // overlaps the register before it
            return registers;
        }

        /// <summary>The loops over planes and rows of windows, with <c>top</c>, <c>bottom</c> (input rows) and <c>row</c> (output row) declared.</summary>
        /// <paramref name="extraRefs"/> gets the offsets of the input rows and of the output row, for refs into buffers of the same shapes.
        protected void Rows(SourceWriter w, System.Action<string, string> extraRefs, System.Action body)
        {
            Pool2DLayerPlan l = Layer;
            using (w.Block("for (int plane = 0; plane < planes; plane++)"))
            using (w.Block($"for (int oh = 0; oh < {l.OutHeight}; oh++)"))
            {
                string input = $"plane * {l.InHeight * l.InWidth} + oh * {2 * l.InWidth}";
                string output = $"plane * {l.OutHeight * l.OutWidth} + oh * {l.OutWidth}";
                w.Line($"ref float top = ref Unsafe.Add(ref x, {input});");
                w.Line($"ref float bottom = ref Unsafe.Add(ref top, {l.InWidth});");
                w.Line($"ref float row = ref Unsafe.Add(ref y, {output});");
                extraRefs(input, output);
                body();
            }
        }

        protected static string At(string reference, int offset) => offset == 0 ? $"ref {reference}" : $"ref Unsafe.Add(ref {reference}, {offset})";
    }

    /// <summary>Forward 2×2 pooling: y[plane, oh, ow] = max (or mean) of x[plane, 2oh..2oh+1, 2ow..2ow+1].</summary>
    internal sealed class Pool2x2ForwardKernel : Pool2x2Kernel
    {
        public Pool2x2ForwardKernel(Pool2DLayerPlan layer)
            : base(layer, $"{(layer.Pool == PoolKind.Max ? "Max" : "Avg")}Pool2x2_{Shape(layer)}",
                $"y = 2×2 {(layer.Pool == PoolKind.Max ? "maximum" : "mean")} of x, for {layer.InHeight}×{layer.InWidth} input planes → {layer.OutHeight}×{layer.OutWidth} (planes = rows × {layer.Channels} channels).",
                "ref float x, ref float y, int planes",
                "ref x, ref y, planes")
        {
        }

        public override void EmitPath(SourceWriter w, Isa isa)
        {
            var registers = Registers(isa);
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {Name}_{isa.Suffix}({Signature})"))
            {
                Rows(w, (_, _) => { }, () =>
                {
                    if (registers.Count == 0)
                    {
                        using (w.Block($"for (int ow = 0; ow < {Layer.OutWidth}; ow++)"))
                        {
                            w.Line("int left = 2 * ow;");
                            w.Line(IsMax
                                ? "Unsafe.Add(ref row, ow) = float.Max(float.Max(Unsafe.Add(ref top, left), Unsafe.Add(ref top, left + 1)), float.Max(Unsafe.Add(ref bottom, left), Unsafe.Add(ref bottom, left + 1)));"
                                : "Unsafe.Add(ref row, ow) = (Unsafe.Add(ref top, left) + Unsafe.Add(ref top, left + 1) + Unsafe.Add(ref bottom, left) + Unsafe.Add(ref bottom, left + 1)) * 0.25f;");
                        }
                        return;
                    }
                    foreach (var (width, column) in registers)
                    {
                        string call = $"Pool2x2.{(IsMax ? "Max" : "Average")}{width * 32}";
                        w.Line($"{call}({At("top", column)}, {At("bottom", column)}, {At("row", column / 2)}); // input columns {column}..{column + width}");
                    }
                });
            }
        }
    }

    /// <summary>
    /// Backward 2×2 pooling: dx = dy routed to each window's first maximum (or spread evenly), every position written,
    /// with ReLU's derivative fused when the pooled layer's activation is ReLU.
    /// </summary>
    internal sealed class Pool2x2BackwardKernel : Pool2x2Kernel
    {
        private readonly bool _relu;

        public Pool2x2BackwardKernel(Pool2DLayerPlan layer, bool relu)
            : base(layer, $"{(layer.Pool == PoolKind.Max ? "Max" : "Avg")}Pool2x2Backward_{Shape(layer)}{(relu ? "_Relu" : "")}",
                $"dx = ∂L/∂x of 2×2 {(layer.Pool == PoolKind.Max ? "max" : "average")} pooling from dy, for {layer.InHeight}×{layer.InWidth} input planes (x the inputs, y the outputs){(relu ? ", times ReLU's derivative at x" : "")}.",
                "ref float x, ref float y, ref float dy, ref float dx, int planes",
                "ref x, ref y, ref dy, ref dx, planes")
        {
            _relu = relu;
        }

        public override void EmitPath(SourceWriter w, Isa isa)
        {
            var registers = Registers(isa);
            string relu = _relu ? "true" : "false";
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {Name}_{isa.Suffix}({Signature})"))
            {
                Rows(w, (input, output) =>
                {
                    w.Line($"ref float dtop = ref Unsafe.Add(ref dx, {input});");
                    w.Line($"ref float dbottom = ref Unsafe.Add(ref dtop, {Layer.InWidth});");
                    w.Line($"ref float grad = ref Unsafe.Add(ref dy, {output});");
                }, () =>
                {
                    if (registers.Count == 0)
                    {
                        EmitWindows(w);
                        return;
                    }
                    foreach (var (width, column) in registers)
                    {
                        string window = $"{At("top", column)}, {At("bottom", column)}";
                        string gradients = $"{At("grad", column / 2)}, {At("dtop", column)}, {At("dbottom", column)}";
                        w.Line(IsMax
                            ? $"Pool2x2.MaxBackward{width * 32}({window}, {At("row", column / 2)}, {gradients}, relu: {relu});"
                            : $"Pool2x2.AverageBackward{width * 32}({window}, {gradients}, relu: {relu});");
                    }
                });
            }
        }

        /// <summary>Window by window: the four positions written, the gradient to the first one equal to the output.</summary>
        private void EmitWindows(SourceWriter w)
        {
            using (w.Block($"for (int ow = 0; ow < {Layer.OutWidth}; ow++)"))
            {
                w.Line("int left = 2 * ow;");
                if (IsMax || _relu)
                {
                    w.Line("float x00 = Unsafe.Add(ref top, left), x01 = Unsafe.Add(ref top, left + 1), x10 = Unsafe.Add(ref bottom, left), x11 = Unsafe.Add(ref bottom, left + 1);");
                }
                w.Line(IsMax ? "float g = Unsafe.Add(ref grad, ow);" : "float g = Unsafe.Add(ref grad, ow) * 0.25f;");
                string Keep(string x) => _relu ? $" && {x} > 0f" : "";
                if (IsMax)
                {
                    w.Line("float best = Unsafe.Add(ref row, ow);");
                    w.Line("bool t00 = x00 == best, t01 = !t00 && x01 == best, t10 = !t00 && !t01 && x10 == best, t11 = !t00 && !t01 && !t10 && x11 == best;");
                    w.Line($"Unsafe.Add(ref dtop, left) = t00{Keep("x00")} ? g : 0f;");
                    w.Line($"Unsafe.Add(ref dtop, left + 1) = t01{Keep("x01")} ? g : 0f;");
                    w.Line($"Unsafe.Add(ref dbottom, left) = t10{Keep("x10")} ? g : 0f;");
                    w.Line($"Unsafe.Add(ref dbottom, left + 1) = t11{Keep("x11")} ? g : 0f;");
                }
                else if (_relu)
                {
                    w.Line("Unsafe.Add(ref dtop, left) = x00 > 0f ? g : 0f;");
                    w.Line("Unsafe.Add(ref dtop, left + 1) = x01 > 0f ? g : 0f;");
                    w.Line("Unsafe.Add(ref dbottom, left) = x10 > 0f ? g : 0f;");
                    w.Line("Unsafe.Add(ref dbottom, left + 1) = x11 > 0f ? g : 0f;");
                }
                else
                {
                    w.Line("Unsafe.Add(ref dtop, left) = g;");
                    w.Line("Unsafe.Add(ref dtop, left + 1) = g;");
                    w.Line("Unsafe.Add(ref dbottom, left) = g;");
                    w.Line("Unsafe.Add(ref dbottom, left + 1) = g;");
                }
            }
        }
    }
}
