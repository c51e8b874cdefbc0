using System.Collections.Generic;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Kernels;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// Everything the pipeline knows about one layer kind, in the order the stages ask: parse its attribute, infer its
    /// shape and size, describe it for the model-file fingerprint, plan it, then write its parameters, initialization,
    /// training buffers, forward and backward. The stages reach a kind only through this class (from
    /// <see cref="LayerSpec.Kind"/> or <see cref="LayerPlan.Kind"/>) and the registry <see cref="LayerKinds"/>; none of them
    /// switches on kinds. Every member is abstract, so a kind that lacks a capability does not compile. A kind lives in
    /// one folder under <c>Layers/</c> with its spec record, its plan and its emitter; <c>docs/adding-a-layer.md</c> walks
    /// through one.
    /// </summary>
    internal abstract class LayerKind
    {
        // ---- parse

        /// <summary>The metadata names of the attributes that declare this kind (<c>NetGen.DenseAttribute</c>).</summary>
        public abstract IReadOnlyList<string> AttributeNames { get; }

        /// <summary>Reads the attribute and checks its arguments; null (with diagnostics reported) when they are wrong.</summary>
        public abstract LayerSpec? Parse(LayerAttribute attribute);

        /// <summary>How the layer is written, for messages: <c>Conv2D(6, 5)</c>.</summary>
        public abstract string Display(LayerSpec spec);

        /// <summary>
        /// True for kinds that read two or more named layers, listed in their constructor (<c>[Add("a", "b")]</c>); false for
        /// kinds that read one (the layer before, or the one their <c>Input</c> names).
        /// </summary>
        public abstract bool Merges { get; }

        // ---- shapes and sizes (pure: the parser checks with them, the planner plans with them)

        /// <summary>The layer's output shape for <paramref name="input"/>, or the diagnostic that says why it does not fit.</summary>
        public abstract ShapeResult OutputShape(LayerSpec spec, ShapeInput input);

        /// <summary>Trainable parameters of the layer on an input of <paramref name="inputShape"/>.</summary>
        public abstract long ParameterCount(LayerSpec spec, int[] inputShape);

        /// <summary>How the layer treats the token mask an embedding's <c>MaskZero</c> starts.</summary>
        public abstract MaskFlow Mask(LayerSpec spec);

        /// <summary>True when the layer's output keeps its input's memory layout (so the raw (H, W, C) input stays so).</summary>
        public abstract bool KeepsLayout { get; }

        /// <summary>The layer in the canonical architecture text, the model-file fingerprint: <c>Dense(64,ReLU)</c>.</summary>
        public abstract string Architecture(LayerSpec spec);

        // ---- plan

        /// <summary>The layer's plan: every decision its code depends on.</summary>
        public abstract LayerPlan Plan(LayerSpec spec, LayerPlanInput input);

        // ---- emit (reads the plan, writes code)

        /// <summary>The one-line comment above the layer's code: <c>Layer 1: Dense 784→64, ReLU — 50,176 MACs per sample</c>.</summary>
        public abstract string Describe(LayerPlan layer);

        /// <summary>The layer's parameter tensors: block, accessor and PyTorch mapping, in parameter order.</summary>
        public abstract IReadOnlyList<ParameterTensor> Parameters(LayerPlan layer);

        /// <summary>Writes the constructor's initialization of the layer's parameters (nothing when it has none).</summary>
        public abstract void EmitInitialization(SourceWriter w, LayerPlan layer);

        /// <summary>Phrases for the constructor's summary, e.g. <c>Glorot-uniform weights</c> (none without parameters).</summary>
        public abstract IReadOnlyList<string> InitializationPhrases(LayerPlan layer);

        /// <summary>The buffers a training workspace keeps for this layer beyond its output and ∂L/∂z.</summary>
        public abstract IReadOnlyList<TrainingBuffer> TrainingBuffers(LayerPlan layer);

        /// <summary>Writes the forward pass (inference skips layers whose plan is an identity at inference).</summary>
        public abstract void EmitForward(SourceWriter w, KernelSet kernels, LayerPlan layer, ActivationFunction activation, LayerRefs refs);

        /// <summary>Writes the backward pass: the parameter gradients and ∂L/∂z of the layer before it.</summary>
        public abstract void EmitBackward(SourceWriter w, KernelSet kernels, LayerPlan layer, LayerRefs refs);

        /// <summary>
        /// Writes the layer's part of the model's inference parameters (<c>q</c>, a copy of the parameters <c>p</c>), for a
        /// layer that is an affine at inference (<see cref="LayerPlan.FoldsIntoSource"/>): folded into the layer before, or
        /// its own scale and shift. Nothing for the other kinds.
        /// </summary>
        public virtual void EmitInferenceParameters(SourceWriter w, LayerPlan layer)
        {
        }

        /// <summary>Turns ∂L/∂A of a layer into ∂L/∂z in place, from its outputs A (nothing for linear layers).</summary>
        public static void EmitActivationBackward(SourceWriter w, ActivationFunction activation, string delta, string outputs, string count)
        {
            if (activation == ActivationKind.Linear) return;
            w.Line(Activations.SpanBackward(activation, delta, outputs, count));
        }
    }

    /// <summary>
    /// The typed form every kind derives from: the untyped members cast once to the kind's own spec and plan, so a
    /// kind's code reads its own types.
    /// </summary>
    internal abstract class LayerKind<TSpec, TPlan> : LayerKind
        where TSpec : LayerSpec
        where TPlan : LayerPlan
    {
        public sealed override string Display(LayerSpec spec) => Display((TSpec)spec);
        public sealed override ShapeResult OutputShape(LayerSpec spec, ShapeInput input) => OutputShape((TSpec)spec, input);
        public sealed override long ParameterCount(LayerSpec spec, int[] inputShape) => ParameterCount((TSpec)spec, inputShape);
        public sealed override MaskFlow Mask(LayerSpec spec) => Mask((TSpec)spec);
        public sealed override string Architecture(LayerSpec spec) => Architecture((TSpec)spec);
        public sealed override LayerPlan Plan(LayerSpec spec, LayerPlanInput input) => Plan((TSpec)spec, input);
        public sealed override string Describe(LayerPlan layer) => Describe((TPlan)layer);
        public sealed override IReadOnlyList<ParameterTensor> Parameters(LayerPlan layer) => Parameters((TPlan)layer);
        public sealed override void EmitInitialization(SourceWriter w, LayerPlan layer) => EmitInitialization(w, (TPlan)layer);
        public sealed override IReadOnlyList<string> InitializationPhrases(LayerPlan layer) => InitializationPhrases((TPlan)layer);
        public sealed override IReadOnlyList<TrainingBuffer> TrainingBuffers(LayerPlan layer) => TrainingBuffers((TPlan)layer);
        public sealed override void EmitForward(SourceWriter w, KernelSet kernels, LayerPlan layer, ActivationFunction activation, LayerRefs refs) =>
            EmitForward(w, kernels, (TPlan)layer, activation, refs);
        public sealed override void EmitBackward(SourceWriter w, KernelSet kernels, LayerPlan layer, LayerRefs refs) =>
            EmitBackward(w, kernels, (TPlan)layer, refs);

        protected abstract string Display(TSpec spec);
        protected abstract ShapeResult OutputShape(TSpec spec, ShapeInput input);
        protected abstract long ParameterCount(TSpec spec, int[] inputShape);
        protected abstract MaskFlow Mask(TSpec spec);
        protected abstract string Architecture(TSpec spec);
        protected abstract TPlan Plan(TSpec spec, LayerPlanInput input);
        protected abstract string Describe(TPlan layer);
        protected abstract IReadOnlyList<ParameterTensor> Parameters(TPlan layer);
        protected abstract void EmitInitialization(SourceWriter w, TPlan layer);
        protected abstract IReadOnlyList<string> InitializationPhrases(TPlan layer);
        protected abstract IReadOnlyList<TrainingBuffer> TrainingBuffers(TPlan layer);
        protected abstract void EmitForward(SourceWriter w, KernelSet kernels, TPlan layer, ActivationFunction activation, LayerRefs refs);
        protected abstract void EmitBackward(SourceWriter w, KernelSet kernels, TPlan layer, LayerRefs refs);

        /// <summary>No parameters, no initialization, no extra buffers: for kinds without weights.</summary>
        protected static readonly ParameterTensor[] NoParameters = System.Array.Empty<ParameterTensor>();
        protected static readonly string[] NoPhrases = System.Array.Empty<string>();
        protected static readonly TrainingBuffer[] NoBuffers = System.Array.Empty<TrainingBuffer>();
    }

    /// <summary>What a layer's shape is inferred from: the shapes of what it reads, and whether that is the network's input.</summary>
    internal readonly struct ShapeInput
    {
        public ShapeInput(IReadOnlyList<int[]> shapes, bool readsNetworkInput, bool readsRawImage)
        {
            Shapes = shapes;
            ReadsNetworkInput = readsNetworkInput;
            ReadsRawImage = readsRawImage;
        }

        /// <summary>The (first) input's shape: [n] for vectors, [steps, features] for sequences, [height, width, channels] for images.</summary>
        public int[] Shape => Shapes[0];

        /// <summary>Every input's shape, in order (one for all kinds but the merges).</summary>
        public IReadOnlyList<int[]> Shapes { get; }

        /// <summary>True when the layer reads the network's input itself (not another layer's output).</summary>
        public bool ReadsNetworkInput { get; }

        /// <summary>True when an input is the raw (height, width, channels) image with several channels, stored channel-last.</summary>
        public bool ReadsRawImage { get; }
    }

    /// <summary>An output shape, or a diagnostic (id and message arguments after the layer's position) saying why there is none.</summary>
    internal sealed class ShapeResult
    {
        private ShapeResult(int[]? shape, Microsoft.CodeAnalysis.DiagnosticDescriptor? problem, string[] arguments)
        {
            Shape = shape;
            Problem = problem;
            Arguments = arguments;
        }

        public int[]? Shape { get; }

        public Microsoft.CodeAnalysis.DiagnosticDescriptor? Problem { get; }

        /// <summary>The diagnostic's message arguments that follow the layer's position.</summary>
        public string[] Arguments { get; }

        public static ShapeResult Of(params int[] shape) => new ShapeResult(shape, null, System.Array.Empty<string>());

        public static ShapeResult Fails(Microsoft.CodeAnalysis.DiagnosticDescriptor problem, params string[] arguments) => new ShapeResult(null, problem, arguments);
    }

    /// <summary>What a kind plans a layer from, beyond its spec: decided by the planner's walk over the network.</summary>
    internal sealed class LayerPlanInput
    {
        public LayerPlanInput(int index, IReadOnlyList<int[]> inShapes, int[] outShape, int parameterOffset, bool inputIsHwc, bool masked)
        {
            Index = index;
            InShapes = inShapes;
            InShape = inShapes[0];
            OutShape = outShape;
            ParameterOffset = parameterOffset;
            InputIsHwc = inputIsHwc;
            Masked = masked;
        }

        /// <summary>1-based position in the declaration.</summary>
        public int Index { get; }
        public int[] InShape { get; }

        /// <summary>Every input's shape, in order (one for all kinds but the merges).</summary>
        public IReadOnlyList<int[]> InShapes { get; }

        public int[] OutShape { get; }

        /// <summary>Where the layer's parameters start in the network's parameter block.</summary>
        public int ParameterOffset { get; }

        /// <summary>True when the input is the network's raw (height, width, channels) input with several channels.</summary>
        public bool InputIsHwc { get; }

        /// <summary>True when an embedding's MaskZero reaches this layer (its padded steps are skipped).</summary>
        public bool Masked { get; }
    }

    /// <summary>How a layer treats the token mask of an embedding with <c>MaskZero</c>.</summary>
    internal enum MaskFlow
    {
        /// <summary>The layer starts the mask: token id 0 is padding for the layers after it (an embedding with MaskZero).</summary>
        Starts,
        /// <summary>The mask ends here (the layer does not read it).</summary>
        Stops,
        /// <summary>The layer neither reads nor changes the mask: it reaches the next layer (dropout).</summary>
        PassesThrough,
        /// <summary>The layer skips padded steps and its output is no longer a sequence of steps (a recurrent layer's last state).</summary>
        ReadsAndStops,
        /// <summary>The layer skips padded steps and passes the mask on with its steps (a recurrent layer returning sequences).</summary>
        ReadsAndPasses,
    }

    /// <summary>A workspace buffer of one layer: its field, its size expression (in <c>maxRows</c>) and what it holds.</summary>
    internal readonly struct TrainingBuffer
    {
        public TrainingBuffer(string field, string size, string comment)
        {
            Field = field;
            Size = size;
            Comment = comment;
        }

        public string Field { get; }
        public string Size { get; }
        public string Comment { get; }
    }
}
