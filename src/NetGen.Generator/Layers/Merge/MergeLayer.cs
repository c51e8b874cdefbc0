using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    internal enum MergeOp
    {
        Add,
        Multiply,
        Concatenate,
    }

    /// <summary>A merge of two or more named layers (the parser resolves the names into the network's wiring).</summary>
    internal sealed record MergeSpec(MergeOp Op) : LayerSpec
    {
        public override LayerKind Kind => MergeLayerKind.Instance;
    }

    /// <summary>
    /// Add, Multiply or Concatenate. Every input is stored as its layer wrote it: vectors [n], sequences [steps, n],
    /// images channel-major [channels, height, width]; so joining along the last axis of the shape is, per sample,
    /// <see cref="Outer"/> runs of each input's <see cref="Chunks"/> floats one after the other (images: one run of all
    /// of an input's channels).
    /// </summary>
    internal sealed class MergeLayerPlan : LayerPlan
    {
        public MergeLayerPlan(int index, IReadOnlyList<int[]> inShapes, int[] outShape, MergeOp op)
            : base(index, inShapes[0], outShape, ActivationKind.Linear)
        {
            Op = op;
            InShapes = inShapes;
            int[] first = inShapes[0];
            Outer = first.Length == 2 ? first[0] : 1;
            Chunks = inShapes.Select(s => Size(s) / Outer).ToArray();
        }

        public MergeOp Op { get; }

        public IReadOnlyList<int[]> InShapes { get; }

        /// <summary>Runs per sample: a sequence's steps; 1 for vectors and images.</summary>
        public int Outer { get; }

        /// <summary>Each input's floats per run (Concatenate).</summary>
        public int[] Chunks { get; }

        public override LayerKind Kind => MergeLayerKind.Instance;

        public override string Title => Op.ToString();

        private static int Size(int[] shape)
        {
            int n = 1;
            foreach (int d in shape) n *= d;
            return n;
        }
    }

    /// <summary>
    /// <c>[Add("a", "b")]</c>, <c>[Multiply("a", "b")]</c>, <c>[Concatenate("a", "b")]</c> as Keras's merge layers: element-wise over
    /// inputs of one shape, or joined along the last axis (features, or the channels of images of one height and width).
    /// </summary>
    internal sealed class MergeLayerKind : LayerKind<MergeSpec, MergeLayerPlan>
    {
        public static readonly MergeLayerKind Instance = new MergeLayerKind();

        private const string AddName = "NetGen.AddAttribute";
        private const string MultiplyName = "NetGen.MultiplyAttribute";

        public override IReadOnlyList<string> AttributeNames { get; } = new[] { AddName, MultiplyName, "NetGen.ConcatenateAttribute" };

        public override bool Merges => true;

        public override LayerSpec? Parse(LayerAttribute a) =>
            new MergeSpec(a.FullName == AddName ? MergeOp.Add : a.FullName == MultiplyName ? MergeOp.Multiply : MergeOp.Concatenate);

        protected override string Display(MergeSpec spec) => spec.Op.ToString();

        protected override ShapeResult OutputShape(MergeSpec spec, ShapeInput input)
        {
            IReadOnlyList<int[]> shapes = input.Shapes;
            string all = string.Join(" and ", shapes.Select(ShapeInference.Format));
            if (shapes.Count < 2)
                return ShapeResult.Fails(DiagnosticDescriptors.MergeDoesNotFit, Display(spec),
                    $"it has {shapes.Count} input: list two or more layer names, e.g. [{spec.Op}(\"a\", \"b\")]");
            if (input.ReadsRawImage)
                return ShapeResult.Fails(DiagnosticDescriptors.MergeDoesNotFit, Display(spec),
                    "it reads the raw (height, width, channels) input, which is stored channel-last while layers store images channel-first: put a layer such as [Conv2D] between them");
            int[] first = shapes[0];
            if (spec.Op != MergeOp.Concatenate)
            {
                for (int i = 1; i < shapes.Count; i++)
                {
                    if (!shapes[i].SequenceEqual(first))
                        return ShapeResult.Fails(DiagnosticDescriptors.MergeDoesNotFit, Display(spec),
                            $"{spec.Op} needs inputs of one shape, but they are {all}: make the layers the same width, or use [Concatenate]");
                }
                return ShapeResult.Of((int[])first.Clone());
            }
            int joined = 0;
            foreach (int[] shape in shapes)
            {
                bool fits = shape.Length == first.Length;
                for (int d = 0; fits && d < first.Length - 1; d++) fits = shape[d] == first[d];
                if (!fits)
                    return ShapeResult.Fails(DiagnosticDescriptors.MergeDoesNotFit, Display(spec),
                        $"Concatenate joins along the last axis, so every other axis must agree, but the inputs are {all}");
                joined += shape[shape.Length - 1];
            }
            int[] output = (int[])first.Clone();
            output[output.Length - 1] = joined;
            return ShapeResult.Of(output);
        }

        protected override long ParameterCount(MergeSpec spec, int[] inputShape) => 0;

        protected override MaskFlow Mask(MergeSpec spec) => MaskFlow.Stops;

        public override bool KeepsLayout => false;

        protected override string Architecture(MergeSpec spec) => spec.Op.ToString();

        protected override MergeLayerPlan Plan(MergeSpec spec, LayerPlanInput input) =>
            new MergeLayerPlan(input.Index, input.InShapes, input.OutShape, spec.Op);

        protected override string Describe(MergeLayerPlan m)
        {
            string inputs = string.Join(m.Op == MergeOp.Concatenate ? ", " : m.Op == MergeOp.Add ? " + " : " ⊙ ", m.Sources.Select(s => s <= 0 ? $"input {1 - s}" : $"layer {s}"));
            return m.Op == MergeOp.Concatenate
                ? $"Layer {m.Index}: Concatenate {inputs} along the last axis → {ShapeInference.Format(m.OutShape)}"
                : $"Layer {m.Index}: {m.Op} {inputs}, {m.OutSize} values each";
        }

        protected override IReadOnlyList<ParameterTensor> Parameters(MergeLayerPlan layer) => NoParameters;

        protected override void EmitInitialization(SourceWriter w, MergeLayerPlan layer)
        {
        }

        protected override IReadOnlyList<string> InitializationPhrases(MergeLayerPlan layer) => NoPhrases;

        protected override IReadOnlyList<TrainingBuffer> TrainingBuffers(MergeLayerPlan layer) => NoBuffers;

        protected override void EmitForward(SourceWriter w, KernelSet kernels, MergeLayerPlan m, ActivationFunction activation, LayerRefs refs)
        {
            string[] x = refs.Inputs;
            string count = $"{refs.Rows} * {m.OutSize}";
            if (m.Op == MergeOp.Concatenate)
            {
                using (w.Block($"for (int r = 0; r < {Runs(m, refs.Rows)}; r++)"))
                {
                    int offset = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        w.Line($"ImageKernels.Copy(ref Unsafe.Add(ref {x[i]}, r * {m.Chunks[i]}), ref Unsafe.Add(ref {refs.Output}, r * {m.OutSize / m.Outer}{(offset == 0 ? "" : $" + {offset}")}), {m.Chunks[i]});");
                        offset += m.Chunks[i];
                    }
                }
                return;
            }
            string both = kernels.Use(m.Op == MergeOp.Add ? ElementwiseKernels.Sum : ElementwiseKernels.Product);
            w.Line($"Kernels.{both}(ref {x[0]}, ref {x[1]}, ref {refs.Output}, {count});");
            if (x.Length > 2)
            {
                string more = kernels.Use(m.Op == MergeOp.Add ? ElementwiseKernels.AddInPlace : ElementwiseKernels.MultiplyInPlace);
                for (int i = 2; i < x.Length; i++) w.Line($"Kernels.{more}(ref {refs.Output}, ref {x[i]}, {count});");
            }
        }

        /// <summary>Runs of contiguous values per batch: a row per sample, or a row per step of a sequence.</summary>
        private static string Runs(MergeLayerPlan m, string rows) => m.Outer == 1 ? rows : $"{rows} * {m.Outer}";

        protected override void EmitBackward(SourceWriter w, KernelSet kernels, MergeLayerPlan m, LayerRefs refs)
        {
            string[] x = refs.Inputs;
            for (int i = 0; i < x.Length; i++)
            {
                string? dx = refs.PreviousDeltas[i];
                if (dx is null) continue;
                string count = $"{refs.Rows} * {(m.Op == MergeOp.Concatenate ? m.Chunks[i] * m.Outer : m.OutSize)}";
                switch (m.Op)
                {
                    case MergeOp.Add:
                        w.Line($"ImageKernels.Copy(ref {refs.Delta}, ref {dx}, {count}); // ∂(Σ x)/∂x{i} = 1");
                        break;
                    case MergeOp.Multiply:
                    {
                        // ∂(Π x)/∂x_i = the product of the others
                        int[] others = Enumerable.Range(0, x.Length).Where(j => j != i).ToArray();
                        w.Line($"Kernels.{kernels.Use(ElementwiseKernels.Product)}(ref {refs.Delta}, ref {x[others[0]]}, ref {dx}, {count}); // ∂(Π x)/∂x{i}: the other inputs' product");
                        for (int k = 1; k < others.Length; k++) w.Line($"Kernels.{kernels.Use(ElementwiseKernels.MultiplyInPlace)}(ref {dx}, ref {x[others[k]]}, {count});");
                        break;
                    }
                    default:
                    {
                        int offset = m.Chunks.Take(i).Sum();
                        using (w.Block($"for (int r = 0; r < {Runs(m, refs.Rows)}; r++)"))
                        {
                            w.Line($"ImageKernels.Copy(ref Unsafe.Add(ref {refs.Delta}, r * {m.OutSize / m.Outer}{(offset == 0 ? "" : $" + {offset}")}), ref Unsafe.Add(ref {dx}, r * {m.Chunks[i]}), {m.Chunks[i]});");
                        }
                        break;
                    }
                }
                EmitActivationBackward(w, refs.PreviousActivations[i], dx, x[i], count);
                refs.InputGradientWritten?.Invoke(i);
            }
        }
    }
}
