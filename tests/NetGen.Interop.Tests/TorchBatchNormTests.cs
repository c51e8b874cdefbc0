using System.Buffers.Binary;
using System.Globalization;
using NetGen.Serialization;
using Xunit.Abstractions;

namespace NetGen.Interop.Tests;

/// <summary>
/// Batch normalization against PyTorch's nn.BatchNorm2d and nn.BatchNorm1d on the same weights and the same batch: the
/// training-mode output and the moved running statistics, the evaluation-mode (folded) output, and a safetensors round
/// trip that carries running_mean, running_var and num_batches_tracked (int64 in PyTorch).
/// </summary>
public class TorchBatchNormTests(ITestOutputHelper output)
{
    private const int Count = 24;
    private static readonly SafeTensorsOptions LayerIndex = new() { Naming = SafeTensorsNaming.LayerIndex };

    [RequiresTorchFact]
    public void Training_and_folded_inference_match_PyTorch_and_the_state_round_trips()
    {
        using var directory = new TempDirectory();
        var model = new TorchBatchNormNet(5);
        // a few steps first, so the statistics, γ and β are no longer their initial values
        using (var warm = model.CreateTrainer(16))
        {
            for (int step = 0; step < 5; step++)
            {
                float[] x = TestData.Inputs(16, TorchBatchNormNet.InputSize, 100 + step);
                for (int i = 0; i < x.Length; i++) x[i] = x[i] * 2 + 0.5f;
                warm.TrainBatch(x, Enumerable.Range(0, 16).Select(i => (i * 3 + step) % 4).ToArray());
            }
        }
        string file = directory.File("netgen.safetensors");
        SafeTensors.Export(model, file, LayerIndex);

        float[] inputs = TestData.Inputs(Count, TorchBatchNormNet.InputSize, 7);
        for (int i = 0; i < inputs.Length; i++) inputs[i] = inputs[i] * 2 + 0.5f;
        Write(directory.File("inputs.f32"), inputs);
        var (exitCode, facts, errors) = TorchPython.Run(TorchPython.Timeout, Path.Combine(AppContext.BaseDirectory, "Python", "torch_batchnorm.py"), file,
            directory.File("inputs.f32"), Count.ToString(CultureInfo.InvariantCulture), directory.File("train.f32"), directory.File("eval.f32"),
            directory.File("after.safetensors"));
        Assert.True(exitCode == 0, $"torch_batchnorm.py exited with {exitCode}:\n{facts}\n{errors}");
        output.WriteLine(facts.Trim());

        // the training-mode forward on the batch: logits, and the running statistics it moved
        using var trainer = model.CreateTrainer(Count);
        trainer.ComputeGradients(inputs, Enumerable.Range(0, Count).Select(i => i % 4).ToArray());
        Assert.True(trainer.OutputsAreLogits);
        Close(trainer.LastOutputs.ToArray(), Read(directory.File("train.f32")), "training-mode logits");

        var pytorch = new TorchBatchNormNet(6);
        SafeTensors.Import(pytorch, directory.File("after.safetensors"), LayerIndex);
        Close(model.Parameters.ToArray(), pytorch.Parameters.ToArray(), "parameters and running statistics after the training-mode forward");
        Assert.Equal(6f, model.BatchNorm2BatchCount[0]);
        Assert.Equal(6f, pytorch.BatchNorm2BatchCount[0]);

        // evaluation mode: the moving statistics folded into the convolution and the dense layer
        var outputs = new float[Count * TorchBatchNormNet.OutputSize];
        model.Predict(inputs, outputs, Count);
        Close(outputs, Read(directory.File("eval.f32")), "evaluation-mode outputs (folded)");
        var imported = new float[outputs.Length];
        pytorch.Predict(inputs, imported, Count);
        Close(imported, Read(directory.File("eval.f32")), "evaluation-mode outputs of the model imported from PyTorch");

        // NetGen → safetensors → NetGen keeps the state exactly, the batch count as I64
        string again = directory.File("again.safetensors");
        SafeTensors.Export(pytorch, again, LayerIndex);
        var back = new TorchBatchNormNet(7);
        SafeTensors.Import(back, again, LayerIndex);
        Assert.Equal(pytorch.Parameters.ToArray(), back.Parameters.ToArray());
        string header = File.ReadAllText(again);
        Assert.Contains("\"1.num_batches_tracked\":{\"dtype\":\"I64\"", header);
        Assert.Contains("\"3.running_var\":{\"dtype\":\"F32\"", header);
    }

    private void Close(float[] netgen, float[] torch, string what)
    {
        Assert.Equal(torch.Length, netgen.Length);
        double worst = 0;
        for (int i = 0; i < netgen.Length; i++)
        {
            double difference = Math.Abs((double)netgen[i] - torch[i]);
            worst = Math.Max(worst, difference);
            Assert.True(difference <= 1e-5 * Math.Max(1, Math.Abs(torch[i])), $"{what}: value {i} is {netgen[i]:R} in NetGen and {torch[i]:R} in PyTorch");
        }
        output.WriteLine($"{what}: {netgen.Length} values, largest |NetGen − PyTorch| = {worst:E2}");
    }

    private static void Write(string path, float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        File.WriteAllBytes(path, bytes);
    }

    private static float[] Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
        return values;
    }
}
