using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Emit.Layers
{
    /// <summary>Routes each layer kind to its emitter; the network and trainer emitters only talk to this.</summary>
    internal static class LayerEmitter
    {
        public static string Describe(LayerPlan layer) => layer switch
        {
            DenseLayerPlan d => DenseEmitter.Describe(d),
            Conv2DLayerPlan c => Conv2DEmitter.Describe(c),
            Pool2DLayerPlan p => PoolEmitter.Describe(p),
            FlattenLayerPlan f => $"Layer {f.Index}: Flatten {ShapeInference.Format(f.InShape)} → {f.OutSize}",
            DropoutLayerPlan d => $"Layer {d.Index}: Dropout {Literal.Float(d.Rate)} over {d.OutSize} values (training only)",
            EmbeddingLayerPlan e => EmbeddingEmitter.Describe(e),
            RecurrentLayerPlan r => RecurrentEmitter.Describe(r),
            _ => $"Layer {layer.Index}",
        };

        /// <summary>The buffers a training workspace needs for this layer beyond its output and delta: (field, floats per row or in all, comment).</summary>
        public static (string Field, string Size, string Comment)[] ExtraBuffers(LayerPlan layer) => layer switch
        {
            Conv2DLayerPlan c when c.TrainsInLanes => Conv2DEmitter.LaneBuffers(c),
            Conv2DLayerPlan c when c.UsesGrid => new[]
            {
                ($"_pad{c.Index}", $"maxRows * {c.PaddedSize}", $"layer {c.Index}'s zero-padded inputs, [rows, {c.Channels}, {c.PaddedHeight}, {c.PaddedWidth}] (+ slack)"),
                ($"_dgrid{c.Index}", $"maxRows * {c.GridSize}", $"layer {c.Index}'s output gradients on the padded grid, [rows, {c.Filters}, {c.GridColumns}]"),
                ($"_wperm{c.Index}", $"{c.WeightCount}", $"layer {c.Index}'s kernels with the channel last, [{c.Filters}, {c.KernelSize}, {c.KernelSize}, {c.Channels}], for its input gradient"),
            },
            Conv2DLayerPlan c => new[] { ($"_pad{c.Index}", $"maxRows * {c.PaddedSize}", $"layer {c.Index}'s zero-padded inputs, [rows, {c.Channels}, {c.PaddedHeight}, {c.PaddedWidth}]") },
            RecurrentLayerPlan r => RecurrentEmitter.ExtraBuffers(r),
            DropoutLayerPlan d => new[] { ($"_mask{d.Index}", $"maxRows * {d.OutSize}", $"layer {d.Index}'s dropout masks (0 or 1 / (1 − rate)), [rows, {d.OutSize}]") },
            _ => System.Array.Empty<(string, string, string)>(),
        };

        /// <summary>Writes the layer's forward pass (inference skips identity layers before calling this).</summary>
        public static void EmitForward(SourceWriter w, KernelSet kernels, LayerPlan layer, ActivationKind activation, LayerRefs refs)
        {
            switch (layer)
            {
                case DenseLayerPlan dense:
                    DenseEmitter.EmitForward(w, kernels, dense, activation, refs);
                    break;
                case Conv2DLayerPlan conv:
                    Conv2DEmitter.EmitForward(w, kernels, conv, refs);
                    break;
                case Pool2DLayerPlan pool:
                    PoolEmitter.EmitForward(w, kernels, pool, refs);
                    break;
                case EmbeddingLayerPlan embedding:
                    EmbeddingEmitter.EmitForward(w, embedding, refs);
                    break;
                case RecurrentLayerPlan recurrent:
                    RecurrentEmitter.EmitForward(w, kernels, recurrent, refs);
                    break;
                case FlattenLayerPlan flatten:
                    w.Line($"ImageKernels.Copy(ref {refs.Input}, ref {refs.Output}, {refs.Rows} * {flatten.OutSize});");
                    break;
                case DropoutLayerPlan dropout:
                    using (w.Block($"for (int s = 0; s < {refs.Rows}; s++)"))
                    {
                        w.Line($"ImageKernels.DropoutForward(ref Unsafe.Add(ref {refs.Input}, s * {dropout.OutSize}), ref Unsafe.Add(ref {refs.Output}, s * {dropout.OutSize}), " +
                               $"ref Unsafe.Add(ref _mask{dropout.Index}.Reference, s * {dropout.OutSize}), {dropout.OutSize}, {Literal.Float(dropout.Rate)}, " +
                               $"ImageKernels.DropoutSeed(Seed, Step, {dropout.Index}, {refs.FirstRow} + s));");
                    }
                    break;
            }
        }

        /// <summary>Writes the layer's backward pass: its parameter gradients and the previous layer's ∂L/∂z.</summary>
        public static void EmitBackward(SourceWriter w, KernelSet kernels, LayerPlan layer, LayerRefs refs)
        {
            switch (layer)
            {
                case DenseLayerPlan dense:
                    DenseEmitter.EmitBackward(w, kernels, dense, refs);
                    break;
                case Conv2DLayerPlan conv:
                    Conv2DEmitter.EmitBackward(w, kernels, conv, refs);
                    break;
                case Pool2DLayerPlan pool:
                    PoolEmitter.EmitBackward(w, kernels, pool, refs);
                    break;
                case EmbeddingLayerPlan embedding:
                    EmbeddingEmitter.EmitBackward(w, embedding, refs);
                    break;
                case RecurrentLayerPlan recurrent:
                    RecurrentEmitter.EmitBackward(w, kernels, recurrent, refs);
                    break;
                case FlattenLayerPlan flatten:
                    if (refs.PreviousDelta is null) return;
                    w.Line($"ImageKernels.Copy(ref {refs.Delta}, ref {refs.PreviousDelta}, {refs.Rows} * {flatten.OutSize});");
                    EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {flatten.OutSize}");
                    break;
                case DropoutLayerPlan dropout:
                    if (refs.PreviousDelta is null) return;
                    w.Line($"ImageKernels.DropoutBackward(ref {refs.Delta}, ref _mask{dropout.Index}.Reference, ref {refs.PreviousDelta}, {refs.Rows} * {dropout.OutSize});");
                    EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {dropout.OutSize}");
                    break;
            }
        }

        /// <summary>Turns ∂L/∂A of a layer into ∂L/∂z in place, from its outputs A (nothing for linear layers).</summary>
        public static void EmitActivationBackward(SourceWriter w, ActivationKind activation, string delta, string outputs, string count)
        {
            if (activation == ActivationKind.Linear) return;
            string act = DenseEmitter.ActivationName(activation);
            w.Line($"ImageKernels.{act}Backward(ref {delta}, ref {outputs}, {count});");
        }
    }
}
