using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// 1-D convolution as three register-tiled products over the windows matrix (<c>UnfoldKernels.Unfold</c>: one row
    /// per output step, channels × taps wide): Y = act(windows · Wᵀ + b) forward; ∂L/∂W = ∂L/∂Yᵀ · windows and
    /// ∂L/∂windows = ∂L/∂Y · W backward, the last folded back onto the input's steps. Training unfolds the whole batch
    /// once, so every product runs over rows × output steps rows; Predict unfolds one sample at a time.
    /// </summary>
    internal static class Conv1DEmitter
    {
        public static string Describe(Conv1DLayerPlan l) =>
            $"Layer {l.Index}: Conv1D {l.Filters}@{l.KernelSize}" + (l.Stride != 1 ? $", stride {l.Stride}" : "") + (l.Dilation != 1 ? $", dilation {l.Dilation}" : "") +
            $", {Padding(l)}{(l.UseBias ? "" : ", no bias")}, {Activations.Display(l.Activation)}: " +
            $"{l.Steps}×{l.Channels} → {l.OutSteps}×{l.Filters} — {Literal.Grouped(l.Macs)} MACs per sample";

        private static string Padding(Conv1DLayerPlan l) => l.Padding switch
        {
            PaddingKind.Same => "same",
            PaddingKind.Causal => "causal",
            _ => "valid",
        };

        /// <summary>Y = act(windows · Wᵀ + b) for windows [rows, Columns] and Wᵀ [Columns, Filters].</summary>
        public static GemmKernel Forward(Conv1DLayerPlan l, ActivationFunction activation)
        {
            string act = Activations.KernelName(activation);
            string sum = l.UseBias ? "windows·Wᵀ + b" : "windows·Wᵀ";
            string formula = activation.Kind == ActivationKind.Linear ? sum : Activations.Formula(activation, sum);
            string bias = l.UseBias ? "ref float bias, " : "";
            return new GemmKernel(
                $"Conv1DForward_{l.Columns}x{l.Filters}_{act}{(l.UseBias ? "" : "_NoBias")}",
                $"Y = {formula} for windows [rows, {l.Columns}] (each a {l.Channels}-channel, {l.KernelSize}-tap window of a sequence), Wᵀ [{l.Columns}, {l.Filters}] row-major, Y [rows, {l.Filters}].",
                $"ref float windows, ref float wt, {bias}ref float y, int rows",
                $"ref windows, ref wt, {(l.UseBias ? "ref bias, " : "")}ref y, rows")
            {
                Columns = l.Filters,
                ConstDepth = l.Columns,
                A = "windows",
                Lda = Literal.Int(l.Columns),
                B = "wt",
                C = "y",
                Bias = l.UseBias ? "bias" : null,
                Epilogue = (isa, acc, row, col) => Activations.Apply(activation, acc),
            };
        }

        private static string Unfold(Conv1DLayerPlan l, string input, string windows, string rows) =>
            $"UnfoldKernels.Unfold(ref {input}, ref {windows}, {rows}, {Geometry(l)});";

        /// <summary>The window geometry arguments of <c>Unfold</c> and <c>Fold</c>, named so that the call reads.</summary>
        private static string Geometry(Conv1DLayerPlan l) =>
            $"steps: {l.Steps}, channels: {l.Channels}, outSteps: {l.OutSteps}, kernel: {l.KernelSize}, stride: {l.Stride}, dilation: {l.Dilation}, padBefore: {l.PadBefore}";

        private static string Bias(Conv1DLayerPlan l, string parameters) => l.UseBias ? DenseEmitter.At(parameters, l.BiasAt) + ", " : "";

        public static void EmitForward(SourceWriter w, KernelSet kernels, Conv1DLayerPlan l, ActivationFunction activation, LayerRefs refs)
        {
            string kernel = kernels.Use(Forward(l, activation));
            string weights = DenseEmitter.At(refs.Parameters, l.WeightAt);
            if (refs.Training)
            {
                w.Line($"// the batch's windows, one row per output step ([{l.Channels} channels × {l.KernelSize} taps], zero past the ends), then one product");
                w.Line(Unfold(l, refs.Input, $"{l.Windows}.Reference", refs.Rows));
                w.Line($"UnfoldKernels.Transpose({weights}, ref {l.TransposedWeights}.Reference, {l.Filters}, {l.Columns});");
                w.Line($"Kernels.{kernel}(ref {l.Windows}.Reference, ref {l.TransposedWeights}.Reference, {Bias(l, refs.Parameters)}ref {refs.Output}, {refs.Rows} * {l.OutSteps});");
                return;
            }
            // Predict: the transposed kernels at the start of the scratch, one sample's windows after them
            w.Line($"UnfoldKernels.Transpose({weights}, ref {refs.Scratch}, {l.Filters}, {l.Columns});");
            using (w.Block($"for (int s = 0; s < {refs.Rows}; s++)"))
            {
                w.Line($"ref float windows = ref Unsafe.Add(ref {refs.Scratch}, {l.WeightCount});");
                w.Line(Unfold(l, $"Unsafe.Add(ref {refs.Input}, s * {l.InSize})", "windows", "1"));
                w.Line($"Kernels.{kernel}(ref windows, ref {refs.Scratch}, {Bias(l, refs.Parameters)}ref Unsafe.Add(ref {refs.Output}, s * {l.OutSize}), {l.OutSteps});");
            }
        }

        public static void EmitBackward(SourceWriter w, KernelSet kernels, Conv1DLayerPlan l, LayerRefs refs)
        {
            // ∂L/∂W [F, C·K] = ∂L/∂Yᵀ · windows: the dense weight-gradient product, ∂L/∂Y [rows · OT, F] in the place of its inputs
            string weightGradient = kernels.Use(DenseEmitter.WeightGradient(l.Filters, l.Columns));
            string rows = $"{refs.Rows} * {l.OutSteps}";
            w.Line($"// ∂L/∂W = ∂L/∂Yᵀ · windows, [{l.Filters}, {l.Columns}]{(l.UseBias ? "; ∂L/∂b = Σ ∂L/∂Y over rows and steps" : "")}");
            w.Line($"Kernels.{weightGradient}(ref {refs.Delta}, ref {l.Windows}.Reference, {DenseEmitter.At(refs.Gradients, l.WeightAt)}, {rows});");
            if (l.UseBias)
            {
                string biasGradient = kernels.Use(DenseEmitter.BiasGradient(l.Filters));
                w.Line($"Kernels.{biasGradient}(ref {refs.Delta}, {DenseEmitter.At(refs.Gradients, l.BiasAt)}, {rows});");
            }
            if (refs.PreviousDelta is null) return;
            // ∂L/∂windows = ∂L/∂Y · W: the dense input-gradient product with W [F, C·K] as its Wᵀ, then folded onto the input's steps
            string inputGradient = kernels.Use(DenseEmitter.InputGradient(l.Columns, l.Filters, ActivationKind.Linear));
            w.Line($"// ∂L/∂windows = ∂L/∂Y · W, then each window's share added back onto the steps it read");
            w.Line($"Kernels.{inputGradient}(ref {refs.Delta}, {DenseEmitter.At(refs.Parameters, l.WeightAt)}, ref {l.WindowGradients}.Reference, ref {l.WindowGradients}.Reference, {rows});");
            w.Line($"UnfoldKernels.Fold(ref {l.WindowGradients}.Reference, ref {refs.PreviousDelta}, {refs.Rows}, {Geometry(l)});");
            LayerKind.EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {l.InSize}");
        }
    }
}
