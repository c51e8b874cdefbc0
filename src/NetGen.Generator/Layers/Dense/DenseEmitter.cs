using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>Kernels and call sites of dense layers: forward, weight/bias gradients, input gradient.</summary>
    internal static class DenseEmitter
    {
        /// <summary>Y = act(X·W + b). Softmax layers use the linear kernel; the network applies softmax per row.</summary>
        public static GemmKernel Forward(DenseLayerPlan layer, ActivationFunction activation) => Forward(layer.In, layer.Out, activation);

        /// <summary>
        /// Y = act(X·W + b) for X [rows, <paramref name="inputs"/>] and W [<paramref name="inputs"/>, <paramref name="outputs"/>].
        /// <paramref name="indexed"/>: X's row i is sample <c>index[i]</c> of x (the first layer in training reads the
        /// caller's samples where they are, and asks for them ahead of use).
        /// </summary>
        public static GemmKernel Forward(int inputs, int outputs, ActivationFunction activation, bool indexed = false, int? depth = null)
        {
            string act = Activations.KernelName(activation);
            string formula = activation == ActivationKind.Linear ? "X·W + b" : Activations.Formula(activation, "X·W + b");
            string part = depth is int d && d != inputs ? $"_Inputs{d}" : "";
            return new GemmKernel(
                (indexed ? $"DenseForwardIndexed_{inputs}x{outputs}_{act}" : $"DenseForward_{inputs}x{outputs}_{act}") + part,
                (indexed
                    ? $"Y = {formula} for X [rows, {inputs}] with row i = sample index[i] of x, W [{inputs}, {outputs}] row-major, Y [rows, {outputs}]."
                    : $"Y = {formula} for X [rows, {inputs}], W [{inputs}, {outputs}] row-major, Y [rows, {outputs}].") +
                (depth is int n && n != inputs ? $" Only a block of {n} inputs: x and w point at its first (X's rows stay {inputs} wide), so Y holds partial sums." : ""),
                indexed ? "ref float x, ref int index, ref float w, ref float bias, ref float y, int rows" : "ref float x, ref float w, ref float bias, ref float y, int rows",
                indexed ? "ref x, ref index, ref w, ref bias, ref y, rows" : "ref x, ref w, ref bias, ref y, rows")
            {
                Columns = outputs,
                ConstDepth = depth ?? inputs,
                A = "x",
                Lda = Literal.Int(inputs),
                ARowRef = indexed ? row => IndexedRow(row, inputs) : null,
                PrefetchA = indexed,
                B = "w",
                C = "y",
                Bias = "bias",
                Epilogue = (isa, acc, row, col) => Activations.Apply(activation, acc),
            };
        }

        /// <summary>Sample <c>index[row]</c> of x, whose samples are <paramref name="inputs"/> floats long.</summary>
        private static string IndexedRow(string row, int inputs) =>
            $"Unsafe.Add(ref x, (nint)Unsafe.Add(ref index, {(row.StartsWith("(") && row.EndsWith(")") ? row.Substring(1, row.Length - 2) : row)}) * {inputs})";

        /// <summary>dW = Xᵀ·dZ for X [rows, <paramref name="inputs"/>] and dZ [rows, <paramref name="outputs"/>]; <paramref name="indexed"/>: X's row i is sample <c>index[i]</c> of x.</summary>
        public static GemmKernel WeightGradient(int inputs, int outputs, bool indexed = false) =>
            new GemmKernel(
                indexed ? $"DenseWeightGradientIndexed_{inputs}x{outputs}" : $"DenseWeightGradient_{inputs}x{outputs}",
                indexed
                    ? $"dW = Xᵀ·dZ for X [rows, {inputs}] with row i = sample index[i] of x, dZ [rows, {outputs}], dW [{inputs}, {outputs}]."
                    : $"dW = Xᵀ·dZ for X [rows, {inputs}], dZ [rows, {outputs}], dW [{inputs}, {outputs}].",
                indexed ? "ref float x, ref int index, ref float dz, ref float dw, int rows" : "ref float x, ref float dz, ref float dw, int rows",
                indexed ? "ref x, ref index, ref dz, ref dw, rows" : "ref x, ref dz, ref dw, rows")
            {
                Columns = outputs,
                ConstRows = inputs,
                DepthName = "rows",
                A = "x",
                ARowMajor = false,
                Lda = Literal.Int(inputs),
                AColumnRef = indexed ? k => IndexedRow(k, inputs) : null,
                B = "dz",
                C = "dw",
            };

        /// <summary>
        /// Adam's step for W from ∂L/∂W = Xᵀ·ΔZ without storing the gradient: each register tile of the product is the
        /// gradient of its weights, which take their step (moments, then weights) as the tile is finished. The arithmetic
        /// is the update kernel's, so the result is the same bits as the gradient followed by the update.
        /// </summary>
        public static GemmKernel WeightGradientAdam(DenseLayerPlan layer, OptimizerSpec optimizer, bool indexed = false, int? inputRows = null)
        {
            int inputs = layer.In, outputs = layer.Out;
            string x = indexed ? $"X [rows, {inputs}] with row i = sample index[i] of x" : $"X [rows, {inputs}]";
            string part = inputRows is int ir && ir != inputs ? $"_Inputs{ir}" : "";
            string note = (inputRows is int n && n != inputs
                ? $" Only a block of {n} of W's rows (inputs): x, w, m and v point at its first; X's rows stay {inputs} wide."
                : "");
            return new GemmKernel(
                (indexed ? $"DenseWeightGradientAdamIndexed_{inputs}x{outputs}" : $"DenseWeightGradientAdam_{inputs}x{outputs}") + part,
                $"Adam's step for W [{inputs}, {outputs}] from its gradient Xᵀ·dZ ({x}, dZ [rows, {outputs}]), tile by tile: the gradient stays in registers; m and v are Adam's moments, laid out as W." + note,
                indexed ? "ref float x, ref int index, ref float dz, ref float w, ref float m, ref float v, float alpha, int rows" : "ref float x, ref float dz, ref float w, ref float m, ref float v, float alpha, int rows",
                indexed ? "ref x, ref index, ref dz, ref w, ref m, ref v, alpha, rows" : "ref x, ref dz, ref w, ref m, ref v, alpha, rows")
            {
                Columns = outputs,
                ConstRows = inputRows ?? inputs,
                DepthName = "rows",
                A = "x",
                ARowMajor = false,
                Lda = Literal.Int(inputs),
                AColumnRef = indexed ? k => IndexedRow(k, inputs) : null,
                B = "dz",
                C = "w",
                FinalRowRefs = (i, row) => new[]
                {
                    $"ref float mRow{i} = ref Unsafe.Add(ref m, {row} * {outputs});",
                    $"ref float vRow{i} = ref Unsafe.Add(ref v, {row} * {outputs});",
                },
                FinalStore = (isa, acc, i, col) => OptimizerEmitter.AdamStep(isa, optimizer, acc, $"w{i}", $"mRow{i}", $"vRow{i}", col),
            };
        }

        /// <summary>∂L/∂b = Σ_rows ΔZ.</summary>
        public static GemmKernel BiasGradient(DenseLayerPlan layer) => BiasGradient(layer.Out);

        /// <summary>db = Σ_rows dZ for dZ [rows, <paramref name="outputs"/>].</summary>
        public static GemmKernel BiasGradient(int outputs) =>
            new GemmKernel(
                $"BiasGradient_{outputs}",
                $"db = Σ_rows dZ for dZ [rows, {outputs}].",
                "ref float dz, ref float db, int rows",
                "ref dz, ref db, rows")
            {
                Columns = outputs,
                ConstRows = 1,
                DepthName = "rows",
                AIsOnes = true,
                B = "dz",
                C = "db",
            };

        /// <summary>ΔZ of the previous layer = (ΔZ·Wᵀ) ⊙ act′(Y_prev), with Wᵀ [Out, In] row-major.</summary>
        public static GemmKernel InputGradient(DenseLayerPlan layer, ActivationFunction previous) => InputGradient(layer.In, layer.Out, previous);

        /// <summary>dX = (dZ·Wᵀ) ⊙ act′(Y) for dZ [rows, <paramref name="outputs"/>] and Wᵀ [<paramref name="outputs"/>, <paramref name="inputs"/>].</summary>
        public static GemmKernel InputGradient(int inputs, int outputs, ActivationFunction previous)
        {
            string act = Activations.KernelName(previous);
            string formula = previous == ActivationKind.Linear ? "dZ·Wᵀ" : $"(dZ·Wᵀ) ⊙ {Activations.DerivativeFormula(previous, "Y")}";
            return new GemmKernel(
                $"DenseInputGradient_{inputs}x{outputs}_{act}",
                $"dX = {formula} for dZ [rows, {outputs}], Wᵀ [{outputs}, {inputs}] row-major, Y and dX [rows, {inputs}].",
                "ref float dz, ref float wt, ref float y, ref float dx, int rows",
                "ref dz, ref wt, ref y, ref dx, rows")
            {
                Columns = inputs,
                ConstDepth = outputs,
                A = "dz",
                Lda = Literal.Int(outputs),
                B = "wt",
                C = "dx",
                EpilogueMatrix = previous == ActivationKind.Linear ? null : "y",
                Epilogue = (isa, acc, row, col) => previous == ActivationKind.Linear ? acc : Activations.Backward(previous, acc, isa.Load(row, col)),
            };
        }

        /// <summary>One line comment describing the layer.</summary>
        public static string Describe(DenseLayerPlan layer) =>
            $"Layer {layer.Index}: Dense {layer.In}→{layer.Out}, {Activations.Display(layer.Activation)} — {Literal.Grouped(layer.Macs)} MACs per sample";

        /// <summary>Writes the forward call with <paramref name="activation"/> fused into the kernel.</summary>
        public static void EmitForward(SourceWriter w, KernelSet kernels, DenseLayerPlan layer, ActivationFunction activation, LayerRefs refs)
        {
            bool indexed = refs.InputIndex is not null;
            string kernel = kernels.Use(Forward(layer.In, layer.Out, activation, indexed));
            string index = indexed ? $"ref {refs.InputIndex}, " : "";
            w.Line($"Kernels.{kernel}(ref {refs.Input}, {index}{At(refs.Parameters, layer.WeightAt)}, {At(refs.Parameters, layer.BiasAt)}, ref {refs.Output}, {refs.Rows});");
        }

        /// <summary>
        /// Writes the backward calls: weight and bias gradients, then (except for the first layer) the previous
        /// layer's ∂L/∂z with its activation's derivative fused into the kernel.
        /// </summary>
        public static void EmitBackward(SourceWriter w, KernelSet kernels, DenseLayerPlan layer, LayerRefs refs)
        {
            bool indexed = refs.InputIndex is not null;
            string index = indexed ? $"ref {refs.InputIndex}, " : "";
            string wg = kernels.Use(WeightGradient(layer.In, layer.Out, indexed));
            string bg = kernels.Use(BiasGradient(layer));
            string call = $"Kernels.{wg}(ref {refs.Input}, {index}ref {refs.Delta}, {At(refs.Gradients, layer.WeightAt)}, {refs.Rows});";
            if (refs.FusedAdam is OptimizerSpec adam)
            {
                string fused = kernels.Use(WeightGradientAdam(layer, adam, indexed));
                w.Line("// one worker: the weights take Adam's step here, as each tile of their gradient is finished (the gradient is not stored)");
                string secondMoments = $"ParameterCount + {layer.WeightAt}";
                w.Line($"if (adam is not null) Kernels.{fused}(ref {refs.Input}, {index}ref {refs.Delta}, {At(refs.Parameters, layer.WeightAt)}, " +
                       $"{At("adam.Reference", layer.WeightAt)}, ref Unsafe.Add(ref adam.Reference, {secondMoments}), alpha, {refs.Rows});");
                w.Line($"else {call}");
            }
            else
            {
                w.Line(call);
            }
            w.Line($"Kernels.{bg}(ref {refs.Delta}, {At(refs.Gradients, layer.BiasAt)}, {refs.Rows});");
            if (refs.PreviousDelta is null) return;
            string ig = kernels.Use(InputGradient(layer, refs.PreviousActivation));
            w.Line($"VectorMath.Transpose({refs.ParametersSpan}.Slice({layer.WeightAt}, {layer.WeightCount}), {layer.In}, {layer.Out}, _transposed.Span);");
            w.Line($"Kernels.{ig}(ref {refs.Delta}, ref _transposed.Reference, ref {refs.Input}, ref {refs.PreviousDelta}, {refs.Rows});");
        }

        /// <summary>Writes the bias gradient alone (the weights take their step elsewhere: the shared layer's <c>StepInputs</c>).</summary>
        public static void EmitBiasGradient(SourceWriter w, KernelSet kernels, DenseLayerPlan layer, LayerRefs refs)
        {
            string bg = kernels.Use(BiasGradient(layer));
            w.Line($"Kernels.{bg}(ref {refs.Delta}, {At(refs.Gradients, layer.BiasAt)}, {refs.Rows});");
        }

        /// <summary>
        /// Writes the forward call over the block of <paramref name="inputs"/> inputs that starts at the input in the variable
        /// <c>first</c>, for every row, into <c>output</c> from <c>bias</c> (partial sums: no activation).
        /// </summary>
        public static void EmitForwardInputs(SourceWriter w, KernelSet kernels, DenseLayerPlan layer, int inputs, LayerRefs refs)
        {
            string kernel = kernels.Use(Forward(layer.In, layer.Out, ActivationKind.Linear, indexed: true, depth: inputs));
            w.Line($"Kernels.{kernel}(ref Unsafe.Add(ref {refs.Input}, first), ref {refs.InputIndex}, ref Unsafe.Add(ref {refs.Parameters}, {layer.WeightAt} + first * {layer.Out}), " +
                   $"ref bias, ref output, {refs.Rows});");
        }

        /// <summary>y = act(y + partial), element by element: two blocks of partial sums of a dense layer, and its activation.</summary>
        public static ElementwiseKernel AddPartial(ActivationFunction activation)
        {
            string act = Activations.KernelName(activation);
            return new ElementwiseKernel(
                $"AddPartial_{act}",
                activation == ActivationKind.Linear ? "y = y + partial." : $"y = {Activations.Formula(activation, "y + partial")}.",
                "ref float y, ref float partial, int count",
                "ref y, ref partial, count",
                null,
                (isa, i) =>
                {
                    string sum = $"{isa.Load("y", i)} + {isa.Load("partial", i)}";
                    return new[] { isa.Store(Activations.Apply(activation, sum), "y", i) };
                });
        }

        /// <summary>
        /// Writes Adam's step for the block of <paramref name="inputRows"/> rows of W (inputs) that starts at the row in the
        /// variable <c>first</c>, from their gradient over every sample (the fused kernel over a block of rows: every weight's
        /// arithmetic is the whole kernel's, so the bits are the same). Blocks of rows are contiguous in W and in its moments.
        /// </summary>
        public static void EmitWeightStepRows(SourceWriter w, KernelSet kernels, DenseLayerPlan layer, OptimizerSpec adam, int inputRows, LayerRefs refs)
        {
            string kernel = kernels.Use(WeightGradientAdam(layer, adam, indexed: true, inputRows: inputRows));
            string at = $"{layer.WeightAt} + first * {layer.Out}";
            w.Line($"Kernels.{kernel}(ref Unsafe.Add(ref {refs.Input}, first), ref {refs.InputIndex}, ref {refs.Delta}, ref Unsafe.Add(ref {refs.Parameters}, {at}), " +
                   $"ref Unsafe.Add(ref adam.Reference, {at}), ref Unsafe.Add(ref adam.Reference, ParameterCount + {at}), alpha, {refs.Rows});");
        }

        /// <summary>A ref argument to the element of <paramref name="reference"/> at the named offset <paramref name="offset"/>.</summary>
        public static string At(string reference, string offset) => $"ref Unsafe.Add(ref {reference}, {offset})";

        /// <summary>A ref argument to element <paramref name="offset"/> of <paramref name="reference"/>.</summary>
        public static string At(string reference, int offset) =>
            offset == 0 ? $"ref {reference}" : $"ref Unsafe.Add(ref {reference}, {offset})";
    }
}
