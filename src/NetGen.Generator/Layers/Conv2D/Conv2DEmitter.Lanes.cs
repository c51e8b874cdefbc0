using NetGen.Generator.Emit;
using System.Collections.Generic;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// Training in sample lanes (<see cref="Conv2DLayerPlan.TrainsInLanes"/>): 16 samples side by side,
    /// packed[c, h, w, lane], so that one register is one pixel of 16 samples and every lane of the direct
    /// convolution's output rows is an output. The batch is packed and unpacked by the runtime's <c>SampleLanes</c>.
    /// </summary>
    internal static partial class Conv2DEmitter
    {
        private const int Lanes = 16;

        /// <summary>A layer trained in lanes keeps its packed inputs, its packed outputs (then output gradients) and its packed input gradients.</summary>
        public static TrainingBuffer[] LaneBuffers(Conv2DLayerPlan c)
        {
            string rows16 = $"(maxRows + {Lanes - 1}) / {Lanes} * {Lanes}";
            var buffers = new List<TrainingBuffer>
            {
                new TrainingBuffer($"_xlanes{c.Index}", $"{rows16} * {c.PaddedPixels}", $"layer {c.Index}'s zero-padded inputs in sample lanes, [groups, {c.Channels}, {c.PaddedHeight}, {c.PaddedWidth}, {Lanes}]"),
                new TrainingBuffer($"_ylanes{c.Index}", $"{rows16} * {c.OutSize}", $"layer {c.Index}'s outputs, then their gradients, in sample lanes, [groups, {c.Filters}, {c.OutHeight}, {c.OutWidth}, {Lanes}]"),
            };
            if (!c.IsFirst)
            {
                buffers.Add(new TrainingBuffer($"_dxlanes{c.Index}", $"{rows16} * {c.PaddedPixels}", $"layer {c.Index}'s gradients with respect to its padded inputs, in sample lanes"));
                buffers.Add(new TrainingBuffer($"_wperm{c.Index}", $"{c.WeightCount}", $"layer {c.Index}'s kernels with the channel last, [{c.Filters}, {c.KernelHeight}, {c.KernelWidth}, {c.Channels}], for its input gradient"));
            }
            return buffers.ToArray();
        }

        private static ConvTaps WithLanes(ConvTaps taps)
        {
            taps.ColumnScale = Lanes;
            return taps;
        }

        private static string PackArguments(Conv2DLayerPlan l) =>
            $"{l.Channels}, {l.InHeight}, {l.InWidth}, {l.PaddedHeight}, {l.PaddedWidth}, {l.PadTop}, {l.PadLeft}, hwc: {(l.InputIsHwc ? "true" : "false")}";

        /// <summary>Opens the loop over lane groups: <c>first</c> is the group's first sample, <c>lanes</c> its number of samples.</summary>
        private static System.IDisposable Groups(SourceWriter w, string rows)
        {
            var block = w.Block($"for (int first = 0; first < {rows}; first += {Lanes})");
            w.Line($"int lanes = Math.Min({Lanes}, {rows} - first);");
            return block;
        }

        /// <summary>
        /// The loops of a lane kernel: over lane groups, with a ref to each buffer's group (name, parameter, floats per
        /// sample), then over output rows <c>oh</c>.
        /// </summary>
        private static System.Action<SourceWriter, System.Action> GroupsAndOutputRows(Conv2DLayerPlan l, params (string Name, string Buffer, int PerSample)[] groupRefs) =>
            (w, body) =>
            {
                using (w.Block("for (int group = 0; group < groups; group++)"))
                {
                    foreach (var (name, buffer, perSample) in groupRefs)
                    {
                        w.Line($"ref float {name} = ref Unsafe.Add(ref {buffer}, group * {perSample * Lanes});");
                    }
                    using (w.Block($"for (int oh = 0; oh < {l.OutHeight}; oh++)"))
                    {
                        body();
                    }
                }
            };

        /// <summary>Y[group, f, oh, (ow, lane)] = act(b[f] + Σ_taps W[f, tap] · Xlanes[group, tap row, (tap column + ow, lane)]): the direct convolution, a pixel being 16 floats.</summary>
        public static GemmKernel LanesForward(Conv2DLayerPlan l, ActivationFunction activation)
        {
            string act = Activations.KernelName(activation);
            return new GemmKernel(
                $"Conv2DLanesForward_{Shape(l)}_{act}",
                $"Y = {Activations.Formula(activation, "conv(X, W)" + (l.UseBias ? " + b" : ""))} on 16 samples per lane group: X [groups, {l.Channels}, {l.PaddedHeight}, {l.PaddedWidth}, 16] (padded), W {WeightShape(l)}, Y [groups, {l.Filters}, {l.OutHeight}, {l.OutWidth}, 16].",
                $"ref float x, ref float w, {BiasParameter(l)}ref float y, int groups",
                $"ref x, ref w, {BiasParameter(l).Replace("float ", "")}ref y, groups")
            {
                RowVar = "f",
                ConstRows = l.Filters,
                Columns = l.OutWidth * Lanes,
                A = "w",
                Lda = Literal.Int(l.Taps),
                B = "src",
                C = "ys",
                CRowRef = row => $"Unsafe.Add(ref ys, {row} * {l.OutHeight * l.OutWidth * Lanes} + oh * {l.OutWidth * Lanes})",
                RowBias = l.UseBias ? "bias" : null,
                Taps = WithLanes(Taps(l, "xs", l.PaddedWidth * Lanes, l.PaddedHeight * l.PaddedWidth * Lanes, "oh", 1)),
                Epilogue = (isa, acc, row, col) => Activations.Apply(activation, acc),
                Outer = GroupsAndOutputRows(l, ("xs", "x", l.PaddedPixels), ("ys", "y", l.OutSize)),
            };
        }

        /// <summary>dXlanes[group, offset(tap) + oh row, (ow, lane)] += Σ_f W[f, tap] · dYlanes[group, f, oh, (ow, lane)], taps channel-last so a tile spans distinct planes.</summary>
        public static GemmKernel LanesInputGradient(Conv2DLayerPlan l, string offsets) =>
            new GemmKernel(
                $"Conv2DLanesInputGradient_{Shape(l)}",
                $"dXlanes += Wᵀ ⋆ dYlanes on 16 samples per lane group, with W permuted to [{l.Filters}, {l.KernelHeight}, {l.KernelWidth}, {l.Channels}].",
                "ref float dy, ref float w, ref float dx, int groups",
                "ref dy, ref w, ref dx, groups")
            {
                RowVar = "t",
                ConstRows = l.Taps,
                MaxRowTile = l.Channels,
                Columns = l.OutWidth * Lanes,
                ConstDepth = l.Filters,
                A = "w",
                ARowMajor = false,
                Lda = Literal.Int(l.Taps),
                B = "g",
                BRowRef = k => $"Unsafe.Add(ref dys, {k} * {l.OutHeight * l.OutWidth * Lanes} + oh * {l.OutWidth * Lanes})",
                C = "dx",
                CRowRef = row => $"Unsafe.Add(ref dxs, {offsets}[{row}] + oh * {l.PaddedWidth * Lanes})",
                Accumulate = true,
                Outer = GroupsAndOutputRows(l, ("dys", "dy", l.OutSize), ("dxs", "dx", l.PaddedPixels)),
            };

        private static void EmitLanesForward(SourceWriter w, KernelSet kernels, Conv2DLayerPlan l, ActivationFunction activation, LayerRefs refs)
        {
            string kernel = kernels.Use(LanesForward(l, activation));
            w.Line($"// in sample lanes: {Lanes} samples side by side, so every lane of the {l.OutWidth}-wide output rows is an output");
            using (Groups(w, refs.Rows))
            {
                w.Line($"SampleLanes.Pack(ref Unsafe.Add(ref {refs.Input}, first * {l.InSize}), lanes, {l.InSize}, {PackArguments(l)}, ref Unsafe.Add(ref _xlanes{l.Index}.Reference, first * {l.PaddedPixels}));");
            }
            w.Line($"Kernels.{kernel}(ref _xlanes{l.Index}.Reference, {DenseEmitter.At(refs.Parameters, l.WeightAt)}, {BiasArgument(l, refs)}ref _ylanes{l.Index}.Reference, ({refs.Rows} + {Lanes - 1}) / {Lanes});");
            using (Groups(w, refs.Rows))
            {
                w.Line($"SampleLanes.Unpack(ref Unsafe.Add(ref _ylanes{l.Index}.Reference, first * {l.OutSize}), lanes, {l.OutSize}, ref Unsafe.Add(ref {refs.Output}, first * {l.OutSize}));");
            }
        }

        private static void EmitLanesBackward(SourceWriter w, KernelSet kernels, Conv2DLayerPlan l, LayerRefs refs)
        {
            var offsets = new TapOffsets(l, Shape(l), lanes: Lanes);
            var weightGradient = new ConvTapTileWeightGradientKernel(l, Shape(l), offsets.Name, lanes: true);
            kernels.Use(offsets);
            kernels.Use(weightGradient);
            string groups = $"({refs.Rows} + {Lanes - 1}) / {Lanes}";
            if (l.UseBias)
            {
                w.Line($"ImageKernels.Clear({DenseEmitter.At(refs.Gradients, l.BiasAt)}, {l.Filters});");
                using (w.Block($"for (int s = 0; s < {refs.Rows}; s++)"))
                {
                    w.Line($"GridKernels.AddPlaneSums(ref Unsafe.Add(ref {refs.Delta}, s * {l.OutSize}), {DenseEmitter.At(refs.Gradients, l.BiasAt)}, {l.Filters}, {l.OutHeight * l.OutWidth});");
                }
            }
            using (Groups(w, refs.Rows))
            {
                w.Line($"SampleLanes.Pack(ref Unsafe.Add(ref {refs.Delta}, first * {l.OutSize}), lanes, {l.OutSize}, {l.Filters}, {l.OutHeight}, {l.OutWidth}, {l.OutHeight}, {l.OutWidth}, 0, 0, hwc: false, ref Unsafe.Add(ref _ylanes{l.Index}.Reference, first * {l.OutSize}));");
            }
            w.Line($"Kernels.{weightGradient.Name}(ref _xlanes{l.Index}.Reference, ref _ylanes{l.Index}.Reference, {DenseEmitter.At(refs.Gradients, l.WeightAt)}, {groups});");
            if (refs.PreviousDelta is null) return;
            var channelLast = new TapOffsets(l, Shape(l), channelLast: true, lanes: Lanes);
            kernels.Use(channelLast);
            string inputGradient = kernels.Use(LanesInputGradient(l, channelLast.Name));
            w.Line($"GridKernels.ChannelLast({DenseEmitter.At(refs.Parameters, l.WeightAt)}, ref _wperm{l.Index}.Reference, {l.Filters}, {l.Channels}, {l.KernelHeight * l.KernelWidth});");
            w.Line($"ImageKernels.Clear(ref _dxlanes{l.Index}.Reference, {groups} * {l.PaddedPixels * Lanes});");
            w.Line($"Kernels.{inputGradient}(ref _ylanes{l.Index}.Reference, ref _wperm{l.Index}.Reference, ref _dxlanes{l.Index}.Reference, {groups});");
            using (Groups(w, refs.Rows))
            {
                w.Line($"SampleLanes.UnpackCropped(ref Unsafe.Add(ref _dxlanes{l.Index}.Reference, first * {l.PaddedPixels}), lanes, {l.InSize}, {PackArguments(l)}, ref Unsafe.Add(ref {refs.PreviousDelta}, first * {l.InSize}));");
            }
            LayerKind.EmitActivationBackward(w, refs.PreviousActivation, refs.PreviousDelta, refs.Input, $"{refs.Rows} * {l.InSize}");
        }
    }
}
