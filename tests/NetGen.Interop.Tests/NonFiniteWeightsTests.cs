using NetGen.Serialization;

namespace NetGen.Interop.Tests;

/// <summary>Issue 22, item 1: a model that had diverged is refused on load by default, with the place of the first bad value.</summary>
public class NonFiniteWeightsTests
{
    /// <summary>A TinyNet (5-7-3) with one NaN in the second layer's [7, 3] kernel: parameter 5·7 + 7 + 4 = 46, its element (1, 1).</summary>
    private static TinyNet Diverged(out int index)
    {
        var model = new TinyNet(seed: 1);
        index = 5 * 7 + 7 + 4;
        model.Parameters[index] = float.NaN;
        return model;
    }

    [Fact]
    public void ModelFile_Load_refuses_a_NaN_parameter_naming_its_index_and_tensor_and_changes_nothing()
    {
        // The issue: a model with NaN weights saved and loaded without complaint.
        using var directory = new TempDirectory();
        string path = directory.File("nan.ngmf");
        TinyNet diverged = Diverged(out int index);
        ModelFile.Save(diverged, path);

        var target = new TinyNet(seed: 2);
        float[] before = target.Parameters.ToArray();
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Load(target, path));
        Assert.Equal(ModelFormatError.NonFiniteValue, e.Error);
        Assert.Contains($"NaN at index {index}", e.Message);
        string block = ((IModel)target).ParameterBlocks.Single(b => index >= b.Offset && index < b.Offset + b.Length).Name;
        Assert.Contains($"tensor '{block}'", e.Message);
        Assert.Contains("AllowNonFiniteValues", e.Message);
        Bits.Equal(before, target.Parameters, "parameters after a refused load");

        using (var stream = File.OpenRead(path))
            Assert.Equal(ModelFormatError.NonFiniteValue, Assert.Throws<ModelFormatException>(() => ModelFile.Load(target, stream)).Error);

        // The option lets it through, bit for bit.
        ModelFile.Load(target, path, new ModelFileOptions { AllowNonFiniteValues = true });
        Bits.Equal(diverged.Parameters, target.Parameters, "parameters loaded with AllowNonFiniteValues");
    }

    [Fact]
    public void Checkpoint_Load_refuses_non_finite_parameters_and_optimizer_state()
    {
        using var directory = new TempDirectory();
        string path = directory.File("nan.ngck");
        var model = new TinyNet(seed: 1);
        IGradientTrainer trainer = TestData.TrainAFewSteps(model, 3, seed: 1);
        model.Parameters[3] = float.PositiveInfinity;
        Checkpoint.Save(trainer, 1, path);

        var fresh = new TinyNet(seed: 2);
        IGradientTrainer freshTrainer = fresh.CreateTrainer(8);
        float[] before = fresh.Parameters.ToArray();
        var e = Assert.Throws<ModelFormatException>(() => Checkpoint.Load(freshTrainer, path));
        Assert.Equal(ModelFormatError.NonFiniteValue, e.Error);
        Assert.Contains("Infinity at index 3", e.Message);
        Bits.Equal(before, fresh.Parameters);
        Assert.Equal(0, freshTrainer.Step);

        model.Parameters[3] = 0.5f;
        trainer.OptimizerState[7] = float.NaN;
        Checkpoint.Save(trainer, 1, path);
        e = Assert.Throws<ModelFormatException>(() => Checkpoint.Load(freshTrainer, path));
        Assert.Contains("optimizer-state value: NaN at index 7", e.Message);

        Assert.Equal(1, Checkpoint.Load(freshTrainer, path, options: new ModelFileOptions { AllowNonFiniteValues = true }));
        Assert.True(float.IsNaN(freshTrainer.OptimizerState[7]));
    }

    [Fact]
    public void SafeTensors_Import_refuses_a_non_finite_tensor_value_naming_the_tensor_element_and_offset()
    {
        using var directory = new TempDirectory();
        string path = directory.File("nan.safetensors");
        TinyNet diverged = Diverged(out _);
        SafeTensors.Export(diverged, path);

        var target = new TinyNet(seed: 2);
        float[] before = target.Parameters.ToArray();
        var e = Assert.Throws<ModelFormatException>(() => SafeTensors.Import(target, path));
        Assert.Equal(ModelFormatError.NonFiniteValue, e.Error);
        // NetGen's [7, 3] kernel element (1, 1) is element 1·7 + 1 = 8 of PyTorch's transposed [3, 7] weight.
        Assert.Contains("tensor '1.weight' holds a non-finite value: NaN at element 8", e.Message);
        Assert.Contains("file offset", e.Message);
        Bits.Equal(before, target.Parameters);

        SafeTensors.Import(target, path, new SafeTensorsOptions { AllowNonFiniteValues = true });
        Bits.Equal(diverged.Parameters, target.Parameters);
    }
}
