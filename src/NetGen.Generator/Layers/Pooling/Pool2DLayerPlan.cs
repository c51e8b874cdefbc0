using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>Max or average pooling, per channel.</summary>
    internal sealed class Pool2DLayerPlan : LayerPlan
    {
        public Pool2DLayerPlan(int index, int[] inShape, int[] outShape, Pool2DSpec spec, bool inputIsHwc)
            : base(index, inShape, outShape, ActivationKind.Linear)
        {
            Pool = spec.Pool;
            Size = spec.Size;
            Stride = spec.Stride;
            Padding = spec.Padding;
            PadTop = ShapeInference.PadBefore(InHeight, Size, Stride, Padding);
            PadLeft = ShapeInference.PadBefore(InWidth, Size, Stride, Padding);
            InputIsHwc = inputIsHwc;
        }

        public PoolKind Pool { get; }
        public int InHeight => InShape[0];
        public int InWidth => InShape[1];
        public int Channels => InShape[2];
        public int OutHeight => OutShape[0];
        public int OutWidth => OutShape[1];
        public int Size { get; }
        public int Stride { get; }
        public PaddingKind Padding { get; }
        public int PadTop { get; }
        public int PadLeft { get; }
        public bool InputIsHwc { get; }

        public override LayerKind Kind => Pool2DLayerKind.Instance;

        public override string Title => (Pool == PoolKind.Max ? "MaxPool2D(" : "AvgPool2D(") + Size + ")";
    }
}
