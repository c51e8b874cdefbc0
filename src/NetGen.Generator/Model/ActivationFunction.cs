using System;
using System.Globalization;

namespace NetGen.Generator.Model
{
    /// <summary>
    /// An activation and its parameter: the negative slope of LeakyReLU, the α of ELU (0 for the activations that take
    /// none). Written from a bare <see cref="ActivationKind"/> it takes that kind's default (Keras's: LeakyReLU 0.3,
    /// ELU 1.0), so <c>activation == ActivationKind.ReLU</c> reads as before.
    /// </summary>
    internal readonly struct ActivationFunction : IEquatable<ActivationFunction>
    {
        public ActivationFunction(ActivationKind kind, float alpha)
        {
            Kind = kind;
            Alpha = TakesAlpha(kind) ? alpha : 0f;
        }

        public ActivationKind Kind { get; }

        /// <summary>LeakyReLU's negative slope or ELU's α; 0 for every other activation.</summary>
        public float Alpha { get; }

        /// <summary>True for the activations with a parameter: LeakyReLU and ELU.</summary>
        public static bool TakesAlpha(ActivationKind kind) => kind == ActivationKind.LeakyReLU || kind == ActivationKind.ELU;

        /// <summary>Keras's default parameter: LeakyReLU's negative_slope 0.3 (PyTorch's is 0.01), ELU's alpha 1.0.</summary>
        public static float DefaultAlpha(ActivationKind kind) => kind switch
        {
            ActivationKind.LeakyReLU => 0.3f,
            ActivationKind.ELU => 1f,
            _ => 0f,
        };

        public static implicit operator ActivationFunction(ActivationKind kind) => new ActivationFunction(kind, DefaultAlpha(kind));

        public bool Equals(ActivationFunction other) => Kind == other.Kind && Alpha.Equals(other.Alpha);

        public override bool Equals(object? obj) => obj is ActivationFunction other && Equals(other);

        public override int GetHashCode() => ((int)Kind * 397) ^ Alpha.GetHashCode();

        public static bool operator ==(ActivationFunction a, ActivationFunction b) => a.Equals(b);

        public static bool operator !=(ActivationFunction a, ActivationFunction b) => !a.Equals(b);

        /// <summary>The architecture text: <c>ReLU</c>, <c>LeakyReLU(0.3)</c>, <c>ELU(1)</c> (the parameter is part of it,
        /// so a model file of another slope does not load).</summary>
        public override string ToString() =>
            TakesAlpha(Kind) ? Kind + "(" + Alpha.ToString("R", CultureInfo.InvariantCulture) + ")" : Kind.ToString();
    }
}
