using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace NetGen.Generator.Diagnostics
{
    /// <summary>Every diagnostic NetGen reports. IDs are stable; never reuse a retired one.</summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "NetGen";

        /// <summary>
        /// docs/diagnostics.md has one section per ID, anchored by the lower-case ID (<c>#ng0001</c>), and ships in the
        /// NetGen package (<c>docs/diagnostics.md</c>). No public web page holds it, so the descriptors carry no help link
        /// (an empty <c>helpLinkUri</c>: never a made-up address); every message ends by naming the section instead.
        /// </summary>
        public const string HelpDocument = "docs/diagnostics.md";

        /// <summary>The message with its help reference: <c>… (see docs/diagnostics.md#ng0001 in the NetGen package)</c>.</summary>
        private static string WithHelp(string id, string message) =>
            message + " (see " + HelpDocument + "#" + id.ToLowerInvariant() + " in the NetGen package)";

        private static DiagnosticDescriptor Error(string id, string title, string message) =>
            new DiagnosticDescriptor(id, title, WithHelp(id, message), Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: null);

        /// <summary>A likely mistake that still compiles: reported, and the network is generated anyway.</summary>
        private static DiagnosticDescriptor Warning(string id, string title, string message) =>
            new DiagnosticDescriptor(id, title, WithHelp(id, message), Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: null);

        public static readonly DiagnosticDescriptor NotPartial = Error(
            "NG0001", "Network class must be partial",
            "Network class '{0}' must be declared partial so NetGen can add the generated members: write 'partial class {0}'");

        public static readonly DiagnosticDescriptor MissingInput = Error(
            "NG0002", "Network has no [Input]",
            "Network '{0}' has NetGen attributes but no input shape: add [Input(n)] above the first layer");

        public static readonly DiagnosticDescriptor NoLayers = Error(
            "NG0003", "Network has no layers",
            "Network '{0}' has an [Input] but no layers: add at least one layer such as [Dense(10, Activation.Softmax)]");

        public static readonly DiagnosticDescriptor NonPositiveSize = Error(
            "NG0004", "Sizes must be positive",
            "{0} has size {1}: write a size between 1 and {2}");

        public static readonly DiagnosticDescriptor SoftmaxNotLast = Error(
            "NG0005", "Softmax only on the last layer",
            "Layer {0} ([Dense({1}, Activation.Softmax)]) uses softmax, which NetGen supports only on the last layer: use Activation.ReLU, Tanh or Sigmoid here");

        public static readonly DiagnosticDescriptor LossDoesNotFitOutput = Error(
            "NG0006", "Loss does not fit the output layer",
            "[Loss(LossKind.{0})] does not fit the output layer, layer {1} ([{2}]): {3}");

        public static readonly DiagnosticDescriptor MissingLoss = Error(
            "NG0007", "Network has no [Loss]",
            "Network '{0}' has no loss: add e.g. [Loss(LossKind.SparseCategoricalCrossEntropy)]");

        public static readonly DiagnosticDescriptor SeveralLosses = Error(
            "NG0008", "Several losses",
            "Network '{0}' declares {1} losses: keep exactly one [Loss(...)]");

        public static readonly DiagnosticDescriptor MissingOptimizer = Error(
            "NG0009", "Network has no optimizer",
            "Network '{0}' has no optimizer: add [Adam] or [Sgd(LearningRate = 0.01f)]");

        public static readonly DiagnosticDescriptor SeveralOptimizers = Error(
            "NG0010", "Several optimizers",
            "Network '{0}' declares {1} optimizers: keep exactly one of [Adam], [AdamW], [RMSprop] or [Sgd]");

        public static readonly DiagnosticDescriptor SpreadOverPartials = Error(
            "NG0011", "Network attributes spread over several partial declarations",
            "Network '{0}' has NetGen attributes on several partial declarations, so their order is undefined: move all of them onto one declaration");

        public static readonly DiagnosticDescriptor UnsupportedType = Error(
            "NG0012", "Unsupported type for a network",
            "'{0}' cannot be a network because it is {1}: declare the network as a non-generic, non-static, non-abstract top-level 'partial class'");

        public static readonly DiagnosticDescriptor InvalidHyperParameter = Error(
            "NG0013", "Invalid optimizer setting",
            "[{0}] {1} = {2} is invalid: {3}");

        public static readonly DiagnosticDescriptor UndefinedEnumValue = Error(
            "NG0014", "Undefined enum value",
            "{0} is not a defined {1} value: use one of {2}");

        public static readonly DiagnosticDescriptor InputAfterLayer = Error(
            "NG0015", "[Input] must come first",
            "[Input] appears after layer {0} ([{1}]): move [Input(...)] above the first layer");

        public static readonly DiagnosticDescriptor DenseNeedsFlatInput = Error(
            "NG0016", "Dense needs a one-dimensional input",
            "Layer {0} ([Dense]) receives a {1}-dimensional input [{2}]: add [Flatten] before it, or declare the input flattened, e.g. [Input({3})]");

        public static readonly DiagnosticDescriptor TooLarge = Error(
            "NG0017", "Network too large",
            "Network '{0}' has {1} parameters or activations, more than NetGen's limit of {2}: use smaller layers");

        public static readonly DiagnosticDescriptor NeedsImageInput = Error(
            "NG0018", "Layer needs an image input",
            "Layer {0} ([{1}]) needs a (height, width, channels) input but receives {2}: declare [Input(height, width, channels)] and put convolution and pooling layers before [Flatten]");

        public static readonly DiagnosticDescriptor ShapeDoesNotFit = Error(
            "NG0019", "Layer does not fit its input",
            "Layer {0} ([{1}]) does not fit its input {2}: {3}");

        public static readonly DiagnosticDescriptor InvalidDropoutRate = Error(
            "NG0020", "Invalid dropout rate",
            "Layer {0} ([Dropout({1})]) drops a fraction outside [0, 1): write a rate such as 0.5f");

        public static readonly DiagnosticDescriptor OutputMustBeDense = Error(
            "NG0021", "The last layer must be [Dense]",
            "Layer {0} ([{1}]) is the last layer, but losses apply to a [Dense] output: end the network with e.g. [Flatten] and [Dense(10, Activation.Softmax)]");

        public static readonly DiagnosticDescriptor CausalPaddingNotConv1D = Error(
            "NG0035", "Causal padding only on Conv1D",
            "Layer {0} ({1}) uses Padding.Causal, which only [Conv1D] has (it pads the start of a sequence): use Padding.Valid or Padding.Same here");

        public static readonly DiagnosticDescriptor SoftmaxOnConv1D = Error(
            "NG0036", "Softmax on a Conv1D layer",
            "Layer {0} ([Conv1D]) uses softmax, which NetGen supports only on the last [Dense] layer: use Activation.ReLU, GELU or another element-wise activation here");

        public static readonly DiagnosticDescriptor SoftmaxOnConvolution = Error(
            "NG0022", "Softmax on a convolution",
            "Layer {0} ([Conv2D]) uses softmax, which NetGen supports only on the last [Dense] layer: use Activation.ReLU, Tanh or Sigmoid here");

        public static readonly DiagnosticDescriptor ReservedName = Error(
            "NG0023", "Name not supported by the generated code",
            "'{0}' cannot be the name of {1} because {2}: rename it");

        public static readonly DiagnosticDescriptor NeedsSequenceInput = Error(
            "NG0024", "Layer needs a sequence input",
            "Layer {0} ([{1}]) needs a (steps, features) input but receives {2}: declare [Input(steps, features)], put [Embedding] first for token ids, or set ReturnSequences = true on the recurrent layer before it");

        public static readonly DiagnosticDescriptor EmbeddingNotFirst = Error(
            "NG0025", "Embedding must be the first layer",
            "Layer {0} ([{1}]) receives {2}, but an embedding reads the network's token ids: make it the first layer, after [Input(steps)]");

        public static readonly DiagnosticDescriptor SoftmaxInsideNetwork = Error(
            "NG0026", "Softmax on a recurrent layer",
            "Layer {0} ([{1}]) uses softmax, which NetGen supports only on the last [Dense] layer: use Activation.Tanh (Keras's default), ReLU or Sigmoid here");

        // ---- warnings: likely mistakes that still compile; the network is generated

        public static readonly DiagnosticDescriptor LearningRateOutOfRange = Warning(
            "NG0100", "Learning rate outside the usual range",
            "[{0}] LearningRate = {1} is {2} for {0}, whose learning rates are usually between {3} and {4}: training will {5}; write e.g. LearningRate = {6}");

        public static readonly DiagnosticDescriptor AdamBetasSwapped = Warning(
            "NG0101", "Adam's Beta2 is not larger than Beta1",
            "[Adam] Beta2 = {0} is not larger than Beta1 = {1}: the squared-gradient average (Beta2) must forget more slowly than the gradient average (Beta1), or steps become erratic; did you swap them? Write e.g. Beta1 = 0.9f, Beta2 = 0.999f");

        /// <summary>Mean squared error, and since they came mean absolute error and Huber: a regression loss on a softmax output.</summary>
        public static readonly DiagnosticDescriptor SoftmaxWithMeanSquaredError = Warning(
            "NG0102", "Softmax output trained with a regression loss",
            "Layer {0} ([Dense({1}, Activation.Softmax)]) is the output layer and [Loss(LossKind.{2})] trains it: {3}");

        public static readonly DiagnosticDescriptor RedundantLinearLayer = Warning(
            "NG0103", "Hidden layer without an activation adds no capacity",
            "Layer {0} ([{1}]) is a hidden layer without an activation: together with layer {2} it computes one linear map that layer {2} alone can learn, so its {3} weights add no capacity; give it an activation, e.g. [Dense({4}, Activation.ReLU)], or remove it");

        public static readonly DiagnosticDescriptor InternalError = new DiagnosticDescriptor(
            "NG9999", "NetGen internal error",
            WithHelp("NG9999", "NetGen failed on '{0}' ({1}); this is a bug in NetGen, please report it with the network's attributes"),
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: null);

        public static readonly DiagnosticDescriptor MaskUnused = Warning(
            "NG0104", "MaskZero has no recurrent layer to act on",
            "Layer {0} ([Embedding]) sets MaskZero = true, but no recurrent layer follows it, so padding (id 0) is embedded and used like any token: put an [LSTM], [GRU] or [SimpleRNN] after it, or remove MaskZero");

        public static readonly DiagnosticDescriptor DuplicateName = Error(
            "NG0027", "Two layers have the same name",
            "Layer {0} is named '{1}', and so is {2}: give each layer and [Input] its own Name");

        public static readonly DiagnosticDescriptor UnknownName = Error(
            "NG0028", "A layer reads a name nothing has",
            "Layer {0} reads '{1}', but no [Input] or earlier layer is named so{2}: write the Name of a layer declared before it");

        public static readonly DiagnosticDescriptor ReadsLaterLayer = Error(
            "NG0029", "A layer reads itself or a later layer",
            "Layer {0} reads '{1}', which is layer {2}: a layer can read only the [Input] and layers declared before it (layers run in declaration order, so a network has no cycles)");

        public static readonly DiagnosticDescriptor UnusedOutput = Error(
            "NG0030", "A layer's output is not used",
            "Layer {0} ([{1}])'s output is read by no later layer and is not the network's output (the last layer): read it with Input = \"{2}\" or a merge layer, or remove it");

        public static readonly DiagnosticDescriptor MergeDoesNotFit = Error(
            "NG0031", "Merge inputs do not fit",
            "Layer {0} ([{1}]) cannot merge its inputs: {2}");

        public static readonly DiagnosticDescriptor OutputIgnoresInput = Error(
            "NG0032", "The output does not depend on an input",
            "No layer reads input {0} {1}, so the network's output does not depend on it: {2}, or remove the [Input]");

        public static readonly DiagnosticDescriptor RecurrentActivationNeedsInput = Error(
            "NG0033", "Activation not supported on a recurrent layer",
            "Layer {0} ([SimpleRNN]) uses {1}, whose derivative needs the pre-activations, which backpropagation through time does not keep: use Activation.Tanh (Keras's default), ReLU or Sigmoid here, or return sequences and apply {1} to a following [Dense]");

        public static readonly DiagnosticDescriptor SoftmaxActivationLayer = Error(
            "NG0034", "Softmax as an activation layer",
            "Layer {0} ([Activation(Activation.Softmax)]) applies softmax as a layer of its own, but NetGen applies softmax only with the last [Dense] layer (the loss fuses it with cross-entropy): remove this layer and write Activation.Softmax on the last [Dense], e.g. [Dense(10, Activation.Softmax)]");

        public static readonly DiagnosticDescriptor ConflictingWindowSettings = Error(
            "NG0040", "A setting for both axes and one per axis",
            "Layer {0} ([{1}]) sets {2} and {3}: write {2} for both axes, or {3} and {4} for each axis");

        public static readonly DiagnosticDescriptor StrideWithDilation = Error(
            "NG0041", "Stride and dilation both above 1",
            "Layer {0} ([{1}]) has stride {2} and dilation {3}: as in Keras, a convolution is either strided or dilated, so set the stride or the dilation to 1 (on both axes)");

        public static readonly DiagnosticDescriptor InvalidActivationAlpha = Error(
            "NG0045", "Invalid activation parameter",
            "Layer {0} ({1}) has Alpha = {2}, but {3}: write a finite value such as Alpha = {4}, or leave Alpha out for Keras's default ({4})");

        public static readonly DiagnosticDescriptor AlphaWithoutParameter = Error(
            "NG0046", "Alpha on an activation without a parameter",
            "Layer {0} ({1}) sets Alpha = {2}, but Activation.{3} takes no parameter: remove Alpha, or use Activation.LeakyReLU (Alpha is its negative slope) or Activation.ELU (Alpha is its α)");

        public static readonly DiagnosticDescriptor RecurrentActivationUnsupported = Error(
            "NG0047", "Activation not offered by the recurrent cell",
            "Layer {0} ([SimpleRNN]) uses {1}, which NetGen's SimpleRNN cell does not offer: use Activation.Tanh (Keras's default), ReLU, Sigmoid or Linear, or return sequences and apply it with a following [Activation({1})]");

        public static readonly DiagnosticDescriptor InvalidLayerNormEpsilon = Error(
            "NG0048", "Invalid layer normalization epsilon",
            "Layer {0} ([LayerNormalization]) has Epsilon = {1}, but it must be finite and greater than 0: leave it out for Keras's default 1e-3, or write PyTorch's Epsilon = 1e-5f");

        public static readonly DiagnosticDescriptor LayerNormNeedsVectorOrSequence = Error(
            "NG0049", "Layer normalization over an image",
            "Layer {0} ([LayerNormalization]) reads an image of shape ({1}), but NetGen normalizes the last axis of vectors (n) and sequences (steps, features) only: put [Flatten] before it to normalize all {2} values together");

        public static readonly DiagnosticDescriptor InvalidNormalizationSetting = Error(
            "NG0050", "Invalid normalization setting",
            "Layer {0} ([BatchNormalization]) {1} = {2} is invalid: {3}");

        // ---- optimizers: weight decay, RMSprop, Nesterov, gradient clipping (NG0060–NG0069)

        public static readonly DiagnosticDescriptor InvalidWeightDecay = Error(
            "NG0060", "Invalid weight decay",
            "[{0}] WeightDecay = {1} is invalid: the weight decay must be a finite number of at least 0, typically 0.01f for AdamW or 5e-4f for SGD (0 turns it off)");

        public static readonly DiagnosticDescriptor InvalidRho = Error(
            "NG0061", "RMSprop's Rho outside (0, 1)",
            "[RMSprop] Rho = {0} is outside (0, 1): it is how slowly the squared-gradient average forgets, typically 0.9f (Keras) or 0.99f (PyTorch's alpha)");

        public static readonly DiagnosticDescriptor NesterovWithoutMomentum = Error(
            "NG0062", "Nesterov without momentum",
            "[Sgd] Nesterov = true needs a momentum (Nesterov's look-ahead is along the velocity): set Momentum = 0.9f, or remove Nesterov");

        public static readonly DiagnosticDescriptor SeveralClipModes = Error(
            "NG0063", "Two gradient-clipping modes",
            "[{0}] sets both {1} and {2}: clip the gradient one way, by ClipValue, ClipNorm (per tensor) or GlobalClipNorm (as Keras, which refuses two); keep one of them");

        public static readonly DiagnosticDescriptor InvalidClip = Error(
            "NG0064", "Invalid gradient-clipping threshold",
            "[{0}] {1} = {2} is invalid: a clipping threshold must be a positive finite number such as 1f; leave {1} out to turn clipping off");

        public static readonly DiagnosticDescriptor DecayScopeWithoutDecay = Error(
            "NG0065", "WeightDecayApplies without weight decay",
            "[{0}] WeightDecayApplies = WeightDecayScope.{1} has no effect: WeightDecay is 0; set WeightDecay (e.g. 0.01f) or remove WeightDecayApplies");

        public static readonly DiagnosticDescriptor DecoupledDecayTooLarge = Error(
            "NG0066", "AdamW's weight decay times learning rate reaches 1",
            "[AdamW] LearningRate × WeightDecay = {0} is 1 or more: each step multiplies the decayed weights by 1 − lr·λ = {1}, which zeroes or flips them; use a weight decay such as 0.01f to 0.1f");

        public static readonly DiagnosticDescriptor InvalidLabelSmoothing = Error(
            "NG0070", "Invalid label smoothing",
            "[Loss(LossKind.{0})] LabelSmoothing = {1} is invalid: it must be in [0, 1), typically 0.1f (targets become t·(1 − ε) + ε/K)");

        public static readonly DiagnosticDescriptor LabelSmoothingWithoutClasses = Error(
            "NG0071", "Label smoothing on a loss without classes",
            "[Loss(LossKind.{0})] sets LabelSmoothing = {1}, but only LossKind.CategoricalCrossEntropy and LossKind.SparseCategoricalCrossEntropy smooth their targets: remove LabelSmoothing, or use one of those losses");

        public static readonly DiagnosticDescriptor InvalidHuberDelta = Error(
            "NG0072", "Invalid Huber delta",
            "[Loss(LossKind.Huber)] Delta = {0} is invalid: δ, where the loss turns from quadratic to linear, must be a positive finite number (1f by default)");

        public static readonly DiagnosticDescriptor DeltaWithoutHuber = Error(
            "NG0073", "Delta on a loss other than Huber",
            "[Loss(LossKind.{0})] sets Delta = {1}, but only LossKind.Huber has a δ: remove Delta, or use LossKind.Huber");

        private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = Build();

        private static Dictionary<string, DiagnosticDescriptor> Build()
        {
            var all = new[]
            {
                NotPartial, MissingInput, NoLayers, NonPositiveSize, SoftmaxNotLast, LossDoesNotFitOutput,
                MissingLoss, SeveralLosses, MissingOptimizer, SeveralOptimizers, SpreadOverPartials,
                UnsupportedType, InvalidHyperParameter, UndefinedEnumValue, InputAfterLayer, DenseNeedsFlatInput,
                TooLarge, NeedsImageInput, ShapeDoesNotFit, InvalidDropoutRate, OutputMustBeDense, SoftmaxOnConvolution,
                ReservedName, NeedsSequenceInput, EmbeddingNotFirst, SoftmaxInsideNetwork, LearningRateOutOfRange, AdamBetasSwapped, SoftmaxWithMeanSquaredError, RedundantLinearLayer,
                MaskUnused, DuplicateName, UnknownName, ReadsLaterLayer, UnusedOutput, MergeDoesNotFit, OutputIgnoresInput,
                RecurrentActivationNeedsInput, SoftmaxActivationLayer, ConflictingWindowSettings, StrideWithDilation, InvalidActivationAlpha, AlphaWithoutParameter,
                RecurrentActivationUnsupported, InvalidLayerNormEpsilon, LayerNormNeedsVectorOrSequence, CausalPaddingNotConv1D, SoftmaxOnConv1D, InvalidNormalizationSetting,
                InvalidWeightDecay, InvalidRho, NesterovWithoutMomentum, SeveralClipModes, InvalidClip, DecayScopeWithoutDecay, DecoupledDecayTooLarge,
                InvalidLabelSmoothing, LabelSmoothingWithoutClasses, InvalidHuberDelta, DeltaWithoutHuber, InternalError,
            };
            var map = new Dictionary<string, DiagnosticDescriptor>();
            foreach (DiagnosticDescriptor d in all) map.Add(d.Id, d);
            return map;
        }

        public static IEnumerable<DiagnosticDescriptor> All => s_byId.Values;

        public static bool IsError(string id) => ById(id).DefaultSeverity == DiagnosticSeverity.Error;

        public static DiagnosticDescriptor ById(string id) => s_byId.TryGetValue(id, out DiagnosticDescriptor? d) ? d : InternalError;
    }
}
