using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using NetGen.Generator.Model;

namespace NetGen.Generator.Planning
{
    /// <summary>A pure function from a valid spec to a plan. No Roslyn types.</summary>
    internal static class Planner
    {
        /// <summary>Floats of stack scratch a batched Predict may use per chunk (both ping-pong buffers).</summary>
        public const int PredictScratchFloats = 16 * 1024;

        public static NetworkPlan Plan(NetworkSpec spec)
        {
            int[] shape = new int[spec.InputShape.Count];
            for (int i = 0; i < shape.Length; i++) shape[i] = spec.InputShape[i];
            int inputSize = 1;
            foreach (int d in shape) inputSize *= d;

            // The raw input is (H, W, C); every image layer writes (C, H, W). Dropout keeps its input's layout.
            bool hwc = shape.Length == 3 && shape[2] > 1;
            var layers = new List<LayerPlan>();
            bool[] masked = ShapeInference.MaskedLayers(new List<LayerSpec>(spec.Layers));
            int offset = 0;
            for (int i = 0; i < spec.Layers.Count; i++)
            {
                LayerSpec layer = spec.Layers[i];
                int[] next = ShapeInference.Next(shape, layer, out string? problem)
                    ?? throw new InvalidOperationException($"Layer {i + 1} does not fit its input: {problem}");
                LayerPlan plan = layer switch
                {
                    DenseSpec dense => new DenseLayerPlan(i + 1, shape, dense.Units, dense.Activation, offset),
                    Conv2DSpec conv => new Conv2DLayerPlan(i + 1, shape, next, conv, offset, hwc),
                    Pool2DSpec pool => new Pool2DLayerPlan(i + 1, shape, next, pool, hwc),
                    FlattenSpec => new FlattenLayerPlan(i + 1, shape),
                    DropoutSpec dropout => new DropoutLayerPlan(i + 1, shape, dropout.Rate),
                    EmbeddingSpec embedding => new EmbeddingLayerPlan(i + 1, shape, embedding, offset),
                    RecurrentSpec recurrent => new RecurrentLayerPlan(i + 1, shape, next, recurrent, offset, masked[i]),
                    _ => throw new InvalidOperationException("Unknown layer kind " + layer.GetType().Name),
                };
                if (layer is not DropoutSpec) hwc = false;
                layers.Add(plan);
                offset += plan.ParameterCount;
                shape = next;
            }
            return new NetworkPlan(spec, inputSize, offset, layers, Describe(spec));
        }

        /// <summary>The canonical architecture text, used as the model-file fingerprint.</summary>
        public static string Describe(NetworkSpec spec)
        {
            var sb = new StringBuilder();
            sb.Append("Input(").Append(string.Join(",", spec.InputShape)).Append(')');
            foreach (LayerSpec layer in spec.Layers)
            {
                sb.Append(' ');
                switch (layer)
                {
                    case DenseSpec dense:
                        sb.Append("Dense(").Append(dense.Units.ToString(CultureInfo.InvariantCulture)).Append(',').Append(dense.Activation).Append(')');
                        break;
                    case Conv2DSpec conv:
                        sb.Append("Conv2D(").Append(conv.Filters).Append(',').Append(conv.KernelSize).Append(",stride=").Append(conv.Stride)
                          .Append(',').Append(conv.Padding).Append(',').Append(conv.Activation).Append(')');
                        break;
                    case Pool2DSpec pool:
                        sb.Append(pool.Kind == PoolKind.Max ? "MaxPool2D(" : "AvgPool2D(").Append(pool.Size).Append(",stride=").Append(pool.Stride)
                          .Append(',').Append(pool.Padding).Append(')');
                        break;
                    case FlattenSpec:
                        sb.Append("Flatten");
                        break;
                    case DropoutSpec dropout:
                        sb.Append("Dropout(").Append(dropout.Rate.ToString("R", CultureInfo.InvariantCulture)).Append(')');
                        break;
                    case EmbeddingSpec embedding:
                        sb.Append("Embedding(").Append(embedding.Vocabulary).Append(',').Append(embedding.Dimension)
                          .Append(embedding.MaskZero ? ",mask_zero" : "").Append(')');
                        break;
                    case RecurrentSpec recurrent:
                        sb.Append(recurrent.Name).Append('(').Append(recurrent.Units);
                        if (recurrent.Kind == RecurrentKind.SimpleRnn) sb.Append(',').Append(recurrent.Activation);
                        sb.Append(recurrent.ReturnSequences ? ",return_sequences" : "").Append(')');
                        break;
                }
            }
            sb.Append(" Loss(").Append(spec.Loss).Append(')');
            sb.Append(' ').Append(spec.Optimizer.Kind == OptimizerKind.Adam ? "Adam" : "Sgd");
            return sb.ToString();
        }
    }
}
