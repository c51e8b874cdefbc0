using System.Globalization;
using NetGen.Serialization;
using Xunit.Abstractions;

namespace NetGen.Interop.Tests;

/// <summary>
/// Mean absolute error, Huber and label smoothing against PyTorch on shared weights
/// (tests/NetGen.Interop.Tests/Python/torch_losses.py): nn.L1Loss, nn.HuberLoss(delta) and
/// nn.CrossEntropyLoss(label_smoothing) on integer labels and on probability targets. The loss and every parameter's
/// gradient (IGradientTrainer.ComputeGradients) agree within 1e-5, relative.
/// </summary>
public class TorchLossTests(ITestOutputHelper output)
{
    private const int Count = 32;
    private static readonly SafeTensorsOptions LayerIndex = new() { Naming = SafeTensorsNaming.LayerIndex };
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Python", "torch_losses.py");

    private static ITrainableModel Create(string network, int seed) => network switch
    {
        nameof(TorchMae) => new TorchMae(seed),
        nameof(TorchHuber) => new TorchHuber(seed),
        nameof(TorchSmoothSparse) => new TorchSmoothSparse(seed),
        nameof(TorchSmoothCategorical) => new TorchSmoothCategorical(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(network), network, null),
    };

    public static TheoryData<string> Networks() => new([nameof(TorchMae), nameof(TorchHuber), nameof(TorchSmoothSparse), nameof(TorchSmoothCategorical)]);

    [RequiresTorchTheory]
    [MemberData(nameof(Networks))]
    public void Loss_and_gradients_agree_with_pytorch_on_shared_weights(string network)
    {
        using var directory = new TempDirectory();
        ITrainableModel model = Create(network, seed: 3);
        var random = new SeededRandom(11UL);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = 1.2f * (random.NextSingle() - 0.5f);
        string file = directory.File("netgen.safetensors");
        SafeTensors.Export(model, file, LayerIndex);

        float[] inputs = TestData.Inputs(Count, model.InputSize, seed: 12).Select(v => 2 * v).ToArray();
        IGradientTrainer trainer = model.CreateTrainer(Count);
        float loss;
        float[] written;
        if (trainer.AcceptsLabels && network == nameof(TorchSmoothSparse))
        {
            int[] labels = Enumerable.Range(0, Count).Select(i => (i * 7 + 3) % model.OutputSize).ToArray();
            loss = trainer.ComputeGradients(inputs, labels);
            written = labels.Select(l => (float)l).ToArray();
        }
        else
        {
            float[] targets = TestData.Inputs(Count, model.OutputSize, seed: 13);
            if (network == nameof(TorchSmoothCategorical))
            {
                // probability targets: positive, each row summing to 1
                for (int r = 0; r < Count; r++)
                {
                    Span<float> row = targets.AsSpan(r * model.OutputSize, model.OutputSize);
                    float sum = 0;
                    for (int j = 0; j < row.Length; j++) sum += row[j] = row[j] + 1.5f;
                    for (int j = 0; j < row.Length; j++) row[j] /= sum;
                }
            }
            else
            {
                for (int i = 0; i < targets.Length; i++) targets[i] *= 1.5f;
            }
            if (network == nameof(TorchHuber))
            {
                // both of Huber's pieces are compared: some errors within δ = 0.4, some beyond
                float[] outputs = TestData.Predict(model, inputs);
                int inside = outputs.Select((y, i) => Math.Abs(y - targets[i]) <= 0.4f ? 1 : 0).Sum();
                Assert.True(inside >= 5 && outputs.Length - inside >= 5, $"{inside} of {outputs.Length} errors within δ");
            }
            loss = trainer.ComputeGradients(inputs, (ReadOnlySpan<float>)targets);
            written = targets;
        }
        TestData.WriteFloats(directory.File("inputs.f32"), inputs);
        TestData.WriteFloats(directory.File("targets.f32"), written);
        (int exitCode, string stdout, string stderr) = TorchPython.Run(TorchPython.Timeout, Script, "grad", file, directory.File("inputs.f32"),
            Count.ToString(CultureInfo.InvariantCulture), directory.File("targets.f32"), directory.File("grads.safetensors"));
        Assert.True(exitCode == 0, $"torch_losses.py exited with {exitCode}.\nstdout:\n{stdout}\nstderr:\n{stderr}");
        output.WriteLine(stdout.Trim());

        double torchLoss = double.Parse(System.Text.Json.JsonDocument.Parse(stdout.Trim()).RootElement.GetProperty("loss").GetRawText(), CultureInfo.InvariantCulture);
        double lossError = Math.Abs(loss - torchLoss) / Math.Abs(torchLoss);
        output.WriteLine($"{network}: loss {loss:R} in NetGen, {torchLoss:R} in PyTorch, relative difference {lossError:E2}");
        Assert.True(lossError <= 1e-5, $"{network}: loss {loss:R} in NetGen, {torchLoss:R} in PyTorch");

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
                Assert.True(error <= 1e-5, $"{network}: ∂L/∂{block.Name}[{i - block.Offset}] is {actual[i]:R} in NetGen and {expected[i]:R} in PyTorch");
            }
        }
        output.WriteLine($"{network}: largest gradient difference / largest |gradient| = {gradientError:E2}");
    }
}
