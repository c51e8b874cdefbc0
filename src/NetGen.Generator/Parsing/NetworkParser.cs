using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Layers;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing
{
    /// <summary>
    /// The only code that touches symbols and attribute data: turns one annotated class into a
    /// <see cref="NetworkSpec"/> plus diagnostics. Never throws for user input.
    /// </summary>
    internal static partial class NetworkParser
    {
        public const string InputAttributeName = "NetGen.InputAttribute";
        /// <summary>Every NetGen attribute but [Input]: a class carrying any of them without [Input] gets NG0002 (from <see cref="ParseFromLayer"/>).</summary>
        public static readonly string[] NonInputAttributeNames =
            LayerKinds.AttributeNames.Concat(new[] { LossAttributeName, SgdAttributeName, AdamAttributeName, AdamWAttributeName, RMSpropAttributeName }).ToArray();

        private const string LossAttributeName = "NetGen.LossAttribute";
        private const string SgdAttributeName = "NetGen.SgdAttribute";
        private const string AdamAttributeName = "NetGen.AdamAttribute";
        private const string AdamWAttributeName = "NetGen.AdamWAttribute";
        private const string RMSpropAttributeName = "NetGen.RMSpropAttribute";

        /// <summary>Largest size of one dimension or layer.</summary>
        public const int MaxDimension = 1 << 24;

        internal static readonly string[] PaddingNames = { "Valid", "Same", "Causal" };

        /// <summary>Largest parameter count or per-sample activation count NetGen generates code for.</summary>
        public const long MaxElements = 1L << 28;

        internal static readonly string[] ActivationNames = { "Linear", "ReLU", "Sigmoid", "Tanh", "Softmax", "GELU", "GELUTanh", "SiLU", "LeakyReLU", "ELU" };
        private static readonly string[] LossNames = { "MeanSquaredError", "BinaryCrossEntropy", "CategoricalCrossEntropy", "SparseCategoricalCrossEntropy", "MeanAbsoluteError", "Huber" };

        /// <summary>Entry point for classes carrying [Input]: parses the whole network.</summary>
        public static ParseResult ParseFromInput(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var symbol = (INamedTypeSymbol)context.TargetSymbol;
            try
            {
                return Parse(symbol, (TypeDeclarationSyntax)context.TargetNode, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception ex)
            {
                return Fail(DiagnosticDescriptors.InternalError, context.TargetNode.GetLocation(), symbol.Name, ex.GetType().Name + ": " + ex.Message);
            }
        }

        /// <summary>
        /// Entry point for classes carrying a layer attribute. Classes that also have [Input] are
        /// handled by <see cref="ParseFromInput"/>; this only reports a missing [Input], once.
        /// </summary>
        public static ParseResult ParseFromLayer(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var symbol = (INamedTypeSymbol)context.TargetSymbol;
            var empty = new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
            NetGenAttributeList attributes = NetGenAttributes(symbol);
            if (attributes.Any(a => FullName(a) == InputAttributeName)) return empty;

            // One pipeline per attribute kind calls this for each declaration carrying that kind: only the call for the
            // first NetGen attribute in source order reports, so a class gets one NG0002 however many parts and kinds it has.
            AttributeData? first = attributes
                .Where(a => a.ApplicationSyntaxReference is not null)
                .OrderBy(a => a.ApplicationSyntaxReference!.SyntaxTree.FilePath, StringComparer.Ordinal)
                .ThenBy(a => a.ApplicationSyntaxReference!.Span.Start)
                .FirstOrDefault();
            if (first is null || context.Attributes.Length == 0 || FullName(first) != FullName(context.Attributes[0])) return empty;
            SyntaxNode? owner = first.ApplicationSyntaxReference!.GetSyntax(cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (owner != context.TargetNode) return empty;

            return Fail(DiagnosticDescriptors.MissingInput, ((TypeDeclarationSyntax)context.TargetNode).Identifier.GetLocation(), symbol.Name);
        }

        private static ParseResult Parse(INamedTypeSymbol symbol, TypeDeclarationSyntax target, CancellationToken ct)
        {
            var diagnostics = new List<DiagnosticInfo>();
            string name = symbol.Name;
            if (target.Identifier.IsMissing) return Result(null, diagnostics); // still being typed: the compiler reports it
            Location nameLocation = target.Identifier.GetLocation();

            // ---- the type itself
            string? unsupported =
                symbol.IsGenericType ? "generic" :
                symbol.ContainingType is not null ? "nested in another type" :
                symbol.IsStatic ? "static" :
                symbol.IsAbstract ? "abstract" :
                symbol.IsRecord ? "a record" :
                symbol.TypeKind != TypeKind.Class ? "not a class" :
                null;
            if (unsupported is not null)
            {
                Add(diagnostics, DiagnosticDescriptors.UnsupportedType, nameLocation, name, unsupported);
            }

            if (ReservedNames.ClassProblem(name) is { } nameProblem)
            {
                Add(diagnostics, DiagnosticDescriptors.ReservedName, nameLocation, name, "a network class", nameProblem);
            }
            if (target.FirstAncestorOrSelf<BaseNamespaceDeclarationSyntax>() is { } namespaceDeclaration)
            {
                for (INamespaceSymbol? part = symbol.ContainingNamespace; part is { IsGlobalNamespace: false }; part = part.ContainingNamespace)
                {
                    string segment = part.Name;
                    if (ReservedNames.NamespaceProblem(segment) is { } segmentProblem)
                    {
                        Add(diagnostics, DiagnosticDescriptors.ReservedName, namespaceDeclaration.Name.GetLocation(), segment, "a namespace holding a network", segmentProblem);
                    }
                }
            }

            foreach (SyntaxReference reference in symbol.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(ct) is TypeDeclarationSyntax declaration && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    Add(diagnostics, DiagnosticDescriptors.NotPartial, declaration.Identifier.GetLocation(), name);
                }
            }

            NetGenAttributeList all = NetGenAttributes(symbol);
            var declarations = new HashSet<SyntaxNode>();
            foreach (AttributeData a in all)
            {
                SyntaxNode? owner = a.ApplicationSyntaxReference?.GetSyntax(ct).FirstAncestorOrSelf<TypeDeclarationSyntax>();
                if (owner is not null) declarations.Add(owner);
            }
            if (declarations.Count > 1)
            {
                Add(diagnostics, DiagnosticDescriptors.SpreadOverPartials, nameLocation, name);
                return Result(null, diagnostics);
            }

            // Attribute order is layer order: sort by position in source.
            List<AttributeData> ordered = all
                .OrderBy(a => a.ApplicationSyntaxReference?.Span.Start ?? int.MaxValue)
                .ToList();

            int[]? inputShape = null;
            var layers = new List<LayerSpec>();
            var layerAttributes = new List<AttributeData>();
            var layerArguments = new List<LayerAttribute>();
            var inputs = new List<(int[]? Shape, string? Name, AttributeData Attribute)>();
            var losses = new List<(AttributeData Attribute, int Kind)>();
            var optimizers = new List<(AttributeData Attribute, OptimizerSpec? Spec)>();
            bool broken = false;
            int declaredLayers = 0; bool lastLayerValid = false;

            // Layer numbers as the user counts them: every layer attribute, valid or not, in source order.
            var layerNumbers = new Dictionary<AttributeData, int>();
            foreach (AttributeData attribute in ordered)
            {
                if (!IsNonLayerAttribute(FullName(attribute))) layerNumbers[attribute] = layerNumbers.Count + 1;
            }

            foreach (AttributeData attribute in ordered)
            {
                ct.ThrowIfCancellationRequested();
                if (attribute.AttributeConstructor is null || HasErrorArguments(attribute))
                {
                    // The compiler reports malformed attribute usages itself.
                    broken = true;
                    if (LayerKinds.ForAttribute(FullName(attribute)) is not null) { declaredLayers++; lastLayerValid = false; }
                    continue;
                }

                if (LayerKinds.ForAttribute(FullName(attribute)) is LayerKind layerKind)
                {
                    var arguments = new LayerAttribute(attribute, ++declaredLayers, diagnostics, ct);
                    LayerSpec? layer = layerKind.Parse(arguments);
                    lastLayerValid = layer is not null;
                    if (layer is null) broken = true;
                    else
                    {
                        layers.Add(layer);
                        layerAttributes.Add(attribute);
                        layerArguments.Add(arguments);
                    }
                    continue;
                }

                switch (FullName(attribute))
                {
                    case InputAttributeName:
                        if (layers.Count > 0)
                        {
                            AttributeData before = layerAttributes[layerAttributes.Count - 1];
                            Add(diagnostics, DiagnosticDescriptors.InputAfterLayer, AttributeLocation(attribute, ct),
                                layerNumbers[before].ToString(CultureInfo.InvariantCulture), AttributeText(before, ct));
                        }
                        int[]? shape = ParseInput(attribute, diagnostics, ct);
                        inputs.Add((shape, NamedString(attribute, "Name"), attribute));
                        inputShape ??= shape;
                        if (shape is null) broken = true;
                        break;
                    case LossAttributeName:
                        int kind = attribute.ConstructorArguments[0].Value is int k ? k : -1;
                        if (kind < 0 || kind >= LossNames.Length)
                        {
                            Add(diagnostics, DiagnosticDescriptors.UndefinedEnumValue, ArgumentLocation(attribute, 0, "kind", ct),
                                "(LossKind)" + kind.ToString(CultureInfo.InvariantCulture), "LossKind", string.Join(", ", LossNames));
                            broken = true;
                        }
                        losses.Add((attribute, kind));
                        break;
                    case SgdAttributeName:
                    case AdamAttributeName:
                    case AdamWAttributeName:
                    case RMSpropAttributeName:
                        OptimizerSpec? optimizer = ParseOptimizer(attribute, diagnostics, ct);
                        if (optimizer is null) broken = true;
                        optimizers.Add((attribute, optimizer));
                        break;
                }
            }

            // ---- structure
            if (inputShape is null && !broken && !diagnostics.Any(d => d.Id == DiagnosticDescriptors.NonPositiveSize.Id))
            {
                Add(diagnostics, DiagnosticDescriptors.MissingInput, nameLocation, name);
            }
            if (layers.Count == 0 && !broken)
            {
                Add(diagnostics, DiagnosticDescriptors.NoLayers, nameLocation, name);
            }

            // The graph: which node each layer reads (not when a layer failed to parse: its position would be wrong).
            EquatableArray<LayerWiring> wiring = EquatableArray<LayerWiring>.Empty;
            bool wired = false;
            if (inputShape is not null && layers.Count == declaredLayers && layers.Count > 0)
            {
                wiring = ResolveWiring(layers, layerArguments, layerAttributes, inputs.Select(i => (i.Name, i.Attribute)).ToList(), diagnostics, ct, out wired);
            }
            Func<int, EquatableArray<int>> sourcesOf = i => wiring.Count == 0 ? new EquatableArray<int>(new[] { i }) : wiring[i].Sources;

            // Shapes flow through the layers (not when one failed to parse: the others' shapes would be wrong).
            if (inputShape is not null && layers.Count == declaredLayers && wired)
            {
                CheckShapes(name, nameLocation, inputs.Select(i => i.Shape!).ToList(), layers, sourcesOf, layerAttributes, diagnostics, ct);
            }

            for (int i = 0; i < layers.Count - 1; i++)
            {
                if (layers[i] is DenseSpec { Activation.Kind: ActivationKind.Softmax } dense)
                {
                    Add(diagnostics, DiagnosticDescriptors.SoftmaxNotLast, ArgumentLocation(layerAttributes[i], 1, "activation", ct),
                        (i + 1).ToString(CultureInfo.InvariantCulture), dense.Units.ToString(CultureInfo.InvariantCulture));
                }
            }

            // ---- loss
            if (losses.Count == 0 && !broken)
            {
                Add(diagnostics, DiagnosticDescriptors.MissingLoss, nameLocation, name);
            }
            else if (losses.Count > 1)
            {
                Add(diagnostics, DiagnosticDescriptors.SeveralLosses, AttributeLocation(losses[1].Attribute, ct), name, losses.Count.ToString(CultureInfo.InvariantCulture));
            }
            else if (losses.Count == 1 && lastLayerValid && layers.Count > 0 && layers[layers.Count - 1] is not DenseSpec)
            {
                Add(diagnostics, DiagnosticDescriptors.OutputMustBeDense, AttributeLocation(layerAttributes[layers.Count - 1], ct),
                    layers.Count.ToString(CultureInfo.InvariantCulture), layers[layers.Count - 1].Kind.Display(layers[layers.Count - 1]));
            }
            else if (losses.Count == 1 && lastLayerValid && losses[0].Kind >= 0 && losses[0].Kind < LossNames.Length
                     && layers[layers.Count - 1] is DenseSpec last)
            {
                string? problem = CheckLossFits((LossKind)losses[0].Kind, last);
                if (problem is not null)
                {
                    AttributeData output = layerAttributes[layerAttributes.Count - 1];
                    Add(diagnostics, DiagnosticDescriptors.LossDoesNotFitOutput, AttributeLocation(losses[0].Attribute, ct),
                        LossNames[losses[0].Kind], layerNumbers[output].ToString(CultureInfo.InvariantCulture),
                        $"Dense({last.Units}, Activation.{ActivationNames[(int)last.Activation.Kind]})", problem);
                }
            }

            float huberDelta = 1f, labelSmoothing = 0f;
            if (losses.Count == 1 && losses[0].Kind >= 0 && losses[0].Kind < LossNames.Length)
            {
                ParseLossSettings(losses[0].Attribute, (LossKind)losses[0].Kind, diagnostics, ct, out huberDelta, out labelSmoothing);
            }

            // ---- optimizer
            if (optimizers.Count == 0 && !broken)
            {
                Add(diagnostics, DiagnosticDescriptors.MissingOptimizer, nameLocation, name);
            }
            else if (optimizers.Count > 1)
            {
                Add(diagnostics, DiagnosticDescriptors.SeveralOptimizers, AttributeLocation(optimizers[1].Attribute, ct), name, optimizers.Count.ToString(CultureInfo.InvariantCulture));
            }

            if (!broken && inputShape is not null && !diagnostics.Any(d => DiagnosticDescriptors.IsError(d.Id)))
            {
                WarnAboutLayers(inputShape, layers, sourcesOf, wiring.Count == 0, layerAttributes, layerNumbers, losses.Count == 1 ? losses[0].Kind : -1, diagnostics, ct);
            }

            // Warnings do not stop generation; errors do.
            if (diagnostics.Any(d => DiagnosticDescriptors.IsError(d.Id)) || broken || inputShape is null || losses.Count != 1 || optimizers.Count != 1 || optimizers[0].Spec is null)
            {
                return Result(null, diagnostics);
            }

            string? ns = symbol.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
            var spec = new NetworkSpec(
                ns,
                name,
                new EquatableArray<int>(inputShape),
                new EquatableArray<LayerSpec>(layers),
                (LossKind)losses[0].Kind,
                optimizers[0].Spec!)
            {
                HuberDelta = huberDelta,
                LabelSmoothing = labelSmoothing,
                Wiring = wiring,
                InputName = inputs[0].Name,
                Inputs = inputs.Count == 1 ? EquatableArray<InputSpec>.Empty
                    : new EquatableArray<InputSpec>(inputs.Select(i => new InputSpec(i.Name, new EquatableArray<int>(i.Shape!))).ToArray()),
            };
            return Result(spec, diagnostics);
        }

        /// <summary>
        /// [Loss]'s Delta and LabelSmoothing: each only on the loss that has it (NG0073, NG0071) and in its range (NG0072,
        /// NG0070). Written is what counts, not the value: <c>Delta = 1f</c> on a mean squared error is still a mistake.
        /// </summary>
        private static void ParseLossSettings(AttributeData attribute, LossKind loss, List<DiagnosticInfo> diagnostics, CancellationToken ct,
            out float huberDelta, out float labelSmoothing)
        {
            huberDelta = 1f;
            labelSmoothing = 0f;
            string lossName = LossNames[(int)loss];
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                float value = named.Value.Value switch
                {
                    float f => f,
                    double d => (float)d,
                    int i => i,
                    _ => float.NaN,
                };
                switch (named.Key)
                {
                    case "Delta":
                        if (loss != LossKind.Huber)
                        {
                            Add(diagnostics, DiagnosticDescriptors.DeltaWithoutHuber, ArgumentLocation(attribute, -1, "Delta", ct), lossName, Format(value));
                        }
                        else if (!IsFinite(value) || value <= 0f)
                        {
                            Add(diagnostics, DiagnosticDescriptors.InvalidHuberDelta, ArgumentLocation(attribute, -1, "Delta", ct), Format(value));
                        }
                        else
                        {
                            huberDelta = value;
                        }
                        break;
                    case "LabelSmoothing":
                        if (loss != LossKind.CategoricalCrossEntropy && loss != LossKind.SparseCategoricalCrossEntropy)
                        {
                            Add(diagnostics, DiagnosticDescriptors.LabelSmoothingWithoutClasses, ArgumentLocation(attribute, -1, "LabelSmoothing", ct), lossName, Format(value));
                        }
                        else if (!IsFinite(value) || value < 0f || value >= 1f)
                        {
                            Add(diagnostics, DiagnosticDescriptors.InvalidLabelSmoothing, ArgumentLocation(attribute, -1, "LabelSmoothing", ct), lossName, Format(value));
                        }
                        else
                        {
                            labelSmoothing = value;
                        }
                        break;
                }
            }
        }

        private static string? CheckLossFits(LossKind loss, DenseSpec last)
        {
            switch (loss)
            {
                case LossKind.SparseCategoricalCrossEntropy:
                case LossKind.CategoricalCrossEntropy:
                    if (last.Activation != ActivationKind.Softmax)
                        return "cross-entropy over classes needs a softmax output: write Activation.Softmax on the last layer";
                    if (last.Units < 2)
                        return "softmax over one unit is always 1: use at least two units, or one Sigmoid unit with LossKind.BinaryCrossEntropy";
                    return null;
                case LossKind.BinaryCrossEntropy:
                    if (last.Activation != ActivationKind.Sigmoid)
                        return "binary cross-entropy needs probabilities in (0, 1): write Activation.Sigmoid on the last layer";
                    return null;
                default:
                    return null;
            }
        }

        private static int[]? ParseInput(AttributeData attribute, List<DiagnosticInfo> diagnostics, CancellationToken ct)
        {
            TypedConstant arg = attribute.ConstructorArguments[0];
            if (arg.Kind != TypedConstantKind.Array || arg.IsNull)
            {
                if (arg.IsNull) Add(diagnostics, DiagnosticDescriptors.NonPositiveSize, AttributeLocation(attribute, ct), "[Input(null)] (no dimension)", "0", MaxDimension.ToString("N0", CultureInfo.InvariantCulture));
                return null;
            }
            var shape = new int[arg.Values.Length];
            bool ok = shape.Length > 0;
            if (!ok)
            {
                Add(diagnostics, DiagnosticDescriptors.NonPositiveSize, AttributeLocation(attribute, ct), "[Input()] (no dimension)", "0", MaxDimension.ToString("N0", CultureInfo.InvariantCulture));
            }
            for (int i = 0; i < shape.Length; i++)
            {
                int d = arg.Values[i].Value is int v ? v : 0;
                shape[i] = d;
                if (d <= 0 || d > MaxDimension)
                {
                    Add(diagnostics, DiagnosticDescriptors.NonPositiveSize, ArgumentLocation(attribute, i, "shape", ct),
                        $"[Input] dimension {i + 1}", d.ToString(CultureInfo.InvariantCulture), MaxDimension.ToString("N0", CultureInfo.InvariantCulture));
                    ok = false;
                }
            }
            if (ok)
            {
                long total = 1;
                foreach (int d in shape) total *= d;
                if (total > MaxElements)
                {
                    Add(diagnostics, DiagnosticDescriptors.NonPositiveSize, AttributeLocation(attribute, ct),
                        "[Input] (all dimensions)", total.ToString(CultureInfo.InvariantCulture), MaxElements.ToString("N0", CultureInfo.InvariantCulture));
                    ok = false;
                }
            }
            return ok ? shape : null;
        }

        private static OptimizerSpec? ParseOptimizer(AttributeData attribute, List<DiagnosticInfo> diagnostics, CancellationToken ct)
        {
            string full = FullName(attribute) ?? "";
            OptimizerKind kind = full == AdamAttributeName ? OptimizerKind.Adam
                : full == AdamWAttributeName ? OptimizerKind.AdamW
                : full == RMSpropAttributeName ? OptimizerKind.RMSprop
                : OptimizerKind.Sgd;
            bool adam = kind == OptimizerKind.Adam || kind == OptimizerKind.AdamW;
            string attributeName = kind == OptimizerKind.Sgd ? "Sgd" : kind.ToString();
            float learningRate = kind == OptimizerKind.Sgd ? 0.01f : 0.001f, momentum = 0f, beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-7f;
            float rho = 0.9f, weightDecay = kind == OptimizerKind.AdamW ? 0.01f : 0f, clipValue = 0f, clipNorm = 0f, globalClipNorm = 0f;
            bool nesterov = false, centered = false;
            int scope = 0;
            var written = new HashSet<string>();
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                written.Add(named.Key);
                float value = named.Value.Value switch
                {
                    float f => f,
                    double d => (float)d,
                    int i => i,
                    _ => float.NaN,
                };
                switch (named.Key)
                {
                    case "LearningRate": learningRate = value; break;
                    case "Momentum": momentum = value; break;
                    case "Beta1": beta1 = value; break;
                    case "Beta2": beta2 = value; break;
                    case "Epsilon": epsilon = value; break;
                    case "Rho": rho = value; break;
                    case "WeightDecay": weightDecay = value; break;
                    case "ClipValue": clipValue = value; break;
                    case "ClipNorm": clipNorm = value; break;
                    case "GlobalClipNorm": globalClipNorm = value; break;
                    case "Nesterov": nesterov = named.Value.Value is true; break;
                    case "Centered": centered = named.Value.Value is true; break;
                    case "WeightDecayApplies": scope = named.Value.Value is int s ? s : -1; break;
                }
            }

            bool ok = true;
            void Check(string property, float value, bool valid, string rule)
            {
                if (valid) return;
                Add(diagnostics, DiagnosticDescriptors.InvalidHyperParameter, ArgumentLocation(attribute, -1, property, ct),
                    attributeName, property, Format(value), rule);
                ok = false;
            }

            Check("LearningRate", learningRate, IsFinite(learningRate) && learningRate > 0, "the learning rate must be a positive finite number such as 1e-3f");
            if (adam)
            {
                Check("Beta1", beta1, IsFinite(beta1) && beta1 >= 0 && beta1 < 1, "Beta1 must be in [0, 1), typically 0.9f");
                Check("Beta2", beta2, IsFinite(beta2) && beta2 >= 0 && beta2 < 1, "Beta2 must be in [0, 1), typically 0.999f");
            }
            if (kind != OptimizerKind.Sgd)
            {
                Check("Epsilon", epsilon, IsFinite(epsilon) && epsilon > 0, "Epsilon must be a small positive number, typically 1e-7f");
            }
            if (kind == OptimizerKind.Sgd || kind == OptimizerKind.RMSprop)
            {
                Check("Momentum", momentum, IsFinite(momentum) && momentum >= 0 && momentum < 1, "Momentum must be in [0, 1), typically 0.9f");
            }
            if (kind == OptimizerKind.RMSprop && !(IsFinite(rho) && rho > 0 && rho < 1))
            {
                Add(diagnostics, DiagnosticDescriptors.InvalidRho, ArgumentLocation(attribute, -1, "Rho", ct), Format(rho));
                ok = false;
            }
            if (nesterov && momentum == 0f && IsFinite(momentum))
            {
                Add(diagnostics, DiagnosticDescriptors.NesterovWithoutMomentum, ArgumentLocation(attribute, -1, "Nesterov", ct));
                ok = false;
            }
            if (!(IsFinite(weightDecay) && weightDecay >= 0))
            {
                Add(diagnostics, DiagnosticDescriptors.InvalidWeightDecay, ArgumentLocation(attribute, -1, "WeightDecay", ct), attributeName, Format(weightDecay));
                ok = false;
            }
            if (scope != 0 && scope != 1)
            {
                Add(diagnostics, DiagnosticDescriptors.UndefinedEnumValue, ArgumentLocation(attribute, -1, "WeightDecayApplies", ct),
                    "(WeightDecayScope)" + scope.ToString(CultureInfo.InvariantCulture), "WeightDecayScope", "AllTrainable, WeightsOnly");
                ok = false;
            }
            // clipping: each threshold that is written must be positive; at most one mode
            var clips = new List<string>();
            foreach (var (property, value) in new[] { ("ClipValue", clipValue), ("ClipNorm", clipNorm), ("GlobalClipNorm", globalClipNorm) })
            {
                if (!written.Contains(property)) continue;
                clips.Add(property);
                if (!(IsFinite(value) && value > 0))
                {
                    Add(diagnostics, DiagnosticDescriptors.InvalidClip, ArgumentLocation(attribute, -1, property, ct), attributeName, property, Format(value));
                    ok = false;
                }
            }
            if (clips.Count > 1)
            {
                Add(diagnostics, DiagnosticDescriptors.SeveralClipModes, ArgumentLocation(attribute, -1, clips[1], ct), attributeName, clips[0], clips[1]);
                ok = false;
            }

            if (scope == 1 && weightDecay == 0f)
            {
                Add(diagnostics, DiagnosticDescriptors.DecayScopeWithoutDecay, ArgumentLocation(attribute, -1, "WeightDecayApplies", ct), attributeName, "WeightsOnly");
                ok = false;
            }
            if (kind == OptimizerKind.AdamW && ok && (double)learningRate * weightDecay >= 1.0)
            {
                Add(diagnostics, DiagnosticDescriptors.DecoupledDecayTooLarge, ArgumentLocation(attribute, -1, written.Contains("WeightDecay") ? "WeightDecay" : "LearningRate", ct),
                    ((double)learningRate * weightDecay).ToString("R", CultureInfo.InvariantCulture),
                    (1.0 - (double)learningRate * weightDecay).ToString("R", CultureInfo.InvariantCulture));
                ok = false;
            }
            if (!ok) return null;

            // Valid but suspicious settings: warn, and generate anyway.
            float low = 1e-6f, high = adam || kind == OptimizerKind.RMSprop ? 0.1f : 1f;
            if (learningRate < low || learningRate > high)
            {
                bool tooHigh = learningRate > high;
                Add(diagnostics, DiagnosticDescriptors.LearningRateOutOfRange, ArgumentLocation(attribute, -1, "LearningRate", ct),
                    attributeName, Format(learningRate), tooHigh ? "very large" : "very small", Format(low), Format(high),
                    tooHigh ? "likely diverge (the loss grows or becomes NaN)" : "barely move the weights",
                    kind == OptimizerKind.Sgd ? "0.01f" : "1e-3f");
            }
            if (adam && beta2 <= beta1)
            {
                Location? where = ArgumentLocation(attribute, -1, "Beta2", ct);
                if (where is not null && where.SourceSpan == AttributeLocation(attribute, ct)?.SourceSpan) where = ArgumentLocation(attribute, -1, "Beta1", ct);
                Add(diagnostics, DiagnosticDescriptors.AdamBetasSwapped, where, Format(beta2), Format(beta1));
            }

            return new OptimizerSpec(kind, learningRate, kind == OptimizerKind.Sgd || kind == OptimizerKind.RMSprop ? momentum : 0f,
                adam ? beta1 : 0.9f, adam ? beta2 : 0.999f, kind == OptimizerKind.Sgd ? 1e-7f : epsilon)
            {
                Nesterov = nesterov,
                Rho = kind == OptimizerKind.RMSprop ? rho : 0f,
                Centered = kind == OptimizerKind.RMSprop && centered,
                WeightDecay = weightDecay,
                DecayWeightsOnly = weightDecay > 0 && scope == 1,
                ClipValue = clipValue,
                ClipNorm = clipNorm,
                GlobalClipNorm = globalClipNorm,
            };
        }

        /// <summary>
        /// Likely mistakes in a network that is otherwise valid (NG0102, NG0103). <paramref name="layerAttributes"/> runs
        /// parallel to <paramref name="layers"/>; <paramref name="loss"/> is the LossKind value, -1 when unknown.
        /// </summary>
        private static void WarnAboutLayers(int[] inputShape, List<LayerSpec> layers, Func<int, EquatableArray<int>> sourcesOf, bool stack, List<AttributeData> layerAttributes,
            Dictionary<AttributeData, int> layerNumbers, int loss, List<DiagnosticInfo> diagnostics, CancellationToken ct)
        {
            string Number(int i) => layerNumbers[layerAttributes[i]].ToString(CultureInfo.InvariantCulture);

            // NG0103: a hidden Dense without activation feeding another Dense composes into one linear map. Only when it is
            // not a bottleneck (a layer narrower than both neighbours restricts the rank on purpose, as in a linear autoencoder).
            for (int i = 0; stack && i + 1 < layers.Count; i++)
            {
                if (layers[i] is not DenseSpec { Activation.Kind: ActivationKind.Linear } hidden || layers[i + 1] is not DenseSpec next) continue;
                int fanIn = i == 0 ? (inputShape.Length == 1 ? inputShape[0] : 0) : (layers[i - 1] is DenseSpec previous ? previous.Units : 0);
                if (fanIn <= 0 || hidden.Units < Math.Min(fanIn, next.Units)) continue;
                long weights = (long)fanIn * hidden.Units;
                Add(diagnostics, DiagnosticDescriptors.RedundantLinearLayer, ArgumentLocation(layerAttributes[i], 1, "activation", ct),
                    Number(i), AttributeText(layerAttributes[i], ct), layerNumbers[layerAttributes[i + 1]].ToString(CultureInfo.InvariantCulture),
                    weights.ToString("N0", CultureInfo.InvariantCulture), hidden.Units.ToString(CultureInfo.InvariantCulture));
            }

            // NG0104: an embedding's MaskZero that no recurrent layer reads.
            if (layers.Count > 0 && layers[0].Kind.Mask(layers[0]) == MaskFlow.Starts)
            {
                bool[] masked = Planning.Masking.MaskedLayers(layers, sourcesOf);
                if (System.Array.IndexOf(masked, true) < 0)
                {
                    Add(diagnostics, DiagnosticDescriptors.MaskUnused, ArgumentLocation(layerAttributes[0], -1, "MaskZero", ct), Number(0));
                }
            }

            // NG0102: softmax output trained with a regression loss (mean squared or absolute error, Huber).
            if ((loss == (int)LossKind.MeanSquaredError || loss == (int)LossKind.MeanAbsoluteError || loss == (int)LossKind.Huber)
                && layers.Count > 0 && layers[layers.Count - 1] is DenseSpec { Activation.Kind: ActivationKind.Softmax } output)
            {
                // a warning, not an error: a bounded loss on probabilities is a known choice (MAE is robust to noisy labels)
                int i = layers.Count - 1;
                string why = output.Units == 1
                    ? "softmax over one unit always outputs 1, so the network cannot learn anything; for a yes/no output write [Dense(1, Activation.Sigmoid)] with LossKind.BinaryCrossEntropy"
                    : loss == (int)LossKind.MeanSquaredError
                        ? "the gradient of the squared error through softmax vanishes when the softmax saturates, so learning stalls on confidently wrong samples; for classes write LossKind.SparseCategoricalCrossEntropy (integer labels) or LossKind.CategoricalCrossEntropy (one-hot targets)"
                        : "its gradient does not grow with the error as cross-entropy's does and vanishes through a saturated softmax, so learning stalls on confidently wrong samples; for classes write LossKind.SparseCategoricalCrossEntropy (integer labels) or LossKind.CategoricalCrossEntropy (one-hot targets), with LabelSmoothing for noisy labels";
                Add(diagnostics, DiagnosticDescriptors.SoftmaxWithMeanSquaredError, ArgumentLocation(layerAttributes[i], 1, "activation", ct),
                    Number(i), output.Units.ToString(CultureInfo.InvariantCulture), LossNames[loss], why);
            }
        }

        /// <summary>
        /// Resolves every layer's inputs: a merge's listed names, a layer's <c>Input</c>, or else the layer before it (the
        /// [Input] for the first). Reports duplicate names (NG0027), unknown names (NG0028), names of the layer itself or
        /// of later layers (NG0029: declaration order is the order layers run, so there are no cycles), fewer than two
        /// merge inputs (NG0031) and outputs nothing reads (NG0030). Empty when no layer names its input: a stack.
        /// </summary>
        private static EquatableArray<LayerWiring> ResolveWiring(List<LayerSpec> layers, List<LayerAttribute> arguments, List<AttributeData> attributes,
            List<(string? Name, AttributeData Attribute)> inputs, List<DiagnosticInfo> diagnostics, CancellationToken ct, out bool ok)
        {
            ok = true;
            int count = layers.Count, m = inputs.Count;
            var nodes = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int j = 0; j < m; j++)
            {
                string? inputName = inputs[j].Name;
                if (string.IsNullOrEmpty(inputName)) continue;
                if (nodes.ContainsKey(inputName!))
                {
                    Add(diagnostics, DiagnosticDescriptors.DuplicateName, ArgumentLocation(inputs[j].Attribute, -1, "Name", ct), "0", inputName!, "another [Input]");
                    ok = false;
                    continue;
                }
                nodes[inputName!] = -j; // input j is node −j
            }
            var names = new string?[count];
            for (int i = 0; i < count; i++)
            {
                names[i] = arguments[i].NamedString("Name");
                if (string.IsNullOrEmpty(names[i])) continue;
                if (nodes.TryGetValue(names[i]!, out int other))
                {
                    arguments[i].Report(DiagnosticDescriptors.DuplicateName, -1, "Name", arguments[i].Position, names[i]!, other <= 0 ? "an [Input]" : $"layer {other}");
                    ok = false;
                    continue;
                }
                nodes[names[i]!] = i + 1;
            }

            var wiring = new LayerWiring[count];
            bool graph = false;
            var readers = new int[count + m]; // node n at n + m − 1
            for (int i = 0; i < count; i++)
            {
                LayerAttribute a = arguments[i];
                string[] wanted = layers[i].Kind.Merges ? a.Strings(0) : a.NamedString("Input") is string single ? new[] { single } : Array.Empty<string>();
                var sources = new List<int>();
                if (wanted.Length == 0 && !layers[i].Kind.Merges) sources.Add(i);
                if (layers[i].Kind.Merges && wanted.Length < 2)
                {
                    Add(diagnostics, DiagnosticDescriptors.MergeDoesNotFit, AttributeLocation(attributes[i], ct), a.Position, layers[i].Kind.Display(layers[i]),
                        $"it has {wanted.Length} input{(wanted.Length == 1 ? "" : "s")}: list two or more layer names, e.g. [{layers[i].Kind.Display(layers[i])}(\"a\", \"b\")]");
                    ok = false;
                }
                for (int k = 0; k < wanted.Length; k++)
                {
                    int position = layers[i].Kind.Merges ? k : -1;
                    string parameter = layers[i].Kind.Merges ? "inputs" : "Input";
                    if (!nodes.TryGetValue(wanted[k], out int node))
                    {
                        var known = nodes.Where(e => e.Value <= i).Select(e => e.Key).ToList();
                        Add(diagnostics, DiagnosticDescriptors.UnknownName, ArgumentLocation(attributes[i], position, parameter, ct), a.Position, wanted[k],
                            known.Count == 0 ? " (nothing before it has a Name)" : $" (names before it: {string.Join(", ", known)})");
                        ok = false;
                        continue;
                    }
                    if (node > i)
                    {
                        Add(diagnostics, DiagnosticDescriptors.ReadsLaterLayer, ArgumentLocation(attributes[i], position, parameter, ct), a.Position, wanted[k],
                            node.ToString(CultureInfo.InvariantCulture) + (node == i + 1 ? " itself" : ""));
                        ok = false;
                        continue;
                    }
                    sources.Add(node);
                }
                if (sources.Count != 1 || sources[0] != i || m > 1) graph = true;
                foreach (int source in sources) readers[source + m - 1]++;
                wiring[i] = new LayerWiring(names[i], new EquatableArray<int>(sources.ToArray()));
            }
            if (!ok) return EquatableArray<LayerWiring>.Empty;
            for (int i = 0; i < count - 1; i++)
            {
                if (readers[i + m] > 0) continue;
                Add(diagnostics, DiagnosticDescriptors.UnusedOutput, AttributeLocation(attributes[i], ct), arguments[i].Position, layers[i].Kind.Display(layers[i]),
                    names[i] ?? "its Name");
                ok = false;
            }
            for (int j = 0; j < m && ok; j++)
            {
                if (readers[m - 1 - j] > 0) continue;
                // every other node is read by a later one, so the output depends on an input exactly when some layer reads it
                Add(diagnostics, DiagnosticDescriptors.OutputIgnoresInput, AttributeLocation(inputs[j].Attribute, ct),
                    (j + 1).ToString(CultureInfo.InvariantCulture), inputs[j].Name is string n ? $"'{n}'" : "(no Name)",
                    inputs[j].Name is string named ? $"read it with Input = \"{named}\" or a merge layer" : "give it a Name and read it with Input = \"…\" or a merge layer");
                ok = false;
            }
            return graph ? new EquatableArray<LayerWiring>(wiring) : EquatableArray<LayerWiring>.Empty;
        }

        /// <summary>The named string argument <paramref name="name"/> of <paramref name="attribute"/> (null when not written).</summary>
        internal static string? NamedString(AttributeData attribute, string name)
        {
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                if (named.Key == name && named.Value.Value is string v) return v;
            }
            return null;
        }

        private static bool IsNonLayerAttribute(string? name) =>
            name == InputAttributeName || name == LossAttributeName || name == SgdAttributeName || name == AdamAttributeName ||
            name == AdamWAttributeName || name == RMSpropAttributeName;

        /// <summary>An attribute as the user wrote it, without brackets: <c>Dense(8, Activation.ReLU)</c>.</summary>
        private static string AttributeText(AttributeData attribute, CancellationToken ct) =>
            attribute.ApplicationSyntaxReference?.GetSyntax(ct).ToString() ?? attribute.AttributeClass?.Name ?? "?";

        private static bool IsFinite(float f) => !float.IsNaN(f) && !float.IsInfinity(f);

        private static string Format(float f) => f.ToString("R", CultureInfo.InvariantCulture);

        private static bool HasErrorArguments(AttributeData attribute)
        {
            foreach (TypedConstant c in attribute.ConstructorArguments)
            {
                if (c.Kind == TypedConstantKind.Error) return true;
            }
            foreach (KeyValuePair<string, TypedConstant> n in attribute.NamedArguments)
            {
                if (n.Value.Kind == TypedConstantKind.Error) return true;
            }
            return false;
        }

        private static NetGenAttributeList NetGenAttributes(INamedTypeSymbol symbol)
        {
            var list = new NetGenAttributeList();
            foreach (AttributeData a in symbol.GetAttributes())
            {
                string? name = FullName(a);
                if (LayerKinds.ForAttribute(name) is not null || IsNonLayerAttribute(name)) list.Add(a);
            }
            return list;
        }

        private static string? FullName(AttributeData attribute) => attribute.AttributeClass?.ToDisplayString();

        private static Location? AttributeLocation(AttributeData attribute, CancellationToken ct) =>
            attribute.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation();

        /// <summary>
        /// The location of a constructor argument (by position, or by its parameter name when written as
        /// <c>name: value</c>) or of a named property argument (position -1); the attribute when absent.
        /// </summary>
        internal static Location? ArgumentLocation(AttributeData attribute, int position, string name, CancellationToken ct)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(ct) is not AttributeSyntax syntax)
            {
                return null;
            }
            if (syntax.ArgumentList is { } list)
            {
                int positional = 0;
                foreach (AttributeArgumentSyntax argument in list.Arguments)
                {
                    if (argument.NameEquals is { } equals)
                    {
                        if (position < 0 && equals.Name.Identifier.ValueText == name) return argument.GetLocation();
                        continue;
                    }
                    if (argument.NameColon is { } colon)
                    {
                        if (colon.Name.Identifier.ValueText == name) return argument.GetLocation();
                        continue;
                    }
                    if (positional == position) return argument.GetLocation();
                    positional++;
                }
            }
            return syntax.GetLocation();
        }

        internal static void Add(List<DiagnosticInfo> diagnostics, DiagnosticDescriptor descriptor, Location? location, params string[] args) =>
            diagnostics.Add(new DiagnosticInfo(descriptor.Id, LocationInfo.From(location), new EquatableArray<string>(args)));

        private static ParseResult Fail(DiagnosticDescriptor descriptor, Location? location, params string[] args)
        {
            var list = new List<DiagnosticInfo>();
            Add(list, descriptor, location, args);
            return Result(null, list);
        }

        private static ParseResult Result(NetworkSpec? spec, List<DiagnosticInfo> diagnostics) =>
            new ParseResult(spec, new EquatableArray<DiagnosticInfo>(diagnostics));

        /// <summary>A plain list; named to keep signatures short.</summary>
        private sealed class NetGenAttributeList : List<AttributeData>
        {
        }
    }
}
