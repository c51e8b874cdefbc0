using System;
using System.Collections.Generic;
using System.IO;
using NetGen.Data;
using NetGen.Serialization;

namespace NetGen.Samples.InferenceService;

/// <summary>The model could not be loaded; the service does not start. The message says what to fix.</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string message, Exception? innerException = null) : base(message, innerException) { }
}

/// <summary>
/// One loaded <see cref="FashionMlp"/>, shared by every request thread. The model is read-only after loading, and
/// its <c>Predict</c> is thread-safe and allocation-free, so the service needs no lock and no per-request model.
/// </summary>
public sealed class Predictor
{
    /// <summary>Floats per sample: 28 × 28 pixels scaled to [0, 1] (pixel / 255), row after row.</summary>
    public const int InputSize = FashionMlp.InputSize;

    /// <summary>Class probabilities per sample.</summary>
    public const int OutputSize = FashionMlp.OutputSize;

    private readonly FashionMlp _model;

    public Predictor(FashionMlp model, string source, ModelFileInfo? info = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        Source = source;
        Info = info;
        MaxSafeInput = SafeInputBound(model);
    }

    /// <summary>
    /// The largest |input| for which no sum inside the network can leave float32's range, whatever the other inputs
    /// (for pixels in [0, 1] this is far above 1: about 2.9e34 for the seed network's initial weights). An input above it
    /// may overflow inside the network, and a kernel may then turn the overflow into a finite but meaningless answer
    /// (ReLU by max maps NaN to 0), so the service refuses it instead of trusting the outputs.
    /// </summary>
    public float MaxSafeInput { get; }

    /// <summary>True when every value's magnitude is at most <see cref="MaxSafeInput"/>: no sum in the network can overflow.</summary>
    public bool CannotOverflow(ReadOnlySpan<float> features)
    {
        float limit = MaxSafeInput;
        foreach (float v in features)
        {
            if (!(MathF.Abs(v) <= limit)) return false;
        }
        return true;
    }

    /// <summary>
    /// Interval bound through the dense layers: with every |input| ≤ m, every partial sum of layer k is at most
    /// a_k·m + b_k in magnitude (a_k, b_k from the column sums of |W| and the largest |bias|; ReLU and softmax do not
    /// grow magnitudes), so m is safe while every a_k·m + b_k stays below a quarter of float.MaxValue (room for
    /// rounding, and for softmax's z − max(z)).
    /// </summary>
    private static float SafeInputBound(FashionMlp model)
    {
        const double ceiling = float.MaxValue / 4.0;
        double a = 1, b = 0, limit = double.PositiveInfinity;
        Layer(model.Dense1Weights, model.Dense1Biases, ref a, ref b, ref limit);
        Layer(model.Dense2Weights, model.Dense2Biases, ref a, ref b, ref limit);
        Layer(model.Dense3Weights, model.Dense3Biases, ref a, ref b, ref limit);
        return (float)Math.Min(limit, float.MaxValue);

        static void Layer(ReadOnlySpan<float> weights, ReadOnlySpan<float> biases, ref double a, ref double b, ref double limit)
        {
            int outputs = biases.Length, inputs = weights.Length / outputs;
            double column = 0, bias = 0;
            for (int o = 0; o < outputs; o++)
            {
                double sum = 0;
                for (int i = 0; i < inputs; i++) sum += Math.Abs((double)weights[i * outputs + o]);
                column = Math.Max(column, sum);
                bias = Math.Max(bias, Math.Abs((double)biases[o]));
            }
            a *= column;
            b = b * column + bias;
            double m = a > 0 ? (ceiling - b) / a : (b < ceiling ? double.PositiveInfinity : 0);
            limit = Math.Min(limit, Math.Max(m, 0));
        }
    }

    /// <summary>Where the parameters came from (the model file's path).</summary>
    public string Source { get; }

    /// <summary>The model file's header, when loaded from a file.</summary>
    public ModelFileInfo? Info { get; }

    /// <summary>The architecture text the model file must carry.</summary>
    public static string Architecture => FashionMlp.Architecture;

    /// <summary>Fashion-MNIST's class names, by class index.</summary>
    public static IReadOnlyList<string> ClassNames => FashionMnist.ClassNames;

    /// <summary>
    /// Loads a model file saved (with <c>ModelFile.Save</c>) from the seed network. Every failure is a
    /// <see cref="ModelLoadException"/> whose message names the file and the problem.
    /// </summary>
    public static Predictor Load(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ModelLoadException("No model file given: pass --model PATH (or set \"Model\" in appsettings.json or the environment variable Model).");
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new ModelLoadException($"The model path '{full}' is a directory; pass the model file (.ngmf) itself.");
        if (!File.Exists(full))
            throw new ModelLoadException($"The model file '{full}' does not exist.");

        var model = new FashionMlp(seed: 0);
        ModelFileInfo info;
        try
        {
            info = ModelFile.ReadInfo(full);
            ModelFile.Load(model, full);
        }
        catch (ModelFormatException ex)
        {
            throw new ModelLoadException($"The model file '{full}' cannot be used ({ex.Error}): {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"The model file '{full}' cannot be read: {ex.Message}", ex);
        }

        // A checksum proves the file is what was saved, not that training went well: a diverged model would answer
        // NaN for every request, and JSON cannot carry NaN. Refuse it now rather than fail every request later.
        ReadOnlySpan<float> parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            if (!float.IsFinite(parameters[i]))
                throw new ModelLoadException($"The model file '{full}' holds a non-finite parameter ({parameters[i]} at index {i}): the model it was saved from had diverged.");
        }
        return new Predictor(model, full, info);
    }

    /// <summary>
    /// Class probabilities of one sample into <paramref name="probabilities"/> (at least <see cref="OutputSize"/>);
    /// returns the arg-max. Thread-safe; allocates nothing.
    /// </summary>
    public int Predict(ReadOnlySpan<float> features, Span<float> probabilities)
    {
        _model.Predict(features, probabilities);
        return VectorMath.ArgMax(probabilities.Slice(0, OutputSize));
    }

    /// <summary>
    /// Class probabilities of <paramref name="rows"/> samples stored row after row. Thread-safe; allocates nothing.
    /// </summary>
    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int rows) => _model.Predict(inputs, outputs, rows);

    /// <summary>The arg-max of one row of <see cref="OutputSize"/> probabilities.</summary>
    public static int ArgMax(ReadOnlySpan<float> probabilities) => VectorMath.ArgMax(probabilities);

    /// <summary>True when every value is finite (a finite input can still overflow inside the network).</summary>
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) return false;
        }
        return true;
    }
}
