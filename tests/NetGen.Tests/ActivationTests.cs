using System.Reflection;
using NetGen;
using NetGen.Serialization;
using NetGen.Tests.Networks;

namespace NetGen.Tests;

/// <summary>
/// GELU, GELU (tanh), SiLU and the [Activation] layer beyond the reference checks of NumericsTests and ImageLayerTests:
/// the attribute's name beside the enum, the architecture text, NaN through whole networks, and 0 bytes per call.
/// </summary>
public class ActivationTests
{
    [Fact]
    public void Activation_in_brackets_binds_to_the_attribute_and_its_argument_to_the_enum()
    {
        // C# looks for an attribute class named Activation or ActivationAttribute; the enum NetGen.Activation is not one,
        // so [Activation(Activation.GELU)] is ActivationAttribute with the enum's value (this file compiled: the test is
        // that the attributes are there, in order, with their values)
        ActivationAttribute[] attributes = typeof(DenseActivationLayers).GetCustomAttributes<ActivationAttribute>().ToArray();
        Assert.Equal(new[] { Activation.GELU, Activation.Sigmoid, Activation.SiLU }, attributes.Select(a => a.Activation));
        Assert.False(typeof(Activation).IsSubclassOf(typeof(Attribute)));
    }

    [Fact]
    public void The_architecture_text_names_each_activation_so_model_files_tell_them_apart()
    {
        Assert.Equal("Input(37) Dense(33,GELU) Dense(19,SiLU) Dense(7,Softmax) Loss(SparseCategoricalCrossEntropy) Adam", GeluSiluNet.Architecture);
        Assert.Equal("Input(4) Dense(21,GELUTanh) Dense(5,GELU) Loss(MeanSquaredError) Adam", MseGeluNet.Architecture);
        Assert.Contains("Dense(16,Linear) Activation(GELU) Dense(12,Linear) Activation(Sigmoid)", DenseActivationLayers.Architecture, StringComparison.Ordinal);
        Assert.Contains("Activation(GELUTanh) Conv2D(4,3,stride=2,Same,Linear) Activation(GELU)", ConvActivationLayers.Architecture, StringComparison.Ordinal);
    }

    [Fact]
    public void The_architecture_text_holds_the_LeakyReLU_and_ELU_parameter_so_a_model_of_another_slope_does_not_load()
    {
        Assert.Equal("Input(13) Dense(11,LeakyReLU(0.3)) Dense(9,ELU(0.5)) Dense(5,Softmax) Loss(SparseCategoricalCrossEntropy) Adam", LeakyEluNet.Architecture);
        Assert.StartsWith("Input(5) Dense(10,ELU(1)) Dense(3,LeakyReLU(0.01)) Loss(MeanSquaredError) ", MseLeakyNet.Architecture, StringComparison.Ordinal);
        Assert.Contains("Activation(LeakyReLU(0.2)) Dense(7,Linear) Activation(ELU(1.5))", ParametricActivationLayers.Architecture, StringComparison.Ordinal);
        Assert.Contains("Conv2D(3,3,stride=1,Valid,LeakyReLU(0.1))", LeakyConvNet.Architecture, StringComparison.Ordinal);

        // a file saved by a network whose only difference is the slope is refused
        var saved = new LeakyEluNet(1);
        var other = new SlopeTwoNet(1);
        using var stream = new MemoryStream();
        ModelFile.Save(saved, stream);
        stream.Position = 0;
        Assert.ThrowsAny<Exception>(() => ModelFile.Load(other, stream));
        stream.Position = 0;
        var same = new LeakyEluNet(2);
        ModelFile.Load(same, stream);
        Assert.Equal(saved.Parameters.ToArray(), same.Parameters.ToArray());
    }

    [Theory]
    [InlineData("LeakyEluNet")]
    [InlineData("MseLeakyNet")]
    [InlineData("ParametricActivationLayers")]
    public void The_training_forward_pass_of_LeakyReLU_and_ELU_networks_matches_inference(string name)
    {
        ITrainableModel model = Create(name, 5);
        NetCase.Randomize(model, 3, 0.5f);
        const int batch = 23;
        var inputs = new float[batch * model.InputSize];
        var random = new Random(4);
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)(random.NextDouble() * 4 - 2);
        var outputs = new float[batch * model.OutputSize];
        model.Predict(inputs, outputs, batch);
        IGradientTrainer trainer = model.CreateTrainer(batch);
        if (trainer.AcceptsLabels) trainer.ComputeGradients(inputs, new int[batch]); else trainer.ComputeGradients(inputs, new float[batch * model.OutputSize]);
        float[] training = trainer.LastOutputs.Slice(0, batch * model.OutputSize).ToArray();
        if (trainer.OutputsAreLogits)
        {
            // softmax applied to the trainer's logits
            for (int r = 0; r < batch; r++) VectorMath.Softmax(training.AsSpan(r * model.OutputSize, model.OutputSize));
        }
        for (int i = 0; i < outputs.Length; i++) Assert.True(Math.Abs(outputs[i] - training[i]) <= 1e-6f * Math.Max(1f, Math.Abs(outputs[i])), $"{name} [{i}]: {outputs[i]} vs {training[i]}");
    }

    public static IEnumerable<object[]> Models() => new[]
    {
        new object[] { "GeluSiluNet" }, new object[] { "MseGeluNet" }, new object[] { "MseSiluNet" }, new object[] { "DenseActivationLayers" },
        new object[] { "MseActivationLayers" }, new object[] { "GeluConvNet" }, new object[] { "WideSiluConvNet" }, new object[] { "ConvActivationLayers" },
        new object[] { "LeakyEluNet" }, new object[] { "MseLeakyNet" }, new object[] { "ParametricActivationLayers" }, new object[] { "LeakyConvNet" },
        new object[] { "WideEluConvNet" },
    };

    private static ITrainableModel Create(string name, int seed) => name switch
    {
        "GeluSiluNet" => new GeluSiluNet(seed),
        "MseGeluNet" => new MseGeluNet(seed),
        "MseSiluNet" => new MseSiluNet(seed),
        "DenseActivationLayers" => new DenseActivationLayers(seed),
        "MseActivationLayers" => new MseActivationLayers(seed),
        "GeluConvNet" => new GeluConvNet(seed),
        "WideSiluConvNet" => new WideSiluConvNet(seed),
        "ConvActivationLayers" => new ConvActivationLayers(seed),
        "LeakyEluNet" => new LeakyEluNet(seed),
        "MseLeakyNet" => new MseLeakyNet(seed),
        "ParametricActivationLayers" => new ParametricActivationLayers(seed),
        "LeakyConvNet" => new LeakyConvNet(seed),
        "WideEluConvNet" => new WideEluConvNet(seed),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void A_NaN_input_gives_NaN_outputs_and_a_NaN_weight_NaN_gradients(string name)
    {
        // the first input and a middle one reach the outputs (the last may not: valid pooling and strides drop a border),
        // so a NaN there must come out NaN: ReLU, max pooling, GELU and SiLU keep NaN, none turns it into a number
        ITrainableModel model = Create(name, 1);
        ModelChecks.NaNInputGivesNaNOutput(model, name, 0, model.InputSize / 2);
        ParameterBlock first = model.ParameterBlocks[0];
        ModelChecks.NaNParameterGivesNaNGradients(model, name, first.Offset + first.Length - 1);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Predict_and_TrainBatch_allocate_nothing(string name) => ModelChecks.AllocatesNothing(Create(name, 2));
}
