using NetGen;

namespace NetGen.Tests;

/// <summary>LeakyReLU and ELU in double precision, from their definitions, for the references.</summary>
public static class ParametricActivations
{
    /// <summary>The α a layer uses: the one written, or Keras's default (LeakyReLU 0.3, ELU 1.0) when NaN.</summary>
    public static double Alpha(Activation act, double alpha) =>
        !double.IsNaN(alpha) ? alpha : act == Activation.LeakyReLU ? 0.3 : 1.0;

    public static double LeakyRelu(double x, double alpha) => x > 0 ? x : alpha * x;

    public static double LeakyReluDerivative(double x, double alpha) => x > 0 ? 1 : alpha;

    public static double Elu(double x, double alpha) => x > 0 ? x : alpha * (Math.Exp(x) - 1);

    public static double EluDerivative(double x, double alpha) => x > 0 ? 1 : alpha * Math.Exp(x);
}
