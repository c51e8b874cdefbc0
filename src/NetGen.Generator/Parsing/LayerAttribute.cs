using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing
{
    /// <summary>
    /// One layer attribute as a kind's parser sees it: its arguments, and the diagnostics it reports about them (at the
    /// argument's location). A kind's <c>Parse</c> reads through this and never touches the rest of the declaration.
    /// </summary>
    internal sealed class LayerAttribute
    {
        private readonly AttributeData _attribute;
        private readonly List<DiagnosticInfo> _diagnostics;
        private readonly CancellationToken _ct;

        public LayerAttribute(AttributeData attribute, int position, List<DiagnosticInfo> diagnostics, CancellationToken ct)
        {
            _attribute = attribute;
            _diagnostics = diagnostics;
            _ct = ct;
            Position = position.ToString(CultureInfo.InvariantCulture);
            FullName = attribute.AttributeClass?.ToDisplayString() ?? "";
        }

        /// <summary>The attribute's metadata name (<c>NetGen.DenseAttribute</c>).</summary>
        public string FullName { get; }

        /// <summary>The layer's 1-based position, as the user counts layers, for messages.</summary>
        public string Position { get; }

        /// <summary>False once any argument was reported.</summary>
        public bool Ok { get; private set; } = true;

        /// <summary>Constructor argument <paramref name="index"/> as an int (0 when absent).</summary>
        public int Int(int index) => Int(index, 0);

        /// <summary>Constructor argument <paramref name="index"/> as an int, <paramref name="fallback"/> when absent.</summary>
        public int Int(int index, int fallback) =>
            _attribute.ConstructorArguments.Length > index && _attribute.ConstructorArguments[index].Value is int v ? v : fallback;

        /// <summary>Constructor argument <paramref name="index"/> as a float (NaN when absent).</summary>
        public float Float(int index) =>
            _attribute.ConstructorArguments.Length > index && _attribute.ConstructorArguments[index].Value is float f ? f : float.NaN;

        /// <summary>The named (property) argument <paramref name="name"/>, <paramref name="fallback"/> when not written.</summary>
        public int Named(string name, int fallback)
        {
            foreach (KeyValuePair<string, TypedConstant> named in _attribute.NamedArguments)
            {
                if (named.Key == name && named.Value.Value is int v) return v;
            }
            return fallback;
        }

        /// <summary>The named bool argument <paramref name="name"/> (false when not written).</summary>
        public bool NamedBool(string name)
        {
            foreach (KeyValuePair<string, TypedConstant> named in _attribute.NamedArguments)
            {
                if (named.Key == name && named.Value.Value is bool v) return v;
            }
            return false;
        }

        /// <summary>The named bool argument <paramref name="name"/>, <paramref name="fallback"/> when not written.</summary>
        public bool NamedBool(string name, bool fallback)
        {
            foreach (KeyValuePair<string, TypedConstant> named in _attribute.NamedArguments)
            {
                if (named.Key == name && named.Value.Value is bool v) return v;
            }
            return fallback;
        }

        /// <summary>The named float argument <paramref name="name"/>, <paramref name="fallback"/> when not written.</summary>
        public float NamedFloat(string name, float fallback)
        {
            foreach (KeyValuePair<string, TypedConstant> named in _attribute.NamedArguments)
            {
                if (named.Key == name && named.Value.Value is float v) return v;
            }
            return fallback;
        }

        /// <summary>The named string argument <paramref name="name"/> (null when not written).</summary>
        public string? NamedString(string name) => NetworkParser.NamedString(_attribute, name);

        /// <summary>Constructor argument <paramref name="index"/> as a string array (a <c>params string[]</c>); empty when absent.</summary>
        public string[] Strings(int index)
        {
            if (_attribute.ConstructorArguments.Length <= index) return System.Array.Empty<string>();
            TypedConstant argument = _attribute.ConstructorArguments[index];
            if (argument.Kind != TypedConstantKind.Array || argument.IsNull) return System.Array.Empty<string>();
            var values = new string[argument.Values.Length];
            for (int i = 0; i < values.Length; i++) values[i] = argument.Values[i].Value as string ?? "";
            return values;
        }

        /// <summary>Reports <paramref name="descriptor"/> at constructor argument <paramref name="index"/> (or the named argument
        /// <paramref name="parameter"/> when <paramref name="index"/> is -1) and marks the attribute as wrong.</summary>
        public void Report(DiagnosticDescriptor descriptor, int index, string parameter, params string[] arguments)
        {
            NetworkParser.Add(_diagnostics, descriptor, NetworkParser.ArgumentLocation(_attribute, index, parameter, _ct), arguments);
            Ok = false;
        }

        /// <summary>A size in [1, MaxDimension]; reports NG0004 (about "Layer n (<paramref name="what"/>)") otherwise.</summary>
        public int Positive(int index, string parameter, string what, int value) => Size(index, parameter, $"Layer {Position} ({what})", value);

        /// <summary>A size in [1, MaxDimension]; reports NG0004 about <paramref name="subject"/> otherwise.</summary>
        public int Size(int index, string parameter, string subject, int value)
        {
            if (value <= 0 || value > NetworkParser.MaxDimension)
            {
                Report(DiagnosticDescriptors.NonPositiveSize, index, parameter,
                    subject, value.ToString(CultureInfo.InvariantCulture), NetworkParser.MaxDimension.ToString("N0", CultureInfo.InvariantCulture));
            }
            return value;
        }

        /// <summary>An enum value written as a cast outside the enum's range: reports NG0005 with the defined names.</summary>
        public bool Defined(int value, int count, int index, string parameter, string enumName, string[] names, string prefix = "")
        {
            if (value >= 0 && value < count) return true;
            Report(DiagnosticDescriptors.UndefinedEnumValue, index, parameter,
                prefix + "(" + enumName + ")" + value.ToString(CultureInfo.InvariantCulture), enumName, string.Join(", ", names));
            return false;
        }

        /// <summary>Activation argument <paramref name="index"/>, checked to be defined; null after reporting.</summary>
        public ActivationKind? Activation(int index, string parameter, ActivationKind fallback, string prefix = "")
        {
            int value = Int(index, (int)fallback);
            return Defined(value, NetworkParser.ActivationNames.Length, index, parameter, "Activation", NetworkParser.ActivationNames, prefix)
                ? (ActivationKind)value
                : null;
        }

        /// <summary>The named <c>Padding</c> argument, checked to be defined.</summary>
        public PaddingKind Padding()
        {
            int value = Named("Padding", 0);
            return Defined(value, NetworkParser.PaddingNames.Length, -1, "Padding", "Padding", NetworkParser.PaddingNames) ? (PaddingKind)value : PaddingKind.Valid;
        }
    }
}
