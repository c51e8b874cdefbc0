using System.Reflection;
using NetGen;
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

    public static IEnumerable<object[]> Models() => new[]
    {
        new object[] { "GeluSiluNet" }, new object[] { "MseGeluNet" }, new object[] { "MseSiluNet" }, new object[] { "DenseActivationLayers" },
        new object[] { "MseActivationLayers" }, new object[] { "GeluConvNet" }, new object[] { "WideSiluConvNet" }, new object[] { "ConvActivationLayers" },
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
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void A_NaN_input_gives_NaN_outputs_and_a_NaN_weight_NaN_gradients(string name)
    {
        // the first input and a middle one reach the outputs (the last may not: valid pooling and strides drop a border),
        // so a NaN there must come out NaN: ReLU, max pooling, GELU and SiLU keep NaN, none turns it into a number
        ITrainableModel model = Create(name, 1);
        var input = new float[model.InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = (i % 7 - 3) * 0.1f;
        var output = new float[model.OutputSize];
        model.Predict(input, output);
        Assert.All(output, v => Assert.True(float.IsFinite(v)));
        foreach (int at in new[] { 0, input.Length / 2 })
        {
            float saved = input[at];
            input[at] = float.NaN;
            model.Predict(input, output);
            Assert.True(output.Any(float.IsNaN), $"{name}: NaN at input {at} gave {string.Join(", ", output)}");
            input[at] = saved;
        }

        // a NaN weight in layer 1 makes the loss and gradients NaN: nothing turns it into a number on the way back
        IGradientTrainer trainer = model.CreateTrainer(3);
        var inputs = new float[3 * model.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (i % 5 - 2) * 0.2f;
        ParameterBlock first = model.ParameterBlocks[0];
        model.Parameters[first.Offset + first.Length - 1] = float.NaN;
        float loss = trainer.AcceptsLabels ? trainer.ComputeGradients(inputs, new int[3]) : trainer.ComputeGradients(inputs, new float[3 * model.OutputSize]);
        Assert.True(float.IsNaN(loss), $"{name}: loss {loss}");
        Assert.Contains(trainer.Gradients.ToArray(), float.IsNaN);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Predict_and_TrainBatch_allocate_nothing(string name)
    {
        ITrainableModel model = Create(name, 2);
        IGradientTrainer trainer = model.CreateTrainer(8);
        var inputs = new float[8 * model.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (i % 9 - 4) * 0.1f;
        var outputs = new float[8 * model.OutputSize];
        var labels = new int[8];
        var targets = new float[8 * model.OutputSize];
        void Step()
        {
            model.Predict(inputs, outputs, 8);
            if (trainer.AcceptsLabels) trainer.TrainBatch(inputs, labels); else trainer.TrainBatch(inputs, targets);
        }
        Step();
        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
