using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Parsing
{
    /// <summary>Parsing of the image layers (convolution, pooling, flatten, dropout) and the shape check of the whole stack.</summary>
    internal static partial class NetworkParser
    {
        private const string Conv2DAttributeName = "NetGen.Conv2DAttribute";
        private const string MaxPool2DAttributeName = "NetGen.MaxPool2DAttribute";
        private const string AvgPool2DAttributeName = "NetGen.AvgPool2DAttribute";
        private const string FlattenAttributeName = "NetGen.FlattenAttribute";
        private const string DropoutAttributeName = "NetGen.DropoutAttribute";
        private const string EmbeddingAttributeName = "NetGen.EmbeddingAttribute";
        private const string SimpleRnnAttributeName = "NetGen.SimpleRNNAttribute";
        private const string LstmAttributeName = "NetGen.LSTMAttribute";
        private const string GruAttributeName = "NetGen.GRUAttribute";

        private static readonly string[] PaddingNames = { "Valid", "Same" };

        private static bool IsLayerAttribute(string? name) =>
            name == DenseAttributeName || name == Conv2DAttributeName || name == MaxPool2DAttributeName ||
            name == AvgPool2DAttributeName || name == FlattenAttributeName || name == DropoutAttributeName ||
            name == EmbeddingAttributeName || name == SimpleRnnAttributeName || name == LstmAttributeName || name == GruAttributeName;

        /// <summary>How a layer is written, for messages: <c>Conv2D(6, 5)</c>, <c>MaxPool2D(2)</c>.</summary>
        private static string LayerName(LayerSpec layer) => layer switch
        {
            DenseSpec d => $"Dense({d.Units})",
            Conv2DSpec c => $"Conv2D({c.Filters}, {c.KernelSize})",
            Pool2DSpec { Kind: PoolKind.Max } p => $"MaxPool2D({p.Size})",
            Pool2DSpec p => $"AvgPool2D({p.Size})",
            FlattenSpec => "Flatten",
            DropoutSpec d => $"Dropout({d.Rate.ToString("R", CultureInfo.InvariantCulture)}f)",
            EmbeddingSpec e => $"Embedding({e.Vocabulary}, {e.Dimension})",
            RecurrentSpec r => $"{r.Name}({r.Units})",
            _ => layer.GetType().Name,
        };

        private static LayerSpec? ParseOtherLayer(AttributeData attribute, int position, List<DiagnosticInfo> diagnostics, CancellationToken ct)
        {
            string pos = position.ToString(CultureInfo.InvariantCulture);
            bool ok = true;

            int Positive(int index, string parameter, string what, int value)
            {
                if (value <= 0 || value > MaxDimension)
                {
                    Add(diagnostics, DiagnosticDescriptors.NonPositiveSize, ArgumentLocation(attribute, index, parameter, ct),
                        $"Layer {pos} ({what})", value.ToString(CultureInfo.InvariantCulture), MaxDimension.ToString("N0", CultureInfo.InvariantCulture));
                    ok = false;
                }
                return value;
            }

            PaddingKind ReadPadding()
            {
                int value = Named(attribute, "Padding", 0);
                if (value < 0 || value >= PaddingNames.Length)
                {
                    Add(diagnostics, DiagnosticDescriptors.UndefinedEnumValue, ArgumentLocation(attribute, -1, "Padding", ct),
                        "(Padding)" + value.ToString(CultureInfo.InvariantCulture), "Padding", string.Join(", ", PaddingNames));
                    ok = false;
                    return PaddingKind.Valid;
                }
                return (PaddingKind)value;
            }

            switch (FullName(attribute))
            {
                case Conv2DAttributeName:
                {
                    int filters = Positive(0, "filters", "[Conv2D] filters", Arg(attribute, 0));
                    int kernel = Positive(1, "kernelSize", "[Conv2D] kernel size", Arg(attribute, 1));
                    int activation = Arg(attribute, 2);
                    int stride = Named(attribute, "Stride", 1);
                    if (stride <= 0 || stride > MaxDimension)
                    {
                        Add(diagnostics, DiagnosticDescriptors.NonPositiveSize, ArgumentLocation(attribute, -1, "Stride", ct),
                            $"Layer {pos} ([Conv2D] Stride)", stride.ToString(CultureInfo.InvariantCulture), MaxDimension.ToString("N0", CultureInfo.InvariantCulture));
                        ok = false;
                    }
                    PaddingKind padding = ReadPadding();
                    if (activation < 0 || activation >= ActivationNames.Length)
                    {
                        Add(diagnostics, DiagnosticDescriptors.UndefinedEnumValue, ArgumentLocation(attribute, 2, "activation", ct),
                            "(Activation)" + activation.ToString(CultureInfo.InvariantCulture), "Activation", string.Join(", ", ActivationNames));
                        ok = false;
                    }
                    else if ((ActivationKind)activation == ActivationKind.Softmax)
                    {
                        Add(diagnostics, DiagnosticDescriptors.SoftmaxOnConvolution, ArgumentLocation(attribute, 2, "activation", ct), pos);
                        ok = false;
                    }
                    return ok ? new Conv2DSpec(filters, kernel, stride, padding, (ActivationKind)activation) : null;
                }
                case MaxPool2DAttributeName:
                case AvgPool2DAttributeName:
                {
                    bool max = FullName(attribute) == MaxPool2DAttributeName;
                    string attributeName = max ? "[MaxPool2D]" : "[AvgPool2D]";
                    int size = Positive(0, "size", attributeName + " size", Arg(attribute, 0));
                    int stride = Named(attribute, "Stride", 0);
                    if (stride < 0 || stride > MaxDimension)
                    {
                        Add(diagnostics, DiagnosticDescriptors.NonPositiveSize, ArgumentLocation(attribute, -1, "Stride", ct),
                            $"Layer {pos} ({attributeName} Stride)", stride.ToString(CultureInfo.InvariantCulture), MaxDimension.ToString("N0", CultureInfo.InvariantCulture));
                        ok = false;
                    }
                    PaddingKind padding = ReadPadding();
                    return ok ? new Pool2DSpec(max ? PoolKind.Max : PoolKind.Average, size, stride == 0 ? size : stride, padding) : null;
                }
                case FlattenAttributeName:
                    return new FlattenSpec();
                case DropoutAttributeName:
                {
                    float rate = attribute.ConstructorArguments[0].Value is float f ? f : float.NaN;
                    if (!(rate >= 0f && rate < 1f))
                    {
                        Add(diagnostics, DiagnosticDescriptors.InvalidDropoutRate, ArgumentLocation(attribute, 0, "rate", ct),
                            pos, rate.ToString("R", CultureInfo.InvariantCulture));
                        return null;
                    }
                    return new DropoutSpec(rate);
                }
                case EmbeddingAttributeName:
                {
                    int vocabulary = Positive(0, "vocabulary", "[Embedding] vocabulary", Arg(attribute, 0));
                    int dimension = Positive(1, "dimension", "[Embedding] dimension", Arg(attribute, 1));
                    return ok ? new EmbeddingSpec(vocabulary, dimension, NamedBool(attribute, "MaskZero")) : null;
                }
                case SimpleRnnAttributeName:
                case LstmAttributeName:
                case GruAttributeName:
                {
                    string fullName = FullName(attribute)!;
                    RecurrentKind kind = fullName == LstmAttributeName ? RecurrentKind.Lstm : fullName == GruAttributeName ? RecurrentKind.Gru : RecurrentKind.SimpleRnn;
                    string attributeName = "[" + RecurrentSpec.NameOf(kind) + "]";
                    int units = Positive(0, "units", attributeName + " units", Arg(attribute, 0));
                    var activation = ActivationKind.Tanh;
                    if (kind == RecurrentKind.SimpleRnn)
                    {
                        int value = attribute.ConstructorArguments.Length > 1 && attribute.ConstructorArguments[1].Value is int a ? a : (int)ActivationKind.Tanh;
                        if (value < 0 || value >= ActivationNames.Length)
                        {
                            Add(diagnostics, DiagnosticDescriptors.UndefinedEnumValue, ArgumentLocation(attribute, 1, "activation", ct),
                                "(Activation)" + value.ToString(CultureInfo.InvariantCulture), "Activation", string.Join(", ", ActivationNames));
                            ok = false;
                        }
                        else if ((ActivationKind)value == ActivationKind.Softmax)
                        {
                            Add(diagnostics, DiagnosticDescriptors.SoftmaxInsideNetwork, ArgumentLocation(attribute, 1, "activation", ct), pos, "SimpleRNN");
                            ok = false;
                        }
                        else
                        {
                            activation = (ActivationKind)value;
                        }
                    }
                    return ok ? new RecurrentSpec(kind, units, activation, NamedBool(attribute, "ReturnSequences")) : null;
                }
                default:
                    return null;
            }
        }

        private static bool NamedBool(AttributeData attribute, string name)
        {
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                if (named.Key == name && named.Value.Value is bool v) return v;
            }
            return false;
        }

        private static int Arg(AttributeData attribute, int index) =>
            attribute.ConstructorArguments.Length > index && attribute.ConstructorArguments[index].Value is int v ? v : 0;

        private static int Named(AttributeData attribute, string name, int fallback)
        {
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                if (named.Key == name && named.Value.Value is int v) return v;
            }
            return fallback;
        }

        /// <summary>Gate columns × (features + units) weights plus the biases (two rows of them for GRU).</summary>
        private static long RecurrentParameters(RecurrentSpec recurrent, int features)
        {
            long gates = (long)recurrent.Units * recurrent.GateBlocks;
            return gates * (features + recurrent.Units + recurrent.BiasRows);
        }

        /// <summary>Runs the shapes through the layers and reports the first layer that does not fit its input.</summary>
        private static void CheckShapes(string name, Location nameLocation, int[] inputShape, List<LayerSpec> layers,
            List<AttributeData> layerAttributes, List<DiagnosticInfo> diagnostics, CancellationToken ct)
        {
            int[] shape = inputShape;
            long parameters = 0, activations = 0;
            for (int i = 0; i < layers.Count; i++)
            {
                string position = (i + 1).ToString(CultureInfo.InvariantCulture);
                string? problem;
                int[]? next;
                if (layers[i] is EmbeddingSpec && i > 0)
                {
                    // an embedding reads the network's token ids, whatever the shape before it
                    next = null;
                    problem = "tokens";
                }
                else
                {
                    next = ShapeInference.Next(shape, layers[i], out problem);
                }
                if (next is null)
                {
                    Location? at = AttributeLocation(layerAttributes[i], ct);
                    if (problem == "flat")
                    {
                        long flat = 1;
                        foreach (int d in shape) flat *= d;
                        Add(diagnostics, DiagnosticDescriptors.DenseNeedsFlatInput, at, position, shape.Length.ToString(CultureInfo.InvariantCulture),
                            string.Join(", ", shape), flat.ToString(CultureInfo.InvariantCulture));
                    }
                    else if (problem == "image")
                    {
                        Add(diagnostics, DiagnosticDescriptors.NeedsImageInput, at, position, LayerName(layers[i]), ShapeInference.Format(shape));
                    }
                    else if (problem == "sequence")
                    {
                        Add(diagnostics, DiagnosticDescriptors.NeedsSequenceInput, at, position, LayerName(layers[i]), ShapeInference.Format(shape));
                    }
                    else if (problem == "tokens")
                    {
                        Add(diagnostics, DiagnosticDescriptors.EmbeddingNotFirst, at, position, LayerName(layers[i]), ShapeInference.Format(shape));
                    }
                    else
                    {
                        Add(diagnostics, DiagnosticDescriptors.ShapeDoesNotFit, at, position, LayerName(layers[i]), ShapeInference.Format(shape), problem ?? "");
                    }
                    return;
                }

                long inSize = 1, outSize = 1;
                foreach (int d in shape) inSize *= d;
                foreach (int d in next) outSize *= d;
                parameters += layers[i] switch
                {
                    DenseSpec dense => inSize * dense.Units + dense.Units,
                    Conv2DSpec conv => (long)shape[2] * conv.KernelSize * conv.KernelSize * conv.Filters + conv.Filters,
                    EmbeddingSpec embedding => (long)embedding.Vocabulary * embedding.Dimension,
                    RecurrentSpec recurrent => RecurrentParameters(recurrent, shape[1]),
                    _ => 0,
                };
                if (layers[i] is Conv2DSpec c2)
                {
                    // the im2col scratch of one sample
                    activations = System.Math.Max(activations, (long)shape[2] * c2.KernelSize * c2.KernelSize * next[0] * next[1]);
                }
                activations = System.Math.Max(activations, outSize);
                shape = next;
            }
            long largest = System.Math.Max(parameters, activations);
            if (largest > MaxElements)
            {
                Add(diagnostics, DiagnosticDescriptors.TooLarge, nameLocation, name, largest.ToString("N0", CultureInfo.InvariantCulture), MaxElements.ToString("N0", CultureInfo.InvariantCulture));
            }
        }
    }
}
