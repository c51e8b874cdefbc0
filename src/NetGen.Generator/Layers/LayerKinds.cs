using System.Collections.Generic;

namespace NetGen.Generator.Layers
{
    /// <summary>The registry: every layer kind, one line each. The parser finds a layer attribute's kind here.</summary>
    internal static class LayerKinds
    {
        /// <summary>Every kind (static fields initialize in this order: the lists below are built from this one).</summary>
        public static readonly IReadOnlyList<LayerKind> All = new LayerKind[]
        {
            DenseLayerKind.Instance,
            Conv2DLayerKind.Instance,
            DepthwiseConv2DLayerKind.Instance,
            Pool2DLayerKind.Instance,
            FlattenLayerKind.Instance,
            DropoutLayerKind.Instance,
            ActivationLayerKind.Instance,
            LayerNormalizationLayerKind.Instance,
            EmbeddingLayerKind.Instance,
            RecurrentLayerKind.Instance,
            MergeLayerKind.Instance,
            BatchNormalizationLayerKind.Instance,
            GlobalPoolingLayerKind.Instance,
            Conv1DLayerKind.Instance,
        };

        /// <summary>Every layer attribute's metadata name, kind by kind.</summary>
        public static readonly IReadOnlyList<string> AttributeNames = Names();

        private static readonly Dictionary<string, LayerKind> s_byAttribute = ByAttribute();

        /// <summary>The kind declared by the attribute of metadata name <paramref name="attributeName"/>; null for other attributes.</summary>
        public static LayerKind? ForAttribute(string? attributeName) =>
            attributeName is not null && s_byAttribute.TryGetValue(attributeName, out LayerKind? kind) ? kind : null;

        private static List<string> Names()
        {
            var names = new List<string>();
            foreach (LayerKind kind in All) names.AddRange(kind.AttributeNames);
            return names;
        }

        private static Dictionary<string, LayerKind> ByAttribute()
        {
            var map = new Dictionary<string, LayerKind>(System.StringComparer.Ordinal);
            foreach (LayerKind kind in All)
            {
                foreach (string name in kind.AttributeNames) map.Add(name, kind);
            }
            return map;
        }
    }
}
