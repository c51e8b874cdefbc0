using System.Globalization;
using NetGen.Serialization;
using Xunit.Abstractions;

namespace NetGen.Interop.Tests;

/// <summary>
/// Every activation (ReLU, sigmoid, tanh, GELU exact and tanh, SiLU, LeakyReLU, ELU) and [LayerNormalization] against
/// PyTorch on shared weights (tests/NetGen.Interop.Tests/Python/torch_normact.py): the outputs, the mean squared error,
/// and every parameter's gradient (PyTorch's gradients come back as a safetensors file NetGen imports like weights, so
/// they land in NetGen's layout); then PyTorch's state_dict, saved back, imports bit for bit.
/// </summary>
public class TorchNormActTests(ITestOutputHelper output)
{
    private const int Count = 24;
    private static readonly SafeTensorsOptions LayerIndex = new() { Naming = SafeTensorsNaming.LayerIndex };
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Python", "torch_normact.py");

    private static ITrainableModel Create(string network, int seed) => network switch
    {
        nameof(TorchActivationZoo) => new TorchActivationZoo(seed),
        nameof(TorchActivationLayers) => new TorchActivationLayers(seed),
        nameof(TorchLayerNorm) => new TorchLayerNorm(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(network), network, null),
    };

    public static TheoryData<string> Networks() => new([nameof(TorchActivationZoo), nameof(TorchActivationLayers), nameof(TorchLayerNorm)]);

    /// <summary>Weights in ±0.6 and layer normalization's γ in 1 ± 0.4 and β in ±0.4 (not their initial ones and zeros), seeded.</summary>
    private static void Randomize(ITrainableModel model, int seed)
    {
        var random = new SeededRandom((ulong)seed);
        foreach (ParameterBlock block in model.ParameterBlocks)
        {
            float center = block.Kind == "layernorm.gamma" ? 1f : 0f, spread = block.Kind.StartsWith("layernorm.", StringComparison.Ordinal) ? 0.4f : 0.6f;
            for (int i = 0; i < block.Length; i++) model.Parameters[block.Offset + i] = center + spread * (random.NextSingle() * 2 - 1);
        }
    }

    [RequiresTorchTheory]
    [MemberData(nameof(Networks))]
    public void Outputs_loss_and_gradients_agree_with_pytorch_on_shared_weights(string network)
    {
        using var directory = new TempDirectory();
        ITrainableModel model = Create(network, seed: 3);
        Randomize(model, seed: 11);
        string file = directory.File("netgen.safetensors");
        SafeTensors.Export(model, file, LayerIndex);

        // inputs in [-2, 2): every activation sees both signs
        float[] inputs = TestData.Inputs(Count, model.InputSize, seed: 12).Select(v => 2 * v).ToArray();
        float[] targets = TestData.Inputs(Count, model.OutputSize, seed: 13);
        TestData.WriteFloats(directory.File("inputs.f32"), inputs);
        TestData.WriteFloats(directory.File("targets.f32"), targets);
        (int exitCode, string stdout, string stderr) = TorchPython.Run(TorchPython.Timeout, Script, "grad", file, directory.File("inputs.f32"),
            Count.ToString(CultureInfo.InvariantCulture), directory.File("targets.f32"), directory.File("outputs.f32"), directory.File("grads.safetensors"),
            directory.File("resaved.safetensors"));
        Assert.True(exitCode == 0, $"torch_normact.py exited with {exitCode}.\nstdout:\n{stdout}\nstderr:\n{stderr}");
        output.WriteLine(stdout.Trim());

        // outputs
        float[] netgen = TestData.Predict(model, inputs), torch = TestData.ReadFloats(directory.File("outputs.f32"));
        Assert.Equal(torch.Length, netgen.Length);
        double worst = 0;
        for (int i = 0; i < netgen.Length; i++)
        {
            double difference = Math.Abs((double)netgen[i] - torch[i]);
            worst = Math.Max(worst, difference);
            Assert.True(difference <= 1e-5 * Math.Max(1, Math.Abs(torch[i])), $"{network}: output {i} is {netgen[i]:R} in NetGen and {torch[i]:R} in PyTorch");
        }
        output.WriteLine($"{network}: largest |NetGen − PyTorch| output difference {worst:E2}");

        // loss and gradients
        IGradientTrainer trainer = model.CreateTrainer(Count);
        float loss = trainer.ComputeGradients(inputs, (ReadOnlySpan<float>)targets);
        double torchLoss = double.Parse(System.Text.Json.JsonDocument.Parse(stdout.Trim()).RootElement.GetProperty("loss").GetRawText(), CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(loss - torchLoss) <= 1e-5 * Math.Max(1, torchLoss), $"{network}: loss {loss} in NetGen, {torchLoss} in PyTorch");
        ITrainableModel gradients = Create(network, seed: 4);
        SafeTensors.Import(gradients, directory.File("grads.safetensors"), LayerIndex);
        float[] expected = gradients.Parameters.ToArray(), actual = trainer.Gradients.ToArray();
        double scale = expected.Max(Math.Abs);
        Assert.True(scale > 0, "PyTorch's gradients are all zero");
        double gradientError = 0;
        foreach (ParameterBlock block in model.ParameterBlocks)
        {
            for (int i = block.Offset; i < block.Offset + block.Length; i++)
            {
                double error = Math.Abs((double)actual[i] - expected[i]) / scale;
                gradientError = Math.Max(gradientError, error);
                Assert.True(error <= 1e-4, $"{network}: ∂L/∂{block.Name}[{i - block.Offset}] is {actual[i]:R} in NetGen and {expected[i]:R} in PyTorch");
            }
        }
        output.WriteLine($"{network}: largest gradient difference / largest |gradient| = {gradientError:E2}");

        // PyTorch's own state_dict, saved back, imports bit for bit
        ITrainableModel back = Create(network, seed: 5);
        SafeTensors.Import(back, directory.File("resaved.safetensors"), LayerIndex);
        Bits.Equal(model.Parameters, back.Parameters, "parameters after NetGen → PyTorch → NetGen");
    }
}
