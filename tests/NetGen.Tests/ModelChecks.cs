using NetGen;

namespace NetGen.Tests;

/// <summary>Checks any generated network must pass: NaN comes out as NaN, and Predict and TrainBatch allocate nothing.</summary>
public static class ModelChecks
{
    /// <summary>
    /// Finite inputs give finite outputs, and a NaN at each of <paramref name="positions"/> gives a NaN output: nothing
    /// turns it into a confident number.
    /// </summary>
    public static void NaNInputGivesNaNOutput(ITrainableModel model, string name, params int[] positions)
    {
        var input = new float[model.InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = (i % 7 - 3) * 0.1f;
        var output = new float[model.OutputSize];
        model.Predict(input, output);
        Assert.All(output, v => Assert.True(float.IsFinite(v)));
        foreach (int at in positions)
        {
            float saved = input[at];
            input[at] = float.NaN;
            model.Predict(input, output);
            Assert.True(output.Any(float.IsNaN), $"{name}: NaN at input {at} gave {string.Join(", ", output)}");
            input[at] = saved;
        }
    }

    /// <summary>A NaN parameter at <paramref name="index"/> makes the loss and gradients NaN: nothing turns it into a number on the way back.</summary>
    public static void NaNParameterGivesNaNGradients(ITrainableModel model, string name, int index)
    {
        IGradientTrainer trainer = model.CreateTrainer(3);
        var inputs = new float[3 * model.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (i % 5 - 2) * 0.2f;
        model.Parameters[index] = float.NaN;
        float loss = trainer.AcceptsLabels ? trainer.ComputeGradients(inputs, new int[3]) : trainer.ComputeGradients(inputs, new float[3 * model.OutputSize]);
        Assert.True(float.IsNaN(loss), $"{name}: loss {loss}");
        Assert.Contains(trainer.Gradients.ToArray(), float.IsNaN);
    }

    /// <summary>After two warm-up rounds, five rounds of Predict (a batch of 8 and one sample) and TrainBatch allocate 0 bytes.</summary>
    public static void AllocatesNothing(ITrainableModel model)
    {
        IGradientTrainer trainer = model.CreateTrainer(8);
        var inputs = new float[8 * model.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (i % 9 - 4) * 0.1f;
        var outputs = new float[8 * model.OutputSize];
        var output = new float[model.OutputSize];
        var labels = new int[8];
        var targets = new float[8 * model.OutputSize];
        void Step()
        {
            model.Predict(inputs, outputs, 8);
            model.Predict(inputs.AsSpan(0, model.InputSize), output);
            if (trainer.AcceptsLabels) trainer.TrainBatch(inputs, labels); else trainer.TrainBatch(inputs, targets);
        }
        Step();
        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
