using System.Globalization;
using NetGen.Serialization;
using Xunit.Abstractions;

namespace NetGen.Interop.Tests;

/// <summary>
/// Rectangular, dilated, per-axis strided, bias-free and depthwise convolutions against PyTorch on shared weights:
/// NetGen's model goes to PyTorch through safetensors, both compute the outputs and the gradients of the mean squared
/// error for the same batch, and PyTorch's gradients come back through safetensors (so its layouts are checked too).
/// </summary>
public class TorchWindowConvolutionTests(ITestOutputHelper output)
{
    private const int Count = 12;
    private static readonly SafeTensorsOptions LayerIndex = new() { Naming = SafeTensorsNaming.LayerIndex };

    private static ITrainableModel Create(string network, int seed) => network switch
    {
        nameof(TorchNoBiasConv) => new TorchNoBiasConv(seed),
        nameof(TorchDilatedRectangularConv) => new TorchDilatedRectangularConv(seed),
        nameof(TorchDepthwise) => new TorchDepthwise(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(network), network, null),
    };

    [RequiresTorchTheory]
    [InlineData(nameof(TorchNoBiasConv))]
    [InlineData(nameof(TorchDilatedRectangularConv))]
    [InlineData(nameof(TorchDepthwise))]
    public void Outputs_and_gradients_match_pytorch_on_shared_weights(string network)
    {
        using var directory = new TempDirectory();
        ITrainableModel model = Create(network, seed: 7);
        // every parameter (biases included) away from its initial value
        var random = new Random(11);
        Span<float> parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++) parameters[i] = (float)(random.NextDouble() - 0.5);
        string weights = directory.File("weights.safetensors");
        SafeTensors.Export(model, weights, LayerIndex);
        float[] inputs = TestData.Inputs(Count, model.InputSize, seed: 12);
        float[] targets = TestData.Inputs(Count, model.OutputSize, seed: 13);
        TorchLayerInteropTests.WriteFloats(directory.File("inputs.f32"), inputs);
        TorchLayerInteropTests.WriteFloats(directory.File("targets.f32"), targets);

        string script = Path.Combine(AppContext.BaseDirectory, "Python", "window_conv.py");
        (int exitCode, string stdout, string stderr) = TorchPython.Run(TorchPython.Timeout, script, model.Architecture, weights, directory.File("inputs.f32"),
            directory.File("targets.f32"), Count.ToString(CultureInfo.InvariantCulture), directory.File("outputs.f32"), directory.File("gradients.safetensors"));
        Assert.True(exitCode == 0, $"window_conv.py exited with {exitCode}:\n{stdout}\n{stderr}");
        output.WriteLine(stdout.Trim());

        float[] torchOutputs = TorchLayerInteropTests.ReadFloats(directory.File("outputs.f32"));
        float[] netgenOutputs = TestData.Predict(model, inputs);
        double worstOutput = Worst(netgenOutputs, torchOutputs, 1);
        Assert.True(worstOutput <= 1e-5, $"{network}: outputs differ from PyTorch's by {worstOutput:E2}");

        using var trainer = (IDisposable)model.CreateTrainer(Count);
        ((IGradientTrainer)trainer).ComputeGradients(inputs, (ReadOnlySpan<float>)targets);
        float[] netgenGradients = ((IGradientTrainer)trainer).Gradients.ToArray();
        ITrainableModel torchGradients = Create(network, seed: 0);
        SafeTensors.Import(torchGradients, directory.File("gradients.safetensors"), LayerIndex);
        float[] expected = torchGradients.Parameters.ToArray();
        double scale = expected.Max(Math.Abs);
        Assert.True(scale > 0, "PyTorch's gradients are all zero");
        double worstGradient = Worst(netgenGradients, expected, scale);
        output.WriteLine($"{network}: largest |NetGen − PyTorch| output {worstOutput:E2}, gradient {worstGradient:E2} of max |g| {scale:E2}");
        Assert.True(worstGradient <= 1e-5, $"{network}: gradients differ from PyTorch's by {worstGradient:E2} (relative to the largest, {scale:E2})");
    }

    /// <summary>The largest |a − b| / max(<paramref name="scale"/>, |b|).</summary>
    private static double Worst(float[] a, float[] b, double scale)
    {
        Assert.Equal(a.Length, b.Length);
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs((double)a[i] - b[i]) / Math.Max(scale, Math.Abs(b[i])));
        return worst;
    }
}
